/**
 * Volume calls. Cinder creates and deletes asynchronously: wait with client/wait-for.ts for `available`
 * or gone (its failures are `error`, `error_deleting`, ...).
 *
 * @example
 *   const v = await create(cinder, { size: 1, name: 'data' });
 *   await waitForStatus(() => get(cinder, v.id), 'available', { what: `volume ${v.id}` });
 */
import { OsnetError } from '../../../../lib/errors.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import { resource } from '../../../resource/resource.ts';
import type { SortDir } from '../../../resource/types.ts';
import type { Volume } from './results.ts';
import { VOLUMES, VOLUMES_DETAIL, volumeActionURL, volumeURL } from './urls.ts';

/** Request body of a volume create (`{"volume": {...}}`). */
export interface CreateVolumeOpts {
  /** GiB; may be left out when copying a snapshot, volume or backup (it then has their size). */
  size?: number;
  name?: string;
  description?: string;
  volume_type?: string;
  availability_zone?: string;
  imageRef?: string;
  snapshot_id?: string;
  source_volid?: string;
  /** From microversion 3.47. */
  backup_id?: string;
  metadata?: Record<string, string>;
  multiattach?: boolean;
}

/** Request body of a volume update. */
export interface UpdateVolumeOpts {
  name?: string;
  description?: string;
  metadata?: Record<string, string>;
}

/** Query filters of a volume list (GET volumes/detail). */
export interface ListVolumesOpts {
  name?: string | undefined;
  status?: string | undefined;
  bootable?: boolean | undefined;
  availability_zone?: string | undefined;
  /** Admin: every project's volumes. */
  all_tenants?: boolean | undefined;
  project_id?: string | undefined;
  sort_key?: keyof Volume | undefined;
  sort_dir?: SortDir | undefined;
  limit?: number | undefined;
  marker?: string | undefined;
}

function checkSize(body: Record<string, unknown>, path: string): void {
  const copied = body.snapshot_id ?? body.source_volid ?? body.backup_id;
  if (body.size === undefined && copied !== undefined) return;
  if (!Number.isInteger(body.size) || (body.size as number) < 1) {
    throw new OsnetError('OSNET_ERR_VALIDATION', `${path}.size: must be a whole number of GiB >= 1`, {
      field: `${path}.size`,
    });
  }
}

/**
 * create (size checked first), get, list (whole volumes, following `volumes_links`), update, remove,
 * removeIfExists.
 *
 * @example
 *   for await (const v of list(cinder, { status: 'error' })) console.log(v.id);
 */
export const { create, get, list, update, remove, removeIfExists } = resource<
  Volume,
  CreateVolumeOpts,
  UpdateVolumeOpts,
  ListVolumesOpts
>({
  name: 'volume',
  plural: 'volumes',
  collection: VOLUMES,
  listPath: VOLUMES_DETAIL,
  item: volumeURL,
  checkCreate: checkSize,
});

/**
 * Grows an `available` volume (or, from microversion 3.42, an `in-use` one) to `newSize` GiB; Cinder answers
 * 202 and the volume goes `extending`, then back: wait for the new size. `newSize` is checked first.
 *
 * @example
 *   await extend(cinder, v.id, 2);
 *   await waitFor(() => get(cinder, v.id), { done: (x) => x.size === 2 && x.status === 'available' });
 */
export async function extend(client: ServiceClient, id: string, newSize: number): Promise<void> {
  const path = volumeActionURL(id);
  if (!Number.isInteger(newSize) || newSize < 1) {
    throw new OsnetError('OSNET_ERR_VALIDATION', 'os-extend.new_size: must be a whole number of GiB >= 1', {
      field: 'os-extend.new_size',
    });
  }
  // not idempotent by Cinder's rules (a repeat of a done extend answers 400): never retried
  await client.post(path, { body: { 'os-extend': { new_size: newSize } }, idempotent: false });
}
