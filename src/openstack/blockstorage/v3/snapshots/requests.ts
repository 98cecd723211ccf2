/**
 * Cinder volume snapshots: what the portal's tenant teardown needs (list a project's, delete) and create
 * for its tests; the snapshot kind of a later issue fills in the rest.
 *
 * @example
 *   const s = await snapshots.create(cinder, { volume_id: v.id, name: 'before-upgrade' });
 *   for await (const x of snapshots.list(cinder, { all_tenants: true, project_id })) await snapshots.remove(cinder, x.id);
 */
import { resource } from '../../../resource/resource.ts';
import type { SortDir } from '../../../resource/types.ts';
import { requireString } from '../../../resource/validate.ts';
import type { Snapshot } from './results.ts';
import { SNAPSHOTS, SNAPSHOTS_DETAIL, snapshotURL } from './urls.ts';

/** Body of a snapshot create (`{"snapshot": {...}}`). */
export interface CreateSnapshotOpts {
  volume_id: string;
  name?: string;
  description?: string;
  /** Snapshot an in-use volume. */
  force?: boolean;
  metadata?: Record<string, string>;
}

/** Body of a snapshot update. */
export interface UpdateSnapshotOpts {
  name?: string;
  description?: string;
}

/** Query filters of a snapshot list (GET snapshots/detail). */
export interface ListSnapshotsOpts {
  name?: string | undefined;
  status?: string | undefined;
  volume_id?: string | undefined;
  /** Admin: every project's snapshots. */
  all_tenants?: boolean | undefined;
  project_id?: string | undefined;
  sort_dir?: SortDir | undefined;
  limit?: number | undefined;
  marker?: string | undefined;
}

/**
 * create (volume_id checked first), get, list (following `snapshots_links`), update, remove (asynchronous:
 * the snapshot goes `deleting`), removeIfExists.
 *
 * @example
 *   await waitForGone(() => get(cinder, id), { what: `snapshot ${id}` });
 */
export const { create, get, list, update, remove, removeIfExists } = resource<
  Snapshot,
  CreateSnapshotOpts,
  UpdateSnapshotOpts,
  ListSnapshotsOpts
>({
  name: 'snapshot',
  plural: 'snapshots',
  collection: SNAPSHOTS,
  listPath: SNAPSHOTS_DETAIL,
  item: snapshotURL,
  checkCreate: (body, path) => requireString(body, 'volume_id', path),
});
