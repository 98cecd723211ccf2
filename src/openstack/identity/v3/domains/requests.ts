/**
 * Keystone v3 domains, read-only here: get and list.
 *
 * @example
 *   const d = await domains.get(identity, 'default');
 */
import { paginate } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import type { Domain } from './results.ts';
import { domainsUrl, domainUrl } from './urls.ts';

/** Query filters of GET /v3/domains. */
export interface ListFilters {
  name?: string;
  enabled?: boolean;
}

/**
 * One domain by id.
 *
 * @example
 *   const d = await get(identity, 'default');
 */
export async function get(client: ServiceClient, id: string): Promise<Domain> {
  const { body } = await client.get<{ domain: Domain }>(domainUrl(id));
  return body.domain;
}

/**
 * Domains matching the filters, as an async iterator.
 *
 * @example
 *   for await (const d of list(identity, { name: 'Default' })) console.log(d.id);
 */
export function list(client: ServiceClient, filters: ListFilters = {}): AsyncGenerator<Domain> {
  return paginate<Domain>(client, domainsUrl(), 'domains', { ...filters });
}
