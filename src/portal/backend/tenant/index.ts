/**
 * The OpenStack side of a tenant (TenantBackend of backend/contract.ts): the seed's order chain, each
 * step idempotent by lookup, reported as it starts:
 *
 * `project` (collision-safe name, marker tag) → `admin_role` (the provider's user) → `user` (member role,
 * random password returned in `secrets.password`) → `network` + `subnet` (MTU from the provider) →
 * `quotas` (the seed's defaults under the order's) → `security_groups` (ssh, ping, rdp, web) → `router`
 * (gateway on the external network unless none or skipped; the subnet attached). Pulls are the engine's.
 *
 * @example
 *   const { record, secrets } = await tenantBackend.create(cloud, provider, spec, tenantUuid, report);
 *   await tenantBackend.delete({ cloud, provider, projectId: record.backend_id }, report);
 */
import { NotFoundError } from '../../../openstack/client/errors.ts';
import { projects } from '../../../openstack/identity/v3/index.ts';
import type { BackendRecord, CreateOutcome, TenantBackend, TenantScope } from '../contract.ts';
import { tenantNames } from './common.ts';
import { ensureNetwork, ensureSubnet } from './network.ts';
import { domainId, ensureProject, grantRole, updateProject } from './project.ts';
import { defaultQuotasOf, pullQuotas, pushQuotas } from './quotas.ts';
import { ensureRouter } from './router.ts';
import { ensureDefaultSecurityGroups } from './security-groups.ts';
import { changeTenantPassword, ensureTenantUser } from './user.ts';

export { checkQuotas, DEFAULT_QUOTAS, QUOTA_MAP } from './quotas.ts';
export { DEFAULT_SECURITY_GROUPS } from './security-groups.ts';
export { tenantLeftovers } from './teardown.ts';

import { deleteTenant } from './teardown.ts';

function projectRecord(p: { id: string; name: string; description: string; enabled: boolean }) {
  return { backend_id: p.id, name: p.name, description: p.description, enabled: p.enabled };
}

export const tenantBackend: TenantBackend = {
  async create(cloud, provider, spec, marker, report): Promise<CreateOutcome> {
    const identity = await cloud.identity();
    const net = await cloud.network();
    const token = await cloud.token();
    await report('project');
    const project = await ensureProject(identity, provider, spec, marker);
    await report('admin_role');
    await grantRole(identity, 'admin', token.userId, project.id);
    await report('user');
    const domain = await domainId(identity, provider);
    const { user, password } = await ensureTenantUser(
      identity,
      domain,
      spec.user_username,
      project.id,
      marker,
    );
    await grantRole(identity, 'member', user.id, project.id);
    const names = tenantNames(spec.name);
    await report('network');
    const network = await ensureNetwork(net, {
      projectId: project.id,
      name: names.network,
      description: `Internal network for tenant ${spec.name}`,
      mtu: provider.default_internal_network_mtu,
      marker,
    });
    await report('subnet');
    const subnet = await ensureSubnet(net, {
      projectId: project.id,
      networkId: network.id,
      name: names.subnet,
      description: `SubNet for tenant ${spec.name} internal network`,
      cidr: spec.subnet_cidr,
      dns: provider.dns_nameservers ?? [],
      marker,
    });
    await report('quotas');
    // the seed's defaults of the services the provider has, under the order's own limits
    await pushQuotas(cloud, project.id, { ...(await defaultQuotasOf(cloud)), ...spec.quotas });
    await report('security_groups');
    const groups = await ensureDefaultSecurityGroups(net, project.id, marker);
    await report('router');
    const external = spec.skip_connection_extnet ? '' : provider.external_network_id;
    const router = await ensureRouter(net, {
      projectId: project.id,
      name: names.router,
      description: `Router for tenant ${spec.name}`,
      subnetId: subnet.id,
      externalNetworkId: external,
      marker,
    });
    const record: BackendRecord = {
      backend_id: project.id,
      name: project.name,
      description: project.description,
      fields: {
        internal_network_id: network.id,
        subnet_id: subnet.id,
        router_id: router.id,
        external_network_id: external,
        security_group_ids: groups.map((g) => g.id),
        user_username: user.name,
        availability_zone: provider.availability_zone,
        mtu: network.mtu,
      },
      runtime_state: project.enabled ? 'ACTIVE' : 'DISABLED',
    };
    return { record, secrets: { password } };
  },

  delete: (scope, report) => deleteTenant(scope, report),

  async setQuotas(scope, quotas) {
    await pushQuotas(scope.cloud, scope.projectId, quotas);
  },

  pullQuotas: (scope) => pullQuotas(scope.cloud, scope.projectId, scope.provider.storage_mode),

  async changePassword(scope, username) {
    const identity = await scope.cloud.identity();
    const domain = await domainId(identity, scope.provider);
    return { password: await changeTenantPassword(identity, domain, username, scope.projectId) };
  },

  async update(scope, patch, marker) {
    const identity = await scope.cloud.identity();
    const p = await updateProject(identity, scope.provider, scope.projectId, patch, marker);
    return {
      backend_id: p.id,
      name: p.name,
      description: p.description ?? '',
      fields: { enabled: p.enabled },
      runtime_state: p.enabled ? 'ACTIVE' : 'DISABLED',
    };
  },

  async get(scope: TenantScope): Promise<BackendRecord | undefined> {
    try {
      const p = await projects.get(await scope.cloud.identity(), scope.projectId);
      const { backend_id, name, description, enabled } = projectRecord(p);
      return {
        backend_id,
        name,
        description: description ?? '',
        fields: { enabled },
        runtime_state: enabled ? 'ACTIVE' : 'DISABLED',
      };
    } catch (e) {
      if (e instanceof NotFoundError) return undefined;
      throw e;
    }
  },
};
