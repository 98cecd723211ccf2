/**
 * The image as Glance (API v2) returns it: bare, without an envelope.
 *
 * @example
 *   const i: Image = await images.get(glance, id); // i.status: queued, saving, active, killed, ...
 */
export type Visibility = 'public' | 'private' | 'shared' | 'community';

/** A Glance image. @example const i: Image = await images.get(glance, id); */
export interface Image {
  id: string;
  name: string | null;
  /** queued, saving, uploading, importing, active, deactivated, killed, deleted, pending_delete. */
  status: string;
  visibility: Visibility;
  container_format: string | null;
  disk_format: string | null;
  /** Bytes; null until data is uploaded. */
  size: number | null;
  virtual_size: number | null;
  checksum: string | null;
  min_disk: number;
  min_ram: number;
  protected: boolean;
  os_hidden: boolean;
  owner: string;
  tags: string[];
  created_at: string;
  updated_at: string;
  self: string;
  file: string;
  schema: string;
}
