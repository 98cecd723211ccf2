/**
 * Keystone v3 domains, read-only here: get and list.
 *
 * @example
 *   const d = await domains.get(identity, 'default');
 */
import { resource } from '../../../resource/resource.ts';
import { KEYSTONE } from '../common.ts';
import type { Domain } from './results.ts';
import { domainsUrl, domainUrl } from './urls.ts';

/** Query filters of GET /v3/domains. */
export interface ListFilters {
  name?: string;
  enabled?: boolean;
}

/**
 * get, list.
 *
 * @example
 *   const d = await get(identity, 'default');
 */
export const { get, list } = resource<Domain, never, never, ListFilters>({
  ...KEYSTONE,
  name: 'domain',
  plural: 'domains',
  collection: domainsUrl(),
  item: domainUrl,
});
