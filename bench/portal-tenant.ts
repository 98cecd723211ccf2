/**
 * The tenant backend against the lab as provider: a tenant's order chain (create), the same create run
 * again (a resumed job: lookups only), one quota pull, and the teardown. Prints wall time and the
 * OpenStack calls made per step, by service and method. Figures only, no thresholds.
 *
 * Run: `node bench/portal-tenant.ts [--tenants 2]` (lab up, compute extension too).
 */
import { parseArgs } from 'node:util';
import { networks, subnets } from '../src/openstack/networking/v2/index.ts';
import { openProviderCloud } from '../src/portal/backend/provider-cloud.ts';
import { tenantBackend } from '../src/portal/backend/tenant/index.ts';
import { newUuid } from '../src/portal/store/index.ts';
import { testName } from '../src/testing/openstack/lab.ts';
import { labProviderSettings } from '../src/testing/portal/provider.ts';
import { callSummary, countCalls } from './portal-measure.ts';

const { values } = parseArgs({ options: { tenants: { type: 'string', default: '2' } } });
const n = Number(values.tenants);

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
    const calls = countCalls(cloud);
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
      rows.push([
        what,
        ((performance.now() - t) / 1000).toFixed(2),
        String(calls.length),
        callSummary(calls),
      ]);
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
