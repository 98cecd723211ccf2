/**
 * The API and OpenStack side of scripts/demo-portal.sh. Subcommands that talk to the portal read the staff
 * password from stdin (it never appears in argv or output); the provider's secrets are read here from the
 * lab's clouds.yaml (lab-admin) and go only into the portal's POST body, to be sealed in its store.
 *   external TAG                       an external network + subnet named TAG (lab admin); prints its id
 *   order URL EXT TAG                  provider, organisation, project, tenant order; follows the job until
 *                                      OK, printing each step; prints `tenant <uuid> project <id>`
 *   show PROJECT                       what the tenant is in OpenStack (read back with the lab admin)
 *   delete URL TENANT PROJECT          deletes the tenant through the API, follows the job, prints leftovers
 *   purge TENANT EXT                   after a failure: tears down what is tagged for TENANT, removes EXT
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Cloud, openCloud } from '../src/openstack/client/cloud.ts';
import { NotFoundError } from '../src/openstack/client/errors.ts';
import { collect } from '../src/openstack/client/pagination.ts';
import type { ServiceClient } from '../src/openstack/client/service-client.ts';
import { loadCloudConfig } from '../src/openstack/config/load.ts';
import { projects, roleassignments, roles, users } from '../src/openstack/identity/v3/index.ts';
import {
  floatingIps,
  networks,
  ports,
  quotas,
  routers,
  securityGroupRules,
  securityGroups,
  subnets,
} from '../src/openstack/networking/v2/index.ts';
import type { ProviderSettings } from '../src/portal/backend/contract.ts';
import { markerTag } from '../src/portal/backend/tenant/common.ts';
import { tenantBackend, tenantLeftovers } from '../src/portal/backend/tenant/index.ts';

// biome-ignore lint/suspicious/noExplicitAny: the API's JSON answers, read field by field
type Body = Record<string, any>;
const [cmd, ...args] = process.argv.slice(2);

async function portal(base: string) {
  const password = readFileSync(0, 'utf8').trim();
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Token ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    return { status: r.status, body: (text ? JSON.parse(text) : undefined) as Body };
  };
  const login = await call('POST', '/api-auth/password/', { username: 'admin', password });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${JSON.stringify(login.body)}`);
  const token = String(login.body.token);
  return {
    api: (method: string, path: string, body?: unknown) => call(method, path, body, token),
    async must(method: string, path: string, body: unknown, status: number): Promise<Body> {
      const r = await call(method, path, body, token);
      if (r.status !== status) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
  };
}
type Portal = Awaited<ReturnType<typeof portal>>;

/** Prints the job's steps as they change until the resource reaches `done` (undefined: gone). */
async function follow(p: Portal, uuid: string, operation: string, done: (b: Body | undefined) => boolean) {
  const t0 = Date.now();
  const seen = new Set<string>();
  const end = t0 + 240_000;
  for (;;) {
    const r = await p.api('GET', `/api/openstack-tenants/${uuid}/`);
    const jobs = (await p.api('GET', `/api/jobs/?resource_uuid=${uuid}&operation=${operation}`)).body;
    const job = Array.isArray(jobs) ? (jobs[0] as Body | undefined) : undefined;
    const line = job
      ? `job ${operation} ${job.state} step ${job.progress || '-'} attempt ${job.attempt}`
      : '';
    if (job && !seen.has(line)) {
      seen.add(line);
      console.log(`  [${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}`);
    }
    const b = r.status === 404 ? undefined : r.body;
    if (b?.state === 'ERRED') throw new Error(`tenant ERRED: ${b.error_message}`);
    if (done(b)) return b;
    if (Date.now() > end) throw new Error(`tenant ${uuid}: ${operation} not done in 240 s`);
    await sleep(250);
  }
}

async function service(cloud: Cloud, type: string): Promise<ServiceClient | undefined> {
  try {
    return await cloud.service(type);
  } catch {
    return undefined;
  }
}

async function show(cloud: Cloud, projectId: string): Promise<void> {
  const identity = await cloud.identity();
  const net = await cloud.network();
  const project = await projects.get(identity, projectId);
  console.log(`project ${project.id} name ${project.name} tags ${project.tags.join(',')}`);
  const roleNames = new Map((await collect(roles.list(identity))).map((r) => [r.id, r.name]));
  for (const a of await collect(roleassignments.list(identity, { projectId }))) {
    if (!a.user) continue;
    const u = await users.get(identity, a.user.id);
    console.log(`user ${u.name} role ${roleNames.get(a.role.id) ?? a.role.id}`);
  }
  const p = { project_id: projectId };
  for (const n of await collect(networks.list(net, p))) console.log(`network ${n.name} ${n.id} mtu ${n.mtu}`);
  for (const s of await collect(subnets.list(net, p)))
    console.log(`subnet ${s.name} ${s.cidr} gateway ${s.gateway_ip}`);
  for (const r of await collect(routers.list(net, p))) {
    const g = r.external_gateway_info;
    const ips = g?.external_fixed_ips?.map((f) => f.ip_address).join(',') ?? '';
    console.log(`router ${r.name} ${r.id} gateway ${g ? `${g.network_id} ${ips}` : 'none'}`);
    const ifs = await collect(ports.list(net, { device_id: r.id, device_owner: 'network:router_interface' }));
    for (const i of ifs) console.log(`  interface ${i.fixed_ips.map((f) => f.ip_address).join(',')}`);
  }
  for (const g of await collect(securityGroups.list(net, p))) {
    const rules = await collect(securityGroupRules.list(net, { security_group_id: g.id }));
    const text = rules
      .filter((r) => r.direction === 'ingress')
      .map((r) => {
        const ports = r.port_range_min == null ? '' : `:${r.port_range_min}-${r.port_range_max}`;
        return `${r.protocol ?? 'any'}${ports} from ${r.remote_ip_prefix ?? r.remote_group_id ?? 'any'}`;
      });
    console.log(`security group ${g.name}: ${rules.length} rules; ingress ${text.join('; ') || 'none'}`);
  }
  const limits: Record<string, unknown> = {};
  Object.assign(limits, await quotas.get(net, projectId));
  const nova = await service(cloud, 'compute');
  if (nova)
    Object.assign(
      limits,
      await nova.get(`os-quota-sets/${projectId}`).then((r) => (r.body as Body).quota_set),
    );
  const cinder = await service(cloud, 'block-storage');
  if (cinder)
    Object.assign(
      limits,
      await cinder.get(`os-quota-sets/${projectId}`).then((r) => (r.body as Body).quota_set),
    );
  const keys = [
    'cores',
    'ram',
    'instances',
    'gigabytes',
    'volumes',
    'snapshots',
    'network',
    'subnet',
    'port',
  ];
  keys.push('router', 'floatingip', 'security_group', 'security_group_rule');
  console.log(
    `quotas ${keys
      .filter((k) => k in limits)
      .map((k) => `${k}=${limits[k]}`)
      .join(' ')}`,
  );
}

async function labProvider(): Promise<Body> {
  const c = await loadCloudConfig({ cloud: 'lab-admin' });
  return {
    backend_url: c.auth.auth_url,
    username: c.auth.username,
    password: c.auth.password,
    tenant_name: c.auth.project_name ?? 'admin',
    domain: 'default',
  };
}

const admin = await openCloud({ cloud: 'lab-admin' });
try {
  if (cmd === 'external' && args[0]) {
    const net = await admin.network();
    const ext = await networks.create(net, { name: args[0], 'router:external': true });
    await subnets.create(net, { network_id: ext.id, ip_version: 4, cidr: '203.0.113.0/24', name: args[0] });
    console.log(ext.id);
  } else if (cmd === 'order' && args.length === 3) {
    const [base, ext, tag] = args as [string, string, string];
    const p = await portal(base);
    const customer = (await p.must('POST', '/api/customers/', { name: `org ${tag}` }, 201)).uuid;
    console.log(`organisation ${customer}`);
    const project = (await p.must('POST', '/api/projects/', { name: `project ${tag}`, customer }, 201)).uuid;
    console.log(`project ${project}`);
    const offering = await p.must(
      'POST',
      '/api/marketplace-provider-offerings/',
      {
        customer,
        name: `lab ${tag}`,
        type: 'OpenStack.Tenant',
        secret_options: { ...(await labProvider()), external_network_id: ext },
        plugin_options: { storage_mode: 'fixed', automatically_create_private_offering: false },
      },
      201,
    );
    const leaked = JSON.stringify(offering).includes(String((await labProvider()).password));
    console.log(
      `offering ${offering.uuid} (OpenStack.Tenant); password in the answer: ${leaked ? 'YES' : 'no'}`,
    );
    if (leaked) process.exitCode = 1;
    const order = await p.must(
      'POST',
      '/api/openstack-tenants/',
      {
        name: tag,
        project,
        offering: offering.uuid,
        subnet_cidr: '192.168.42.0/24',
        quotas: { vcpu: 16, ram: 32768, storage: 102400, network_count: 5 },
      },
      202,
    );
    console.log(`tenant ${order.uuid} ordered: ${order.state}`);
    const t = (await follow(p, order.uuid, 'create', (b) => b?.state === 'OK'))!;
    console.log(`tenant ${t.uuid} project ${t.backend_id} state ${t.state}`);
  } else if (cmd === 'show' && args[0]) {
    await show(admin, args[0]);
  } else if (cmd === 'delete' && args.length === 3) {
    const [base, uuid, projectId] = args as [string, string, string];
    const p = await portal(base);
    const r = await p.must('DELETE', `/api/openstack-tenants/${uuid}/`, undefined, 202);
    console.log(`tenant ${uuid}: ${r?.state ?? 'deletion scheduled'}`);
    await follow(p, uuid, 'delete', (b) => b === undefined);
    const left = await tenantLeftovers(admin, projectId);
    console.log(`left in OpenStack for project ${projectId}: ${JSON.stringify(left)}`);
    if (Object.keys(left).length > 0) process.exitCode = 1;
  } else if (cmd === 'purge' && args.length === 2) {
    const identity = await admin.identity();
    const c = await loadCloudConfig({ cloud: 'lab-admin' });
    // the teardown works on the project alone; the settings are those the demo registered
    const provider: ProviderSettings = {
      backend_url: c.auth.auth_url,
      username: c.auth.username ?? '',
      password: '',
      tenant_name: c.auth.project_name ?? 'admin',
      domain: 'default',
      external_network_id: args[1] ?? '',
      verify_ssl: true,
      availability_zone: '',
      default_internal_network_mtu: 0,
      storage_mode: 'fixed',
      access_url: '',
      api_timeout: 60,
    };
    if (args[0])
      for (const p of await collect(projects.list(identity, { tags: [markerTag(args[0])] })))
        await tenantBackend.delete({ cloud: admin, provider, projectId: p.id }, async () => {});
    if (args[1]) {
      const net = await admin.network();
      for (const f of await collect(floatingIps.list(net, { floating_network_id: args[1] })))
        await floatingIps.removeIfExists(net, f.id);
      for (const g of await collect(
        ports.list(net, { network_id: args[1], device_owner: 'network:router_gateway' }),
      ))
        await routers.clearGateway(net, g.device_id).catch(() => undefined);
      try {
        await networks.remove(net, args[1]);
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e;
      }
      console.log(`external network ${args[1]} removed`);
    }
  } else {
    console.error(
      'usage: demo-portal-client.ts external TAG | order URL EXT TAG | show PROJECT | delete URL TENANT PROJECT | purge TENANT EXT',
    );
    process.exitCode = 2;
  }
} finally {
  await admin.close();
}
