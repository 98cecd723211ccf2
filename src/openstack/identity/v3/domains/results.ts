/**
 * Keystone v3 domain as the API returns it.
 *
 * @example
 *   const d: Domain = await domains.get(identity, 'default');
 */
import type { Links } from '../common.ts';

export interface Domain {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  tags?: string[];
  options: Record<string, unknown>;
  links: Links;
}
