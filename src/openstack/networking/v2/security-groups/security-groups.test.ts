// Integration: real Neutron in the lab (scripts/lab/up). Fails, never skips, when the lab is down.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { countingClient, runTag } from '../../../../testing/openstack/counting-client.ts';
import { labFixture } from '../../../../testing/openstack/fixture.ts';
import { testName } from '../../../../testing/openstack/lab.ts';
import { NotFoundError, PreconditionFailedError } from '../../../client/errors.ts';
import { collect } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import * as rules from '../security-group-rules/index.ts';
import * as tags from '../tags/index.ts';
import * as securityGroups from './index.ts';

const lab = labFixture(['lab-demo', 'lab-demo2'], 'network');
const { cleanup } = lab;
const run = runTag();
let net: ServiceClient;
let net2: ServiceClient;

before(async () => {
  [, [net, net2]] = await lab.open();
});

after(() => lab.close());

async function create(name = testName('sg')): Promise<securityGroups.SecurityGroup> {
  const sg = await securityGroups.create(net, { name, description: 'osnet test' });
  cleanup.defer(() => securityGroups.removeIfExists(net, sg.id));
  return sg;
}

test('create (with default egress rules), get, update with If-Match, delete, 404', async () => {
  const name = testName('sg');
  const sg = await create(name);
  assert.equal(sg.name, name);
  assert.equal(sg.stateful, true);
  assert.ok(sg.security_group_rules.length >= 2, 'Neutron adds egress rules for IPv4 and IPv6');
  assert.ok(sg.security_group_rules.every((r) => r.direction === 'egress'));

  const got = await securityGroups.get(net, sg.id);
  const upd = await securityGroups.update(
    net,
    sg.id,
    { description: 'changed' },
    { ifMatch: got.revision_number },
  );
  assert.equal(upd.description, 'changed');
  await assert.rejects(
    securityGroups.update(net, sg.id, { description: 'late' }, { ifMatch: got.revision_number }),
    PreconditionFailedError,
  );

  await securityGroups.remove(net, sg.id);
  await assert.rejects(securityGroups.get(net, sg.id), NotFoundError);
  assert.equal(await securityGroups.removeIfExists(net, sg.id), false);
});

test('list filters by name and tag and follows pages', async () => {
  const made = [await create(), await create(), await create()];
  for (const sg of made) await tags.add(net, 'security-groups', sg.id, run);
  const byName = await collect(securityGroups.list(net, { names: [made[0]!.name], fields: ['id'] }));
  assert.deepEqual(byName, [{ id: made[0]!.id }]);
  const { client, urls } = countingClient(net);
  const paged = await collect(securityGroups.list(client, { tags: [run], limit: 2 }));
  assert.deepEqual(paged.map((s) => s.id).sort(), made.map((s) => s.id).sort());
  assert.equal(urls.length, 2, `3 groups at 2 per page: 2 pages, fetched ${urls.length}`);
});

test('rules: create one, bulk create, get, list by group with pages, delete, 404', async () => {
  const sg = await create();
  const ssh = await rules.create(net, {
    security_group_id: sg.id,
    direction: 'ingress',
    ethertype: 'IPv4',
    protocol: 'tcp',
    port_range_min: 22,
    port_range_max: 22,
    remote_ip_prefix: '10.0.0.0/8',
  });
  assert.equal(ssh.protocol, 'tcp');
  assert.equal(ssh.port_range_min, 22);
  assert.equal((await rules.get(net, ssh.id)).remote_ip_prefix, '10.0.0.0/8');

  const { client, calls } = countingClient(net);
  const bulk = await rules.createMany(client, [
    {
      security_group_id: sg.id,
      direction: 'ingress',
      protocol: 'udp',
      port_range_min: 53,
      port_range_max: 53,
    },
    { security_group_id: sg.id, direction: 'ingress', protocol: 'icmp', remote_group_id: sg.id },
  ]);
  assert.deepEqual(calls, ['POST security-group-rules']);
  assert.deepEqual(
    bulk.map((r) => r.protocol),
    ['udp', 'icmp'],
  );

  const { client: c2, urls } = countingClient(net);
  const ingress = await collect(rules.list(c2, { security_group_id: sg.id, direction: 'ingress', limit: 2 }));
  assert.deepEqual(ingress.map((r) => r.id).sort(), [ssh.id, ...bulk.map((r) => r.id)].sort());
  assert.ok(urls.length >= 2, `3 rules at 2 per page: 2 pages, fetched ${urls.length}`);

  await rules.remove(net, ssh.id);
  await assert.rejects(rules.get(net, ssh.id), NotFoundError);
  assert.equal(await rules.removeIfExists(net, ssh.id), false);
  assert.equal(
    (await securityGroups.get(net, sg.id)).security_group_rules.some((r) => r.id === ssh.id),
    false,
  );
});

test('another project can neither see nor change the group or its rules', async () => {
  const sg = await create();
  const rule = await rules.create(net, { security_group_id: sg.id, direction: 'ingress', protocol: 'tcp' });
  await assert.rejects(securityGroups.get(net2, sg.id), NotFoundError);
  assert.deepEqual(await collect(securityGroups.list(net2, { ids: [sg.id] })), []);
  await assert.rejects(securityGroups.update(net2, sg.id, { name: 'stolen' }), NotFoundError);
  await assert.rejects(securityGroups.remove(net2, sg.id), NotFoundError);
  await assert.rejects(rules.get(net2, rule.id), NotFoundError);
  await assert.rejects(rules.remove(net2, rule.id), NotFoundError);
  await assert.rejects(rules.create(net2, { security_group_id: sg.id, direction: 'egress' }), NotFoundError);
  assert.equal((await securityGroups.get(net, sg.id)).name, sg.name);
});
