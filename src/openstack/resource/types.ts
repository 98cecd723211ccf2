/**
 * Shapes every resource shares, whatever the service: the item type a list yields, update options, and a
 * one-page answer that keeps Keystone's `truncated` flag.
 *
 * @example
 *   type P = Listed<Port, { fields: ['id'] }>; // Pick<Port, 'id'>
 */

/**
 * Options of an `update`: `ifMatch` sends `If-Match: revision_number=N` (Neutron), so the update fails with
 * PreconditionFailedError (412) when someone changed the resource since revision N.
 *
 * @example
 *   await ports.update(net, id, { name: 'x' }, { ifMatch: port.revision_number });
 */
export interface UpdateOptions {
  ifMatch?: number | undefined;
}

/** Sort direction of a list (`sort_dir`). */
export type SortDir = 'asc' | 'desc';

/**
 * The item type a list yields: the whole resource, or only the asked `fields`.
 *
 * @example
 *   type P = Listed<Port, { fields: ['id'] }>; // Pick<Port, 'id'>
 */
export type Listed<T, F> = F extends { fields: readonly (infer K)[] }
  ? Pick<T, K & keyof T>
  : F extends { fields?: readonly (infer K)[] | undefined }
    ? // fields that may or may not be given: only what every answer has is safe
      Pick<T, K & keyof T> & Partial<T>
    : T;

/** One GET of a collection: the items and whether the server cut the list (Keystone's `truncated`). */
export interface ListPage<T> {
  items: T[];
  /** True when the service truncated the list at its own limit (`"truncated": true`): narrow the filters. */
  truncated: boolean;
}

/**
 * The tag filters Neutron, Keystone and Nova (2.26) share; each list is sent comma-joined.
 *
 * @example
 *   const f: TagFilters = { tags: ['a', 'b'], 'not-tags-any': ['old'] };
 */
export interface TagFilters {
  /** Resources carrying all of these tags. */
  tags?: readonly string[] | undefined;
  /** Resources carrying any of these tags. */
  'tags-any'?: readonly string[] | undefined;
  /** Resources not carrying all of these tags. */
  'not-tags'?: readonly string[] | undefined;
  /** Resources carrying none of these tags. */
  'not-tags-any'?: readonly string[] | undefined;
}
