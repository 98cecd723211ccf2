/**
 * Volume type calls (create, update and delete are admin-only). A type's name is what per-type quotas
 * (`gigabytes_<name>`) and the portal's dynamic storage mode key on.
 *
 * @example
 *   const t = await create(cinder, { name: 'lab-nfs', extra_specs: { volume_backend_name: 'nfs1' } });
 */
import { resource } from '../../../resource/resource.ts';
import type { SortDir } from '../../../resource/types.ts';
import { requireString } from '../../../resource/validate.ts';
import type { VolumeType } from './results.ts';
import { VOLUME_TYPES, volumeTypeURL } from './urls.ts';

/** Request body of a volume type create (`{"volume_type": {...}}`). */
export interface CreateVolumeTypeOpts {
  name: string;
  description?: string;
  extra_specs?: Record<string, string>;
  'os-volume-type-access:is_public'?: boolean;
}

/** Request body of a volume type update. */
export interface UpdateVolumeTypeOpts {
  name?: string;
  description?: string;
  is_public?: boolean;
}

/** Query filters of a volume type list. */
export interface ListVolumeTypesOpts {
  /** true, false, or "None" for both (admin). */
  is_public?: boolean | 'None' | undefined;
  sort_key?: keyof VolumeType | undefined;
  sort_dir?: SortDir | undefined;
  limit?: number | undefined;
  marker?: string | undefined;
}

/**
 * create (a name is required), get, list, update, remove, removeIfExists.
 *
 * @example
 *   for await (const t of list(cinder)) console.log(t.name, t.extra_specs);
 */
export const { create, get, list, update, remove, removeIfExists } = resource<
  VolumeType,
  CreateVolumeTypeOpts,
  UpdateVolumeTypeOpts,
  ListVolumeTypesOpts
>({
  name: 'volume_type',
  plural: 'volume_types',
  collection: VOLUME_TYPES,
  item: volumeTypeURL,
  checkCreate(body, path) {
    requireString(body, 'name', path);
  },
});
