/**
 * The tenant backend against the lab as provider: the order chain makes the real project (under a
 * suffixed name when one of that name exists and is not ours), user, network, subnet, default security
 * groups and router with its gateway; a second create with the same marker makes nothing new (every kind
 * counted in OpenStack); the password handed back works; changePassword replaces it; delete leaves nothing
 * of the tenant in OpenStack (every kind listed by project id, its quota rows included).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Cloud } from '../../../openstack/client/cloud.ts';
import { collect } from '../../../openstack/client/pagination.ts';
import { projects, roleassignments, users } from '../../../openstack/identity/v3/index.ts';
import {
  networks,
  quotas as neutronQuotas,
  ports,
  routers,
  securityGroupRules,
  securityGroups,
  subnets,
} from '../../../openstack/networking/v2/index.ts';
import { Cleanup } from '../../../testing/openstack/cleanup.ts';
import { testName } from '../../../testing/openstack/lab.ts';
import { labExternalNetwork, labProviderSettings } from '../../../testing/portal/provider.ts';
import { newUuid } from '../../store/index.ts';
import type { ProviderSettings, TenantSpec } from '../contract.ts';
import { openProviderCloud } from '../provider-cloud.ts';
import { markerTag } from './common.ts';
import { DEFAULT_SECURITY_GROUPS, tenantBackend, tenantLeftovers } from './index.ts';

const cleanup = new Cleanup();
let cloud: Cloud;
let provider: ProviderSettings;
let external: string;

before(async () => {
  provider = await labProviderSettings({
    default_internal_network_mtu: 1400,
    dns_nameservers: ['192.0.2.53'],
  });
  cloud = await openProviderCloud(provider);
  cleanup.defer(() => cloud.close());
  external = await labExternalNetwork(cloud, cleanup, 'pext');
  provider = { ...provider, external_network_id: external };
});

after(() => cleanup.run());

/** Every object of the tenant, counted the way an operator would (by project, by name, by marker). */
async function census(projectId: string, marker: string, username: string) {
  const net = await cloud.network();
  const identity = await cloud.identity();
  const groups = (await collect(securityGroups.list(net, { fields: ['id', 'project_id', 'name'] }))).filter(
    (g) => g.project_id === projectId,
  );
  const ours = groups.filter((g) => DEFAULT_SECURITY_GROUPS.some((d) => d.name === g.name));
  const rs = await collect(routers.list(net, { project_id: projectId }));
  return {
    projects: (await collect(projects.list(identity, { tags: [markerTag(marker)] }))).length,
    users: (await collect(users.list(identity, { name: username }))).length,
    assignments: (await collect(roleassignments.list(identity, { projectId }))).length,
    networks: (await collect(networks.list(net, { project_id: projectId }))).length,
    subnets: (await collect(subnets.list(net, { project_id: projectId }))).length,
    groups: ours.map((g) => g.name).sort(),
    ingressRules: (
      await collect(
        securityGroupRules.list(net, { security_group_id: ours.map((g) => g.id), direction: 'ingress' }),
      )
    ).length,
    routers: rs.length,
    interfaces: rs.length
      ? (await collect(ports.list(net, { device_id: rs[0]!.id, device_owner: 'network:router_interface' })))
          .length
      : 0,
  };
}

async function canLogIn(projectName: string, username: string, password: string): Promise<boolean> {
  try {
    const c = await openProviderCloud({ ...provider, username, password, tenant_name: projectName });
    await c.close();
    return true;
  } catch {
    return false;
  }
}

describe('tenant backend (lab)', () => {
  const marker = newUuid();
  const name = testName('tenant');
  const spec: TenantSpec = {
    name,
    description: 'osnet test tenant',
    project_name: name,
    subnet_cidr: '192.168.42.0/24',
    quotas: {},
    skip_connection_extnet: false,
    user_username: testName('tuser'),
  };
  const steps: string[] = [];
  const report = async (s: string) => {
    steps.push(s);
  };
  let projectId = '';

  it('creates the chain under a suffixed name when a project of that name is not ours', async () => {
    const identity = await cloud.identity();
    const squatter = await projects.create(identity, { name, domain_id: 'default' });
    cleanup.defer(() => projects.remove(identity, squatter.id).catch(() => undefined));
    const { record, secrets } = await tenantBackend.create(cloud, provider, spec, marker, report);
    projectId = record.backend_id;
    cleanup.defer(() => tenantBackend.delete({ cloud, provider, projectId }, async () => {}));
    assert.notEqual(projectId, squatter.id);
    assert.equal(record.name, `${name}-${marker.slice(0, 8)}`);
    assert.deepEqual(steps, [
      'project',
      'admin_role',
      'user',
      'network',
      'subnet',
      'quotas',
      'security_groups',
      'router',
    ]);
    const net = await cloud.network();
    const n = await networks.get(net, record.fields.internal_network_id as string);
    assert.equal(n.mtu, 1400);
    assert.equal(n.project_id, projectId);
    const r = await routers.get(net, record.fields.router_id as string);
    assert.equal(r.external_gateway_info?.network_id, external);
    const sub = await subnets.get(net, record.fields.subnet_id as string);
    assert.equal(sub.cidr, '192.168.42.0/24');
    assert.deepEqual(sub.allocation_pools, [{ start: '192.168.42.10', end: '192.168.42.200' }]);
    assert.deepEqual(sub.dns_nameservers, ['192.0.2.53']);
    assert.ok(secrets?.password && secrets.password.length >= 24);
    assert.ok(!JSON.stringify(record).includes(secrets.password), 'the password is in the record');
    assert.deepEqual(await census(projectId, marker, spec.user_username), {
      projects: 1,
      users: 1,
      assignments: 2, // the provider's user as admin, the tenant user as member
      networks: 1,
      subnets: 1,
      groups: ['ping', 'rdp', 'ssh', 'web'],
      ingressRules: 5,
      routers: 1,
      interfaces: 1,
    });
    assert.ok(await canLogIn(record.name, spec.user_username, secrets.password));
  });

  it('a second create with the same marker makes nothing new, and its password is the one that works', async () => {
    const before = await census(projectId, marker, spec.user_username);
    const again = await tenantBackend.create(cloud, provider, spec, marker, report);
    assert.equal(again.record.backend_id, projectId);
    assert.deepEqual(await census(projectId, marker, spec.user_username), before);
    assert.ok(await canLogIn(again.record.name, spec.user_username, again.secrets!.password!));
  });

  it('changePassword gives a new password that works; the old one no longer does', async () => {
    const scope = { cloud, provider, projectId };
    const rec = await tenantBackend.get(scope);
    assert.equal(rec?.backend_id, projectId);
    const old = (await tenantBackend.create(cloud, provider, spec, marker, report)).secrets!.password!;
    const { password } = await tenantBackend.changePassword(scope, spec.user_username);
    assert.notEqual(password, old);
    assert.ok(await canLogIn(rec!.name, spec.user_username, password));
    assert.equal(await canLogIn(rec!.name, spec.user_username, old), false);
  });

  it('a Keystone user of the asked name that is not ours is refused, naming the field', async () => {
    const identity = await cloud.identity();
    const taken = await users.create(identity, { name: testName('taken'), domain_id: 'default' });
    cleanup.defer(() => users.remove(identity, taken.id));
    const other = newUuid();
    const name2 = testName('tenant2');
    const err = await tenantBackend
      .create(
        cloud,
        provider,
        { ...spec, name: name2, project_name: name2, user_username: taken.name },
        other,
        report,
      )
      .then(
        () => assert.fail("took over a user that is not the tenant's"),
        (e: unknown) => e as { code?: string; field?: string },
      );
    assert.equal(err.code, 'OSNET_ERR_PORTAL_EXISTS');
    assert.equal(err.field, 'body.user_username');
    // what the failed order made so far is torn down like any tenant
    const [made] = await collect(projects.list(identity, { tags: [markerTag(other)] }));
    assert.ok(made);
    await tenantBackend.delete({ cloud, provider, projectId: made.id }, async () => {});
    assert.deepEqual(await tenantLeftovers(cloud, made.id), {});
    assert.equal((await users.get(identity, taken.id)).name, taken.name);
  });

  it('delete leaves nothing of the tenant in OpenStack', async () => {
    const scope = { cloud, provider, projectId };
    const net = await cloud.network();
    // a port made directly in OpenStack, not by the order chain: teardown must find it too
    const n = await collect(networks.list(net, { project_id: projectId }));
    await ports.create(net, { network_id: n[0]!.id, project_id: projectId, name: testName('stray') });
    // a tenant user whose role grant never happened (a create that crashed between the two calls)
    const identity = await cloud.identity();
    const orphan = testName('orphan');
    await users.create(identity, { name: orphan, domain_id: 'default', default_project_id: projectId });
    const done: string[] = [];
    await tenantBackend.delete(scope, async (s) => {
      done.push(s);
    });
    assert.deepEqual(done.slice(0, 6), [
      'floating_ips',
      'ports',
      'routes',
      'routers',
      'networks',
      'security_groups',
    ]);
    assert.deepEqual(await tenantLeftovers(cloud, projectId), {});
    assert.equal(await tenantBackend.get(scope), undefined);
    assert.equal((await collect(users.list(identity, { name: spec.user_username }))).length, 0);
    assert.equal((await collect(users.list(identity, { name: orphan }))).length, 0);
    const rows = await collect(neutronQuotas.list(net));
    assert.ok(!rows.some((q) => q.project_id === projectId), 'Neutron keeps quota rows of the tenant');
  });
});
