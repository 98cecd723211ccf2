/**
 * Keystone v3 catalog endpoint as the API returns it.
 *
 * @example
 *   const e: Endpoint = await endpoints.get(identity, id);
 */

import type { EndpointInterface } from '../../../config/types.ts';
import type { Links } from '../common.ts';

export interface Endpoint {
  id: string;
  service_id: string;
  interface: EndpointInterface;
  url: string;
  region_id: string | null;
  /** Deprecated twin of region_id that Keystone still returns. */
  region: string | null;
  enabled: boolean;
  links: Links;
}
