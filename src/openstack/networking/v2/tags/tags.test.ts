// Integration: real Neutron in the lab (scripts/lab/up). Fails, never skips, when the lab is down.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { OsnetError } from '../../../../lib/errors.ts';
import { runTag } from '../../../../testing/openstack/counting-client.ts';
import { labFixture } from '../../../../testing/openstack/fixture.ts';
import { testName } from '../../../../testing/openstack/lab.ts';
import { NotFoundError } from '../../../client/errors.ts';
import { collect } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import * as networks from '../networks/index.ts';
import * as ports from '../ports/index.ts';
import * as tags from './index.ts';

const lab = labFixture(['lab-demo', 'lab-demo2'], 'network');
const { cleanup } = lab;
const run = runTag();
let net: ServiceClient;
let net2: ServiceClient;
let network: networks.Network;

before(async () => {
  [, [net, net2]] = await lab.open();
  network = await networks.create(net, { name: testName('tags') });
  cleanup.defer(() => networks.removeIfExists(net, network.id));
});

after(() => lab.close());

test('add, has, remove one, replace all, remove all on a port; each change bumps the revision', async () => {
  const p = await ports.create(net, { network_id: network.id });
  cleanup.defer(() => ports.removeIfExists(net, p.id));
  assert.deepEqual(await tags.list(net, 'ports', p.id), []);

  await tags.add(net, 'ports', p.id, 'osnet:pod=web-1');
  await tags.add(net, 'ports', p.id, 'osnet:pod=web-1'); // adding twice is a no-op
  await tags.add(net, 'ports', p.id, 'blue');
  assert.deepEqual((await tags.list(net, 'ports', p.id)).sort(), ['blue', 'osnet:pod=web-1']);
  assert.equal(await tags.has(net, 'ports', p.id, 'blue'), true);
  assert.equal(await tags.has(net, 'ports', p.id, 'red'), false);
  const after2 = await ports.get(net, p.id);
  assert.ok(after2.revision_number > p.revision_number);

  await tags.remove(net, 'ports', p.id, 'blue');
  await assert.rejects(tags.remove(net, 'ports', p.id, 'blue'), NotFoundError);
  assert.deepEqual(await tags.list(net, 'ports', p.id), ['osnet:pod=web-1']);

  assert.deepEqual((await tags.replaceAll(net, 'ports', p.id, ['x', 'y'])).sort(), ['x', 'y']);
  assert.deepEqual((await ports.get(net, p.id)).tags.sort(), ['x', 'y']);
  await tags.removeAll(net, 'ports', p.id);
  assert.deepEqual(await tags.list(net, 'ports', p.id), []);
});

test('tag filters on a list: tags (all), tags-any, not-tags', async () => {
  const a = await networks.create(net, { name: testName('ta') });
  cleanup.defer(() => networks.removeIfExists(net, a.id));
  const b = await networks.create(net, { name: testName('tb') });
  cleanup.defer(() => networks.removeIfExists(net, b.id));
  await tags.replaceAll(net, 'networks', a.id, [run, `${run}-a`, `${run}-both`]);
  await tags.replaceAll(net, 'networks', b.id, [run, `${run}-b`, `${run}-both`]);

  const ids = async (f: networks.ListNetworksOpts) =>
    (await collect(networks.list(net, { ...f, fields: ['id'] }))).map((n) => n.id).sort();
  assert.deepEqual(await ids({ tags: [run, `${run}-a`] }), [a.id]);
  assert.deepEqual(await ids({ 'tags-any': [`${run}-a`, `${run}-b`] }), [a.id, b.id].sort());
  assert.deepEqual(await ids({ tags: [run], 'not-tags': [`${run}-a`] }), [b.id]);
  assert.deepEqual(await ids({ tags: [run], 'not-tags-any': [`${run}-a`, `${run}-b`] }), []);
});

test("another project cannot read or change the network's tags", async () => {
  await tags.replaceAll(net, 'networks', network.id, ['mine']);
  await assert.rejects(tags.list(net2, 'networks', network.id), NotFoundError);
  await assert.rejects(tags.add(net2, 'networks', network.id, 'theirs'), NotFoundError);
  await assert.rejects(tags.removeAll(net2, 'networks', network.id), NotFoundError);
  await assert.rejects(tags.has(net2, 'networks', network.id, 'mine'), NotFoundError);
  assert.deepEqual(await tags.list(net, 'networks', network.id), ['mine']);
});

test('bad kind, tag or id fail before any request, naming the field', async () => {
  const bad = (fn: () => unknown, field: string) =>
    assert.throws(fn, (e: unknown) => e instanceof OsnetError && e.field === field);
  bad(() => tags.tagsURL('volumes' as 'ports', 'x'), 'kind');
  bad(() => tags.tagURL('ports', 'x', ''), 'tag');
  bad(() => tags.tagsURL('ports', '../networks'), 'ports id');
  await assert.rejects(
    tags.replaceAll(net, 'ports', 'x', ['ok', 'a/b']),
    (e: unknown) => e instanceof OsnetError && e.field === 'tags[1]',
  );
});
