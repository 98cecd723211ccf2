/**
 * Nova quota sets (API v2.1): limits per resource (-1: unlimited) and the detail view with usage.
 *
 * @example
 *   const free = detail.cores.limit - detail.cores.in_use;
 */

/** The resources Nova limits (from microversion 2.36 without the proxied network ones). */
export type ComputeQuotaResource =
  | 'cores'
  | 'ram'
  | 'instances'
  | 'key_pairs'
  | 'metadata_items'
  | 'server_groups'
  | 'server_group_members'
  | 'injected_files'
  | 'injected_file_content_bytes'
  | 'injected_file_path_bytes';

/** Limits per resource (ram in MiB). */
export type ComputeQuotaSet = Partial<Record<ComputeQuotaResource, number>> & Record<string, number>;

/** A quota set as Nova answers it (with the project id). */
export type ComputeQuotaSetResult = ComputeQuotaSet & { id: string };

export interface ComputeQuotaUsage {
  limit: number;
  in_use: number;
  reserved: number;
}

/** `os-quota-sets/{project}/detail`: usage per resource. */
export type ComputeQuotaDetail = Partial<Record<ComputeQuotaResource, ComputeQuotaUsage>> &
  Record<string, ComputeQuotaUsage | string>;
