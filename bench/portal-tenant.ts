/**
 * The tenant backend against the lab as provider: a tenant's order chain (create), the same create run
 * again (a resumed job: lookups only), one quota pull, and the teardown. Prints wall time and the
 * OpenStack calls made per step, by service and method. Figures only, no thresholds.
 *
 * Run: `node bench/portal-tenant.ts [--tenants 2]` (lab up, compute extension too).
 */
import { parseArgs } from 'node:util';
import type { Cloud } from '../src/openstack/client/cloud.ts';
import { networks, subnets } from '../src/openstack/networking/v2/index.ts';
import { openProviderCloud } from '../src/portal/backend/provider-cloud.ts';
import { tenantBackend } from '../src/portal/backend/tenant/index.ts';
import { newUuid } from '../src/portal/store/index.ts';
import { countingClient } from '../src/testing/openstack/counting-client.ts';
import { testName } from '../src/testing/openstack/lab.ts';
import { labProviderSettings } from '../src/testing/portal/provider.ts';

const { values } = parseArgs({ options: { tenants: { type: 'string', default: '2' } } });
const n = Number(values.tenants);

/** Every call of every service client of `cloud`, as "service METHOD". */
function count(cloud: Cloud): string[] {
  const calls: string[] = [];
  const service = cloud.service.bind(cloud);
  const wrapped = new Map<string, Awaited<ReturnType<Cloud['service']>>>();
  cloud.service = async (type: string) => {
    const have = wrapped.get(type);
    if (have) return have;
    const c = countingClient(await service(type));
    const push = c.calls.push.bind(c.calls);
    c.calls.push = (...xs: string[]) => {
      for (const x of xs) calls.push(`${type} ${x.split(' ')[0]}`);
      return push(...xs);
    };
    wrapped.set(type, c.client);
    return c.client;
  };
  return calls;
}

function summary(calls: string[]): string {
  const by = new Map<string, number>();
  for (const c of calls) by.set(c, (by.get(c) ?? 0) + 1);
  return [...by.entries()]
    .sort()
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

const settings = await labProviderSettings();
const admin = await openProviderCloud(settings);
const net = await admin.network();
const ext = await networks.create(net, { name: testName('bext'), 'router:external': true });
await subnets.create(net, { network_id: ext.id, ip_version: 4, cidr: '198.19.7.0/24', enable_dhcp: false });
const provider = { ...settings, external_network_id: ext.id };
const rows: string[][] = [];
try {
  for (let i = 0; i < n; i++) {
    const cloud = await openProviderCloud(provider);
    const calls = count(cloud);
    const name = testName('bench');
    const spec = {
      name,
      description: 'bench',
      project_name: name,
      subnet_cidr: '192.168.42.0/24',
      quotas: {},
      skip_connection_extnet: false,
      user_username: testName('buser'),
    };
    const marker = newUuid();
    const step = async (what: string, f: () => Promise<unknown>) => {
      calls.length = 0;
      const t = performance.now();
      await f();
      rows.push([what, ((performance.now() - t) / 1000).toFixed(2), String(calls.length), summary(calls)]);
    };
    let projectId = '';
    await step('create', async () => {
      projectId = (await tenantBackend.create(cloud, provider, spec, marker, async () => {})).record
        .backend_id;
    });
    await step('create again (resumed)', () =>
      tenantBackend.create(cloud, provider, spec, marker, async () => {}),
    );
    const scope = { cloud, provider, projectId };
    await step('pull quotas', () => tenantBackend.pullQuotas(scope));
    await step('delete', () => tenantBackend.delete(scope, async () => {}));
    await cloud.close();
  }
} finally {
  await networks.removeIfExists(net, ext.id);
  await admin.close();
}
console.log('| step | s | calls | by service and method |\n| --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
