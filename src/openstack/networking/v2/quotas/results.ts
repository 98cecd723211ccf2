/**
 * Neutron quota sets: limits per resource kind (-1: unlimited), and the detailed usage view.
 *
 * @example
 *   const left = details.port.limit - details.port.used;
 */

/** The resource kinds Neutron (with router, security-group, rbac and trunk) limits. */
export type QuotaResource =
  | 'network'
  | 'subnet'
  | 'port'
  | 'router'
  | 'floatingip'
  | 'security_group'
  | 'security_group_rule'
  | 'rbac_policy'
  | 'subnetpool'
  | 'trunk';

/** Limits per resource kind; extensions may add kinds beyond the named ones. */
export type QuotaSet = Partial<Record<QuotaResource, number>> & Record<string, number>;

/** One row of the quota list: a project whose quotas differ from the defaults. */
export type ProjectQuota = QuotaSet & { project_id: string; tenant_id?: string };

export interface QuotaUsage {
  used: number;
  limit: number;
  reserved: number;
}

/** Usage per resource kind. */
export type QuotaDetails = Partial<Record<QuotaResource, QuotaUsage>> & Record<string, QuotaUsage>;
