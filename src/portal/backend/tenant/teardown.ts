/**
 * A tenant's teardown, in the seed's order: floating IPs, ports (router interfaces through
 * remove_interface), routes, routers, networks, security groups, then the later kinds (servers,
 * snapshots, volumes), the project's own quota rows, the generated user(s) and the project. It is done
 * only when listing every kind by the project's id finds nothing: a second pass runs when the first left
 * something (a port made meanwhile), then the error names what is left.
 *
 * Neutron makes a project's "default" security group again whenever security groups are listed filtered
 * by that project, so they are listed unfiltered and picked by project id here: otherwise the check
 * itself would leave a group behind.
 *
 * @example
 *   await deleteTenant(scope, report);
 *   await tenantLeftovers(scope.cloud, scope.projectId); // {}
 */
import { OsnetError } from '../../../lib/errors.ts';
import * as snapshots from '../../../openstack/blockstorage/v3/snapshots/index.ts';
import * as volumes from '../../../openstack/blockstorage/v3/volumes/index.ts';
import type { Cloud } from '../../../openstack/client/cloud.ts';
import { NotFoundError } from '../../../openstack/client/errors.ts';
import { collect } from '../../../openstack/client/pagination.ts';
import type { ServiceClient } from '../../../openstack/client/service-client.ts';
import { waitFor, waitForGone } from '../../../openstack/client/wait-for.ts';
import * as servers from '../../../openstack/compute/v2/servers/index.ts';
import { projects, users } from '../../../openstack/identity/v3/index.ts';
import {
  floatingIps,
  networks,
  ports,
  routers,
  securityGroups,
  subnets,
} from '../../../openstack/networking/v2/index.ts';
import type { ReportStep, TenantScope } from '../contract.ts';
import { optionalService } from './common.ts';
import { resetQuotas } from './quotas.ts';
import { tenantUsers } from './user.ts';

const WAIT = { intervalMs: 250, maxIntervalMs: 2000, timeoutMs: 180_000 };
/** Volume states Cinder refuses a delete in. */
const BUSY = new Set(['in-use', 'attaching', 'detaching', 'reserved', 'creating', 'downloading']);

const gone = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
  }
};

/** Security groups of the project, without the filtered list that would make its default group again. */
async function projectGroups(net: ServiceClient, projectId: string) {
  const all = await collect(securityGroups.list(net, { fields: ['id', 'project_id', 'name'] }));
  return all.filter((g) => g.project_id === projectId);
}

async function networking(net: ServiceClient, projectId: string, report: ReportStep): Promise<void> {
  await report('floating_ips');
  for (const f of await collect(floatingIps.list(net, { project_id: projectId })))
    await floatingIps.removeIfExists(net, f.id);

  await report('ports');
  const rs = await collect(routers.list(net, { project_id: projectId }));
  for (const r of rs)
    for (const p of await collect(ports.list(net, { device_id: r.id })))
      if (p.device_owner.startsWith('network:router_interface'))
        await gone(routers.removeInterface(net, r.id, { port_id: p.id }));
  // network:* ports (DHCP, OVN metadata, gateways, floating IPs) go with what owns them
  for (const p of await collect(ports.list(net, { project_id: projectId })))
    if (!p.device_owner.startsWith('network:')) await ports.removeIfExists(net, p.id);

  await report('routes');
  for (const r of rs) if (r.routes.length > 0) await gone(routers.update(net, r.id, { routes: [] }));

  await report('routers');
  for (const r of rs) await routers.removeIfExists(net, r.id);

  await report('networks');
  for (const n of await collect(networks.list(net, { project_id: projectId })))
    await networks.removeIfExists(net, n.id);

  await report('security_groups');
  for (const g of await projectGroups(net, projectId)) await securityGroups.removeIfExists(net, g.id);
}

async function compute(cloud: Cloud, projectId: string, report: ReportStep): Promise<void> {
  const nova = await optionalService(cloud, 'compute');
  await report('servers');
  if (nova) {
    const found = await collect(servers.list(nova, { all_tenants: true, project_id: projectId }));
    for (const s of found) await servers.removeIfExists(nova, s.id);
    for (const s of found)
      await waitForGone(() => servers.get(nova, s.id), { what: `server ${s.id}`, ...WAIT });
  }
  const cinder = await optionalService(cloud, 'block-storage');
  await report('snapshots');
  if (cinder) {
    const found = await collect(snapshots.list(cinder, { all_tenants: true, project_id: projectId }));
    for (const s of found) await snapshots.removeIfExists(cinder, s.id);
    for (const s of found)
      await waitForGone(() => snapshots.get(cinder, s.id), { what: `snapshot ${s.id}`, ...WAIT });
  }
  await report('volumes');
  if (cinder) {
    const found = await collect(volumes.list(cinder, { all_tenants: true, project_id: projectId }));
    // a volume of a server just deleted is detached by Nova meanwhile: Cinder refuses to delete it before
    for (const v of found)
      if (BUSY.has(v.status))
        await waitFor(
          () => volumes.get(cinder, v.id),
          (x) => !BUSY.has(x.status),
          { what: `volume ${v.id} to be detached`, wanted: 'not attached', ...WAIT },
        ).catch((e: unknown) => {
          if (!(e instanceof OsnetError && e.code === 'OSNET_ERR_OS_NOT_FOUND')) throw e;
        });
    for (const v of found) await volumes.removeIfExists(cinder, v.id);
    for (const v of found)
      await waitForGone(() => volumes.get(cinder, v.id), { what: `volume ${v.id}`, ...WAIT });
  }
}

async function identityPart(scope: TenantScope, report: ReportStep): Promise<void> {
  const identity = await scope.cloud.identity();
  await report('users');
  const { userId } = await scope.cloud.token();
  for (const u of await tenantUsers(identity, scope.projectId, userId))
    await gone(users.remove(identity, u.id));
  await report('project');
  await gone(projects.remove(identity, scope.projectId));
}

/** What of the tenant is still in OpenStack, by kind (empty: nothing). One list per kind. */
export async function tenantLeftovers(cloud: Cloud, projectId: string): Promise<Record<string, string[]>> {
  const net = await cloud.network();
  const out: Record<string, string[]> = {};
  const add = (kind: string, ids: string[]) => {
    if (ids.length > 0) out[kind] = ids;
  };
  const p = { project_id: projectId };
  add(
    'floating_ips',
    (await collect(floatingIps.list(net, p))).map((x) => x.id),
  );
  add(
    'ports',
    (await collect(ports.list(net, p))).map((x) => x.id),
  );
  add(
    'routers',
    (await collect(routers.list(net, p))).map((x) => x.id),
  );
  add(
    'networks',
    (await collect(networks.list(net, p))).map((x) => x.id),
  );
  add(
    'subnets',
    (await collect(subnets.list(net, p))).map((x) => x.id),
  );
  add(
    'security_groups',
    (await projectGroups(net, projectId)).map((x) => x.id),
  );
  const nova = await optionalService(cloud, 'compute');
  if (nova)
    add(
      'servers',
      (await collect(servers.list(nova, { all_tenants: true, ...p }))).map((x) => x.id),
    );
  const cinder = await optionalService(cloud, 'block-storage');
  if (cinder) {
    add(
      'volumes',
      (await collect(volumes.list(cinder, { all_tenants: true, ...p }))).map((x) => x.id),
    );
    add(
      'snapshots',
      (await collect(snapshots.list(cinder, { all_tenants: true, ...p }))).map((x) => x.id),
    );
  }
  const identity = await cloud.identity();
  const { userId } = await cloud.token();
  add(
    'users',
    (await tenantUsers(identity, projectId, userId)).map((x) => x.id),
  );
  try {
    add('project', [(await projects.get(identity, projectId)).id]);
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
  }
  return out;
}

async function pass(scope: TenantScope, report: ReportStep): Promise<void> {
  await networking(await scope.cloud.network(), scope.projectId, report);
  await compute(scope.cloud, scope.projectId, report);
  await report('quotas');
  await resetQuotas(scope.cloud, scope.projectId);
  await identityPart(scope, report);
}

export async function deleteTenant(scope: TenantScope, report: ReportStep): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await pass(scope, report);
    await report('check');
    const left = await tenantLeftovers(scope.cloud, scope.projectId);
    if (Object.keys(left).length === 0) return;
    if (attempt >= 2)
      throw new OsnetError(
        'OSNET_ERR_OS_CONFLICT',
        `tenant ${scope.projectId} is not gone: ${Object.entries(left)
          .map(([k, ids]) => `${k} ${ids.join(',')}`)
          .join('; ')}`,
      );
  }
}
