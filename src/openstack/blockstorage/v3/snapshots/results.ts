/**
 * Cinder v3 volume snapshot as the API returns it.
 *
 * @example
 *   const s: Snapshot = await snapshots.get(cinder, id); // s.status: creating, available, deleting, error, ...
 */
export interface Snapshot {
  id: string;
  name: string | null;
  description: string | null;
  status: string;
  /** GiB. */
  size: number;
  volume_id: string;
  metadata: Record<string, string>;
  created_at: string;
  updated_at: string | null;
  /** Admin only (os-extended-snapshot-attributes). */
  'os-extended-snapshot-attributes:project_id'?: string;
}
