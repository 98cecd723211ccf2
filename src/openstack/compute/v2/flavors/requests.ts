/**
 * Flavor calls: creating one is admin-only; from microversion 2.55 its description can be updated.
 *
 * @example
 *   const f = await create(nova, { name: 'm1.tiny', ram: 512, vcpus: 1, disk: 1 });
 */
import { OsnetError } from '../../../../lib/errors.ts';
import { resource } from '../../../resource/resource.ts';
import type { SortDir } from '../../../resource/types.ts';
import { requireString } from '../../../resource/validate.ts';
import type { Flavor } from './results.ts';
import { FLAVORS, FLAVORS_DETAIL, flavorURL } from './urls.ts';

/** Request body of a flavor create (admin). */
export interface CreateFlavorOpts {
  name: string;
  ram: number;
  vcpus: number;
  disk: number;
  /** Nova makes a UUID when omitted. */
  id?: string;
  swap?: number;
  'OS-FLV-EXT-DATA:ephemeral'?: number;
  'os-flavor-access:is_public'?: boolean;
  rxtx_factor?: number;
  description?: string;
}

/** Request body of a flavor update (microversion 2.55). */
export interface UpdateFlavorOpts {
  description: string | null;
}

/** Query filters of a flavor list (GET flavors/detail). */
export interface ListFlavorsOpts {
  minDisk?: number | undefined;
  minRam?: number | undefined;
  /** true, false, or "None" for both (admin). */
  is_public?: boolean | 'None' | undefined;
  sort_key?: keyof Flavor | undefined;
  sort_dir?: SortDir | undefined;
  limit?: number | undefined;
  marker?: string | undefined;
}

function sizes(body: Record<string, unknown>, path: string): void {
  for (const k of ['ram', 'vcpus', 'disk'] as const) {
    const v = body[k];
    if (!Number.isInteger(v) || (v as number) < (k === 'disk' ? 0 : 1)) {
      throw new OsnetError(
        'OSNET_ERR_VALIDATION',
        `${path}.${k}: must be an integer >= ${k === 'disk' ? 0 : 1}`,
        {
          field: `${path}.${k}`,
        },
      );
    }
  }
}

/**
 * create (name, ram, vcpus, disk checked first), get, list (whole flavors), update (description), remove,
 * removeIfExists.
 *
 * @example
 *   for await (const f of list(nova, { minRam: 1024 })) console.log(f.name);
 */
export const { create, get, list, update, remove, removeIfExists } = resource<
  Flavor,
  CreateFlavorOpts,
  UpdateFlavorOpts,
  ListFlavorsOpts
>({
  name: 'flavor',
  plural: 'flavors',
  collection: FLAVORS,
  listPath: FLAVORS_DETAIL,
  item: flavorURL,
  checkCreate(body, path) {
    requireString(body, 'name', path);
    sizes(body, path);
  },
});
