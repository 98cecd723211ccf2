/**
 * The volume as Cinder (API v3) returns it.
 *
 * @example
 *   const v: Volume = await volumes.get(cinder, id); // v.status: creating, available, in-use, error, ...
 */
export interface VolumeAttachment {
  id: string;
  attachment_id: string;
  server_id: string;
  volume_id: string;
  device: string;
  host_name: string | null;
  attached_at: string;
}

/** A Cinder volume. @example const v: Volume = await volumes.get(cinder, id); */
export interface Volume {
  id: string;
  name: string | null;
  description: string | null;
  /** creating, available, reserved, attaching, in-use, detaching, deleting, error, error_deleting, ... */
  status: string;
  /** GiB. */
  size: number;
  volume_type: string | null;
  availability_zone: string;
  /** "true" or "false" (a string in Cinder's answer). */
  bootable: string;
  encrypted: boolean;
  multiattach: boolean;
  attachments: VolumeAttachment[];
  metadata: Record<string, string>;
  snapshot_id: string | null;
  source_volid: string | null;
  user_id: string;
  created_at: string;
  updated_at: string | null;
  'os-vol-tenant-attr:tenant_id'?: string;
  migration_status?: string | null;
}
