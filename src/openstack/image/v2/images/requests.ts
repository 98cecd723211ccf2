/**
 * Image calls. Glance sends images bare (no `{"image": ...}`) and takes updates as a JSON patch, which
 * `update` writes from typed options; `upload` sends the data of a `queued` image.
 *
 * @example
 *   const img = await create(glance, { name: 'cirros', disk_format: 'qcow2', container_format: 'bare' });
 *   await update(glance, img.id, { name: 'cirros-0.6', min_ram: 128 });
 */

import type { ServiceClient } from '../../../client/service-client.ts';
import type { RequestBody } from '../../../http/transport.ts';
import { resource } from '../../../resource/resource.ts';
import type { SortDir } from '../../../resource/types.ts';
import type { Image, Visibility } from './results.ts';
import { IMAGES, imageFileURL, imageURL } from './urls.ts';

export type DiskFormat =
  | 'ami'
  | 'ari'
  | 'aki'
  | 'vhd'
  | 'vhdx'
  | 'vmdk'
  | 'raw'
  | 'qcow2'
  | 'vdi'
  | 'ploop'
  | 'iso';
export type ContainerFormat = 'ami' | 'ari' | 'aki' | 'bare' | 'ovf' | 'ova' | 'docker' | 'compressed';

/** Attributes an update replaces; each becomes one `replace` operation of the JSON patch. */
export interface UpdateImageOpts {
  name?: string;
  visibility?: Visibility;
  min_disk?: number;
  min_ram?: number;
  protected?: boolean;
  os_hidden?: boolean;
  tags?: string[];
}

/** Request body of an image create (the image record; data comes later). */
export interface CreateImageOpts extends UpdateImageOpts {
  id?: string;
  disk_format?: DiskFormat;
  container_format?: ContainerFormat;
}

/** Query filters of an image list. */
export interface ListImagesOpts {
  name?: string | undefined;
  status?: string | undefined;
  visibility?: Visibility | 'all' | undefined;
  owner?: string | undefined;
  os_hidden?: boolean | undefined;
  member_status?: 'accepted' | 'pending' | 'rejected' | 'all' | undefined;
  sort_key?: keyof Image | undefined;
  sort_dir?: SortDir | undefined;
  limit?: number | undefined;
  marker?: string | undefined;
}

/** RFC 6901: "~" and "/" in a member name are escaped in a JSON pointer. */
function pointer(key: string): string {
  return `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

/** The JSON patch (RFC 6902) Glance takes for an update. */
export function imagePatch(opts: UpdateImageOpts): { op: 'replace'; path: string; value: unknown }[] {
  return Object.entries(opts)
    .filter(([, v]) => v !== undefined)
    .map(([k, value]) => ({ op: 'replace', path: pointer(k), value }));
}

/**
 * create (the record; Glance answers `queued`), get, list (following Glance's top-level `next`), update
 * (a JSON patch), remove, removeIfExists.
 *
 * @example
 *   for await (const i of list(glance, { visibility: 'public', limit: 20 })) console.log(i.name);
 */
export const { create, get, list, update, remove, removeIfExists } = resource<
  Image,
  CreateImageOpts,
  UpdateImageOpts,
  ListImagesOpts
>({
  name: 'image',
  plural: 'images',
  collection: IMAGES,
  item: imageURL,
  envelope: false,
  update: {
    method: 'PATCH',
    contentType: 'application/openstack-images-v2.1-json-patch',
    body: imagePatch,
  },
});

/**
 * Uploads the data of a `queued` image (PUT images/{id}/file, 204); Glance then makes it `active`. Bytes
 * or text are re-sent on a retry, a stream only once.
 *
 * @example
 *   await upload(glance, img.id, await readFile('tiny.raw'));
 */
export async function upload(client: ServiceClient, id: string, data: RequestBody): Promise<void> {
  await client.put(imageFileURL(id), { rawBody: data, contentType: 'application/octet-stream' });
}
