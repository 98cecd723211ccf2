/**
 * Tenant quotas against the lab (Nova, Cinder, Neutron), on a scratch project: every entry of the seed's
 * mapping pushed and read back through the owning service's own API, changes made in OpenStack pulled
 * back, MB/GB conversion, -1, per-volume-type limits in dynamic mode, usage from the services' usage
 * calls, and bad names or values refused before any call.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OsnetError } from '../../../lib/errors.ts';
import * as cinderQuotas from '../../../openstack/blockstorage/v3/quotasets/index.ts';
import type { Cloud } from '../../../openstack/client/cloud.ts';
import { collect } from '../../../openstack/client/pagination.ts';
import * as novaQuotas from '../../../openstack/compute/v2/quotasets/index.ts';
import { projects } from '../../../openstack/identity/v3/index.ts';
import { networks, quotas as neutronQuotas, securityGroups } from '../../../openstack/networking/v2/index.ts';
import { Cleanup } from '../../../testing/openstack/cleanup.ts';
import { COMPUTE_SKIP, LAB_VOLUME_TYPE } from '../../../testing/openstack/compute-lab.ts';
import { testName } from '../../../testing/openstack/lab.ts';
import { labProviderSettings } from '../../../testing/portal/provider.ts';
import { openProviderCloud } from '../provider-cloud.ts';
import { checkQuotas, defaultQuotasOf, pullQuotas, pushQuotas, QUOTA_MAP, resetQuotas } from './quotas.ts';

const cleanup = new Cleanup();
let cloud: Cloud;
let projectId: string;

/** What each service itself says the project's limit is, by its own key. */
async function serviceLimits(): Promise<Record<string, number>> {
  const nova = await novaQuotas.get(await cloud.service('compute'), projectId);
  const cinder = await cinderQuotas.get(await cloud.service('block-storage'), projectId);
  const neutron = await neutronQuotas.get(await cloud.network(), projectId);
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries({ ...nova, ...cinder, ...neutron }))
    if (typeof v === 'number') out[k] = v;
  return out;
}

describe('tenant quotas (lab)', { skip: COMPUTE_SKIP }, () => {
  before(async () => {
    cloud = await openProviderCloud(await labProviderSettings());
    cleanup.defer(() => cloud.close());
    const identity = await cloud.identity();
    const p = await projects.create(identity, { name: testName('quota'), domain_id: 'default' });
    projectId = p.id;
    cleanup.defer(async () => {
      // the teardown's own check: nothing of the scratch project may stay (security groups, quota rows)
      const net = await cloud.network();
      for (const n of await collect(networks.list(net, { project_id: projectId })))
        await networks.removeIfExists(net, n.id);
      for (const g of (await collect(securityGroups.list(net, { fields: ['id', 'project_id'] }))).filter(
        (x) => x.project_id === projectId,
      ))
        await securityGroups.removeIfExists(net, g.id);
      await resetQuotas(cloud, projectId);
      await projects.remove(identity, projectId);
    });
  });
  after(() => cleanup.run());

  it('every entry is pushed to its service and read back there in its own key and unit', async () => {
    // distinct values per entry, so a swapped mapping cannot pass
    const want: Record<string, number> = {};
    QUOTA_MAP.forEach((e, i) => {
      want[e.name] = e.name === 'storage' ? (7 + i) * 1024 : 31 + i;
    });
    await pushQuotas(cloud, projectId, want);
    const have = await serviceLimits();
    for (const e of QUOTA_MAP)
      assert.equal(have[e.key], want[e.name]! / e.factor, `${e.name} → ${e.service} ${e.key}`);
    const { limits } = await pullQuotas(cloud, projectId);
    assert.deepEqual(limits, want);
  });

  it('changes made in OpenStack are pulled back; -1 is unlimited both ways; MB round up to GB', async () => {
    await neutronQuotas.update(await cloud.network(), projectId, { port: 77, floatingip: -1 });
    await novaQuotas.update(await cloud.service('compute'), projectId, { cores: 5 });
    await cinderQuotas.update(await cloud.service('block-storage'), projectId, { gigabytes: 3 });
    let { limits } = await pullQuotas(cloud, projectId);
    assert.equal(limits.port_count, 77);
    assert.equal(limits.floating_ip_count, -1);
    assert.equal(limits.vcpu, 5);
    assert.equal(limits.storage, 3 * 1024);
    await pushQuotas(cloud, projectId, { storage: 1500, instances: -1 });
    assert.equal((await serviceLimits()).gigabytes, 2);
    ({ limits } = await pullQuotas(cloud, projectId));
    assert.equal(limits.storage, 2048);
    assert.equal(limits.instances, -1);
  });

  it('per-volume-type limits (dynamic mode) go to Cinder and come back only in dynamic mode', async () => {
    const key = `gigabytes_${LAB_VOLUME_TYPE}`;
    await pushQuotas(cloud, projectId, { [key]: 4 });
    assert.equal((await serviceLimits())[key], 4);
    assert.equal((await pullQuotas(cloud, projectId, 'dynamic')).limits[key], 4);
    assert.equal((await pullQuotas(cloud, projectId, 'fixed')).limits[key], undefined);
  });

  it("usage comes from the services' usage calls", async () => {
    await pushQuotas(cloud, projectId, { network_count: 10, security_group_count: 10 });
    const net = await cloud.network();
    await networks.create(net, { name: testName('qnet'), project_id: projectId });
    const { usage } = await pullQuotas(cloud, projectId);
    assert.equal(usage.network_count, 1);
    assert.equal(usage.instances, 0);
    assert.equal(usage.volumes, 0);
    assert.equal(usage.storage, 0);
    for (const e of QUOTA_MAP) assert.equal(typeof usage[e.name], 'number', e.name);
  });

  it('bad names and values are refused before any call, naming the field', () => {
    const field = (f: () => void) => {
      try {
        f();
      } catch (e) {
        return e instanceof OsnetError ? e.field : 'not an OsnetError';
      }
      return 'accepted';
    };
    assert.equal(
      field(() => checkQuotas({ cpus: 1 }, { field: 'body' })),
      'body.cpus',
    );
    assert.equal(
      field(() => checkQuotas({ vcpu: -2 }, { field: 'body' })),
      'body.vcpu',
    );
    assert.equal(
      field(() => checkQuotas({ ram: 1.5 }, { field: 'body' })),
      'body.ram',
    );
    assert.equal(
      field(() => checkQuotas({ gigabytes_ssd: 1 }, { field: 'body', storageMode: 'fixed' })),
      'body.gigabytes_ssd',
    );
    assert.equal(
      field(() =>
        checkQuotas({ gigabytes_ssd: 1 }, { field: 'body', storageMode: 'dynamic', volumeTypes: ['hdd'] }),
      ),
      'body.gigabytes_ssd',
    );
    assert.equal(
      field(() => checkQuotas({ gigabytes_ssd: 1, port_count: -1 }, { field: 'body' })),
      'accepted',
    );
  });

  it('reset drops the quota rows: Neutron lists no row for the project', async () => {
    await resetQuotas(cloud, projectId);
    const rows = await collect(neutronQuotas.list(await cloud.network()));
    assert.ok(!rows.some((q) => q.project_id === projectId));
    const nova = await novaQuotas.get(await cloud.service('compute'), projectId);
    const defaults = await novaQuotas.getDefaults(await cloud.service('compute'), projectId);
    assert.equal(nova.cores, defaults.cores);
  });
});

/**
 * A fake Neutron-only provider: the lab's cloud with Nova and Cinder taken out of its catalog (the lab
 * cannot be made to lack them without stopping them for everyone). Neutron calls are real.
 */
function fakeNeutronOnly(real: Cloud): Cloud {
  return new Proxy(real, {
    get(target, prop) {
      if (prop === 'service')
        return async (type: string) => {
          if (type === 'compute' || type === 'block-storage')
            throw new OsnetError('OSNET_ERR_OS_ENDPOINT', `no ${type} endpoint in the catalog`);
          return target.service(type);
        };
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

describe('tenant quotas on a provider without Nova and Cinder (lab Neutron, fake catalog)', () => {
  const local = new Cleanup();
  let real: Cloud;
  let fake: Cloud;
  let project: string;
  before(async () => {
    real = await openProviderCloud(await labProviderSettings());
    local.defer(() => real.close());
    fake = fakeNeutronOnly(real);
    const identity = await real.identity();
    project = (await projects.create(identity, { name: testName('nquota'), domain_id: 'default' })).id;
    local.defer(() => projects.remove(identity, project));
  });
  after(() => local.run());

  it("only Neutron's quotas are defaulted, pushed, pulled and reset; another service's is refused by name", async () => {
    const defaults = await defaultQuotasOf(fake);
    assert.deepEqual(
      Object.keys(defaults).sort(),
      QUOTA_MAP.filter((e) => e.service === 'network')
        .map((e) => e.name)
        .sort(),
    );
    await assert.rejects(
      pushQuotas(fake, project, { network_count: 3, vcpu: 1 }),
      (e: unknown) => e instanceof OsnetError && e.field === 'quotas.vcpu',
    );
    // refused whole: the Neutron part of that call was not sent either
    assert.notEqual((await neutronQuotas.get(await real.network(), project)).network, 3);
    await pushQuotas(fake, project, { ...defaults, network_count: 3 });
    const { limits } = await pullQuotas(fake, project);
    assert.deepEqual(Object.keys(limits).sort(), Object.keys(defaults).sort());
    assert.equal(limits.network_count, 3);
    await resetQuotas(fake, project);
    assert.ok(
      !(await collect(neutronQuotas.list(await real.network()))).some((q) => q.project_id === project),
    );
  });
});
