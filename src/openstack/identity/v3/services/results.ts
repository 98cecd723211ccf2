/**
 * Keystone v3 catalog service as the API returns it.
 *
 * @example
 *   const s: CatalogServiceEntry = await services.get(identity, id);
 */
import type { Links } from '../common.ts';

export interface CatalogServiceEntry {
  id: string;
  /** The catalog type: identity, network, compute, ... */
  type: string;
  name?: string;
  description?: string;
  enabled: boolean;
  links: Links;
}
