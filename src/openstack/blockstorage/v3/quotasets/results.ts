/**
 * Cinder quota sets: limits per resource (-1: unlimited), also per volume type (`gigabytes_<type>`,
 * `volumes_<type>`, `snapshots_<type>`), and the usage view of `?usage=true`.
 *
 * @example
 *   const left = usage.gigabytes.limit - usage.gigabytes.in_use;
 */

/** The resources Cinder limits across volume types. */
export type VolumeQuotaResource =
  | 'gigabytes'
  | 'volumes'
  | 'snapshots'
  | 'backups'
  | 'backup_gigabytes'
  | 'per_volume_gigabytes'
  | 'groups';

/** Limits per resource; the per-type keys are `<resource>_<volume type name>`. */
export type VolumeQuotaSet = Partial<Record<VolumeQuotaResource, number>> & Record<string, number>;

/** A quota set as Cinder answers it (with the project id). */
export type VolumeQuotaSetResult = VolumeQuotaSet & { id?: string };

export interface VolumeQuotaUsage {
  limit: number;
  in_use: number;
  reserved: number;
  /** Nested quotas only. */
  allocated?: number;
}

/** `os-quota-sets/{project}?usage=true`: usage per resource, per-type keys included. */
export type VolumeQuotaUsageSet = Partial<Record<VolumeQuotaResource, VolumeQuotaUsage>> &
  Record<string, VolumeQuotaUsage | string>;
