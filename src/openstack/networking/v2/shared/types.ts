/**
 * Attributes and option shapes every Neutron v2.0 resource shares (the `standard-attr-*` extensions).
 *
 * @example
 *   const rev: number = (await ports.get(net, id)).revision_number;
 */

/** Fields the standard-attr extensions add to networks, subnets, ports, routers, SGs, floating IPs, ... */
export interface StandardAttrs {
  id: string;
  project_id: string;
  /** Same as project_id (the pre-Keystone-v3 name Neutron still returns). */
  tenant_id: string;
  description: string;
  /** Bumped by every change; send it back as `ifMatch` to update only what you last read. */
  revision_number: number;
  created_at: string;
  updated_at: string;
  tags: string[];
}

export type { Listed, SortDir, UpdateOptions } from '../../../resource/types.ts';

import type { SortDir, TagFilters } from '../../../resource/types.ts';

/**
 * Filters and paging every Neutron list accepts. All of them go to the query string:
 * `ids`/`names` become repeated `id=`/`name=` (OR), tag lists are sent comma-separated as Neutron wants.
 *
 * @example
 *   const f: CommonListOpts<Port> = { tags: ['a', 'b'], limit: 50, fields: ['id', 'name'] };
 */
export interface CommonListOpts<T> extends TagFilters {
  ids?: readonly string[] | undefined;
  names?: readonly string[] | undefined;
  description?: string | undefined;
  project_id?: string | undefined;
  revision_number?: number | undefined;
  /** Only these attributes come back; narrows the item type to `Pick<T, field>`. */
  fields?: readonly (keyof T & string)[] | undefined;
  sort_key?: (keyof T & string) | undefined;
  /** Default 'asc' when `sort_key` is given. */
  sort_dir?: SortDir | undefined;
  /** Page size: the iterator fetches pages of this many items, following Neutron's next links. */
  limit?: number | undefined;
  /** Start after this id (Neutron's marker). */
  marker?: string | undefined;
}
