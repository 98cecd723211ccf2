/**
 * Idempotent create by marker (contract rule): the portal resource's uuid is kept on the Neutron object as
 * the tag `osnet-portal:<marker>`, so a job that runs a create again finds what an earlier attempt made.
 *
 * @example
 *   const n = await createOnce(net, 'networks', {
 *     marker, fallback: { names: [spec.name] }, find: (f) => networks.list(net, { project_id, ...f }),
 *     create: () => networks.create(net, { name: spec.name, project_id }),
 *   });
 */
import { OsnetError } from '../../../../lib/errors.ts';
import type { ServiceClient } from '../../../../openstack/client/service-client.ts';
import * as tags from '../../../../openstack/networking/v2/tags/index.ts';
import type { TaggableKind } from '../../../../openstack/networking/v2/tags/urls.ts';

export const MARKER_PREFIX = 'osnet-portal:';

/** The tag that names the portal resource an object belongs to. @example markerTag('ab…') // 'osnet-portal:ab…' */
export function markerTag(marker: string): string {
  if (typeof marker !== 'string' || !/^[0-9A-Za-z_-]{1,64}$/.test(marker)) {
    throw new OsnetError('OSNET_ERR_VALIDATION', 'marker: must be 1–64 letters, digits, - or _', {
      field: 'marker',
    });
  }
  return `${MARKER_PREFIX}${marker}`;
}

/** Whether the object carries any portal marker (then it belongs to some portal resource). */
export function hasMarker(objTags: readonly string[] | undefined): boolean {
  return (objTags ?? []).some((t) => t.startsWith(MARKER_PREFIX));
}

/** The portal marker on an object, if any (pulls use it to match imported objects). */
export function markerOf(objTags: readonly string[] | undefined): string | undefined {
  return (objTags ?? []).find((t) => t.startsWith(MARKER_PREFIX))?.slice(MARKER_PREFIX.length);
}

/** The first item of an async list that `pick` accepts, or undefined (stops paging there). */
async function first<T>(
  items: AsyncIterable<T>,
  pick: (t: T) => boolean = () => true,
): Promise<T | undefined> {
  for await (const item of items) if (pick(item)) return item;
  return undefined;
}

interface Tagged {
  id: string;
  tags: string[];
}

export interface CreateOnceOpts<T extends Tagged> {
  marker: string;
  /**
   * Filter that finds the object an attempt made before it could tag it (`{ names: [name] }`, a subnet's
   * `{ cidr }`); undefined: none is safe (an empty name), so only the tag counts.
   */
  fallback: Record<string, unknown> | undefined;
  /** A list of the tenant's objects with these extra filters (`tags`, or the fallback's). */
  find: (filter: Record<string, unknown>) => AsyncIterable<T>;
  create: () => Promise<T>;
}

/**
 * Finds the object an earlier attempt made (by marker tag; then, for a crash between create and tag, an
 * untagged object of the same name, which it tags), else creates and tags one. Tags cannot go into the
 * create body of most kinds here (Neutron answers 400 "Attribute 'tags' not allowed in POST").
 */
export async function createOnce<T extends Tagged>(
  client: ServiceClient,
  kind: TaggableKind,
  opts: CreateOnceOpts<T>,
): Promise<T> {
  const tag = markerTag(opts.marker);
  const found = await first(opts.find({ tags: [tag] }));
  if (found) return found;
  let obj =
    opts.fallback === undefined
      ? undefined
      : await first(opts.find(opts.fallback), (o) => !hasMarker(o.tags));
  obj ??= await opts.create();
  await tags.add(client, kind, obj.id, tag);
  return { ...obj, tags: [...obj.tags.filter((t) => t !== tag), tag] };
}

export { first };
