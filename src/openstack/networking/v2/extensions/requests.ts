/**
 * Extension calls: what this Neutron supports (`osnet doctor` checks binding, tags and port-security).
 *
 * @example
 *   const missing = await missingExtensions(net, ['binding', 'standard-attr-tag']);
 */
import type { ServiceClient } from '../../../client/service-client.ts';
import { resource } from '../../../resource/resource.ts';
import type { Extension } from './results.ts';
import { EXTENSIONS, extensionURL } from './urls.ts';

/**
 * list (all extensions), get (one by alias; NotFoundError when absent).
 *
 * @example
 *   for await (const e of list(net)) console.log(e.alias);
 */
export const { list, get } = resource<Extension, never, never, undefined>({
  badInput: 'throws',
  name: 'extension',
  plural: 'extensions',
  collection: EXTENSIONS,
  item: extensionURL,
});

/** The aliases of `wanted` this Neutron lacks, in order (one list call). @example await missingExtensions(net, ['trunk']) */
export async function missingExtensions(client: ServiceClient, wanted: readonly string[]): Promise<string[]> {
  const have = new Set<string>();
  for await (const e of list(client)) have.add(e.alias);
  return wanted.filter((a) => !have.has(a));
}
