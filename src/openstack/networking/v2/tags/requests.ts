/**
 * Tags on any taggable Neutron resource (standard-attr-tag): list, check, add one, remove one, replace
 * all, remove all. Every change bumps the resource's revision_number.
 *
 * @example
 *   await add(net, 'ports', portId, 'osnet:pod=web-1');
 *   await replaceAll(net, 'networks', netId, ['a', 'b']);
 */
import { OsnetError } from '../../../../lib/errors.ts';
import { NotFoundError } from '../../../client/errors.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import { requireTag } from '../../../resource/validate.ts';
import { type TaggableKind, tagsURL, tagURL } from './urls.ts';

/** The resource's tags. @example const tags = await list(net, 'ports', id) */
export async function list(client: ServiceClient, kind: TaggableKind, id: string): Promise<string[]> {
  const res = await client.get<{ tags: string[] }>(tagsURL(kind, id));
  return res.body.tags;
}

/** Whether the resource carries the tag (NotFoundError only when the resource itself is missing). @example await has(net, 'ports', id, 'x') */
export async function has(
  client: ServiceClient,
  kind: TaggableKind,
  id: string,
  tag: string,
): Promise<boolean> {
  const path = tagURL(kind, id, tag);
  try {
    await client.get(path);
    return true;
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
    // Neutron answers 404 both for "no such tag" and "no such resource": tell them apart
    await client.get(tagsURL(kind, id));
    return false;
  }
}

/** Adds one tag (no-op when present). @example await add(net, 'networks', id, 'blue') */
export async function add(client: ServiceClient, kind: TaggableKind, id: string, tag: string): Promise<void> {
  await client.put(tagURL(kind, id, tag));
}

/** Removes one tag; NotFoundError when the resource does not carry it. @example await remove(net, 'ports', id, 'blue') */
export async function remove(
  client: ServiceClient,
  kind: TaggableKind,
  id: string,
  tag: string,
): Promise<void> {
  await client.delete(tagURL(kind, id, tag));
}

/** Sets exactly these tags, returning them as stored. @example await replaceAll(net, 'ports', id, ['a']) */
export async function replaceAll(
  client: ServiceClient,
  kind: TaggableKind,
  id: string,
  tags: readonly string[],
): Promise<string[]> {
  if (!Array.isArray(tags)) {
    throw new OsnetError('OSNET_ERR_VALIDATION', 'tags: must be a list of strings', { field: 'tags' });
  }
  for (const [i, t] of tags.entries()) requireTag(t, `tags[${i}]`);
  const res = await client.put<{ tags: string[] }>(tagsURL(kind, id), { body: { tags } });
  return res.body.tags;
}

/** Removes every tag. @example await removeAll(net, 'routers', id) */
export async function removeAll(client: ServiceClient, kind: TaggableKind, id: string): Promise<void> {
  await client.delete(tagsURL(kind, id));
}
