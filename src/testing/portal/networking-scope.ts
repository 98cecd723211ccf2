/**
 * A tenant scope for the portal's networking backends against the lab (tests only): a throwaway Keystone
 * project, the lab admin as the provider's connection, and a purge that removes everything in the project
 * (floating IPs, router interfaces and gateways, routers, ports, networks, security groups, RBAC policies)
 * before the project itself. `counting` gives a scope whose Neutron calls are recorded.
 *
 * @example
 *   const t = await networkingScope('nets');
 *   await networksBackend.create(t.scope, { name: 'a' }, marker);
 *   await t.close();
 */
import type { Cloud } from '../../openstack/client/cloud.ts';
import { NotFoundError } from '../../openstack/client/errors.ts';
import { collect } from '../../openstack/client/pagination.ts';
import type { ServiceClient } from '../../openstack/client/service-client.ts';
import { projects } from '../../openstack/identity/v3/index.ts';
import {
  floatingIps,
  networks,
  ports,
  rbacPolicies,
  routers,
  securityGroups,
  subnets,
} from '../../openstack/networking/v2/index.ts';
import type { ProviderSettings, TenantScope } from '../../portal/backend/contract.ts';
import { Cleanup } from '../openstack/cleanup.ts';
import { countingClient } from '../openstack/counting-client.ts';
import { labCloud, testName } from '../openstack/lab.ts';

export interface NetworkingScope {
  readonly scope: TenantScope;
  /** The admin's Neutron client, to read back what a backend did and to act out of band. */
  readonly net: ServiceClient;
  readonly admin: Cloud;
  readonly cleanup: Cleanup;
  /** Another throwaway project of the same provider (RBAC targets). */
  otherProject(tag: string): Promise<string>;
  /** An external network with one subnet, made by the admin, removed at the end. */
  externalNetwork(): Promise<string>;
  /** The same scope, with every Neutron call it makes recorded as "METHOD path". */
  counting(): { scope: TenantScope; calls: string[] };
  close(): Promise<void>;
}

function providerOf(cloud: Cloud): ProviderSettings {
  const auth = cloud.config.auth as unknown as Record<string, string | undefined>;
  return {
    backend_url: auth.auth_url ?? '',
    username: auth.username ?? '',
    password: '',
    tenant_name: auth.project_name ?? 'admin',
    domain: 'Default',
    external_network_id: '',
    verify_ssl: true,
    availability_zone: '',
    default_internal_network_mtu: 0,
    storage_mode: 'fixed',
    access_url: '',
    api_timeout: 60,
  };
}

async function ignoreGone(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
  }
}

/** Removes every Neutron object of the project, in the order their dependencies need. */
export async function purgeProject(net: ServiceClient, projectId: string): Promise<void> {
  const q = { project_id: projectId };
  for (const f of await collect(floatingIps.list(net, q))) await floatingIps.removeIfExists(net, f.id);
  for (const r of await collect(routers.list(net, q))) {
    for (const p of await collect(
      ports.list(net, { device_id: r.id, device_owner: 'network:router_interface' }),
    )) {
      await ignoreGone(routers.removeInterface(net, r.id, { port_id: p.id }));
    }
    if (r.external_gateway_info) await ignoreGone(routers.clearGateway(net, r.id));
    await routers.removeIfExists(net, r.id);
  }
  for (const p of await collect(rbacPolicies.list(net, q))) await rbacPolicies.removeIfExists(net, p.id);
  for (const p of await collect(ports.list(net, q))) {
    if (!p.device_owner.startsWith('network:')) await ports.removeIfExists(net, p.id);
  }
  for (const s of await collect(subnets.list(net, q))) await subnets.removeIfExists(net, s.id);
  for (const n of await collect(networks.list(net, q))) await networks.removeIfExists(net, n.id);
  for (const g of await collect(securityGroups.list(net, q))) await securityGroups.removeIfExists(net, g.id);
}

/** Makes the project and the scope; `close` purges and removes it (and whatever else was deferred). */
export async function networkingScope(tag: string): Promise<NetworkingScope> {
  const admin = await labCloud('lab-admin');
  const cleanup = new Cleanup();
  cleanup.defer(() => admin.close());
  const id = await admin.identity();
  const net = await admin.network();
  const makeProject = async (t: string) => {
    const p = await projects.create(id, {
      name: testName(t),
      domain_id: 'default',
      description: 'osnet test',
    });
    cleanup.defer(async () => {
      await purgeProject(net, p.id);
      await projects.remove(id, p.id);
    });
    return p.id;
  };
  try {
    const projectId = await makeProject(tag);
    const scope: TenantScope = { cloud: admin, provider: providerOf(admin), projectId };
    return {
      scope,
      net,
      admin,
      cleanup,
      otherProject: makeProject,
      async externalNetwork() {
        const ext = await networks.create(net, { name: testName('ext'), 'router:external': true });
        cleanup.defer(async () => {
          for (const f of await collect(floatingIps.list(net, { floating_network_id: ext.id }))) {
            await floatingIps.removeIfExists(net, f.id);
          }
          // routers of the test projects still have their gateway here (their purge runs later)
          const gateways = ports.list(net, { network_id: ext.id, device_owner: 'network:router_gateway' });
          for (const p of await collect(gateways)) await ignoreGone(routers.clearGateway(net, p.device_id));
          await networks.removeIfExists(net, ext.id);
        });
        const third = Math.floor(Math.random() * 200) + 20;
        await subnets.create(net, { network_id: ext.id, cidr: `203.0.${third}.0/24`, ip_version: 4 });
        return ext.id;
      },
      counting() {
        const { client, calls } = countingClient(net);
        const cloud = new Proxy(admin, {
          get(target, prop) {
            if (prop === 'network') return async () => client;
            const v = Reflect.get(target, prop, target) as unknown;
            return typeof v === 'function' ? v.bind(target) : v;
          },
        });
        return { scope: { ...scope, cloud }, calls };
      },
      close: () => cleanup.run(),
    };
  } catch (e) {
    await cleanup.run().catch(() => undefined);
    throw e;
  }
}
