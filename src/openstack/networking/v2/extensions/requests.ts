/**
 * Extension calls: what this Neutron supports (`osnet doctor` checks binding, tags and port-security).
 *
 * @example
 *   const missing = await missingExtensions(net, ['binding', 'standard-attr-tag']);
 */
import type { ServiceClient } from '../../../client/service-client.ts';
import { getOne, listAll } from '../shared/crud.ts';
import type { Extension } from './results.ts';
import { EXTENSIONS, extensionURL } from './urls.ts';

/** All extensions. @example for await (const e of list(net)) console.log(e.alias) */
export function list(client: ServiceClient): AsyncGenerator<Extension, void, undefined> {
  return listAll<Extension, undefined>(client, EXTENSIONS, 'extensions', undefined);
}

/** One extension by alias (NotFoundError when absent). @example await get(net, 'binding') */
export function get(client: ServiceClient, alias: string): Promise<Extension> {
  return getOne<Extension>(client, extensionURL(alias), 'extension');
}

/** The aliases of `wanted` this Neutron lacks, in order (one list call). @example await missingExtensions(net, ['trunk']) */
export async function missingExtensions(client: ServiceClient, wanted: readonly string[]): Promise<string[]> {
  const have = new Set<string>();
  for await (const e of list(client)) have.add(e.alias);
  return wanted.filter((a) => !have.has(a));
}
