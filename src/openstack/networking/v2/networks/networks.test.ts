// Integration: real Neutron in the lab (scripts/lab/up). Fails, never skips, when the lab is down.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { countingClient, runTag } from '../../../../testing/openstack/counting-client.ts';
import { labFixture } from '../../../../testing/openstack/fixture.ts';
import { labCloud, testName } from '../../../../testing/openstack/lab.ts';
import type { Cloud } from '../../../client/cloud.ts';
import { NotFoundError, PreconditionFailedError } from '../../../client/errors.ts';
import { collect } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import * as tags from '../tags/index.ts';
import * as networks from './index.ts';

const lab = labFixture(['lab-demo', 'lab-demo2'], 'network');
const { cleanup } = lab;
const tag = runTag();
let demo: Cloud;
let net: ServiceClient;
let net2: ServiceClient;

before(async () => {
  [[demo], [net, net2]] = await lab.open();
});

after(() => lab.close());

function create(name = testName('net')): Promise<networks.Network> {
  return networks.create(net, { name, description: 'osnet test' }).then(async (n) => {
    cleanup.defer(() => networks.removeIfExists(net, n.id));
    return n;
  });
}

test('create, get, update with If-Match, delete, 404 after delete', async () => {
  const name = testName('net');
  const n = await create(name);
  assert.equal(n.name, name);
  assert.equal(n.project_id, (await demo.token()).projectId);
  assert.equal(typeof n.revision_number, 'number');

  const got = await networks.get(net, n.id);
  assert.equal(got.id, n.id);
  assert.equal(got.mtu, n.mtu);

  const renamed = await networks.update(net, n.id, { name: `${name}-b` }, { ifMatch: got.revision_number });
  assert.equal(renamed.name, `${name}-b`);
  assert.ok(renamed.revision_number > got.revision_number);

  // the revision we read before the rename is stale now
  await assert.rejects(
    networks.update(net, n.id, { name: `${name}-c` }, { ifMatch: got.revision_number }),
    (e: unknown) => e instanceof PreconditionFailedError && e.status === 412,
  );
  assert.equal((await networks.get(net, n.id)).name, `${name}-b`, 'a refused update changes nothing');

  await networks.remove(net, n.id);
  await assert.rejects(networks.get(net, n.id), NotFoundError);
  await assert.rejects(networks.remove(net, n.id), NotFoundError);
  assert.equal(await networks.removeIfExists(net, n.id), false);
});

test('list filters by name and tag, narrows fields, and follows pages', async () => {
  const made = [];
  for (let i = 0; i < 3; i++) made.push(await create());
  for (const n of made) await tags.replaceAll(net, 'networks', n.id, [tag]);

  const byName = await collect(networks.list(net, { names: [made[1]!.name] }));
  assert.deepEqual(
    byName.map((n) => n.id),
    [made[1]!.id],
  );

  const { client, urls } = countingClient(net);
  const paged = await collect(networks.list(client, { tags: [tag], limit: 2, fields: ['id', 'name'] }));
  assert.deepEqual(paged.map((n) => n.id).sort(), made.map((n) => n.id).sort());
  // Neutron links a next page only after a full one: 2 + 1
  assert.equal(urls.length, 2, `3 networks with limit=2 take 2 pages, fetched ${urls.length}`);
  assert.match(urls[1]!, /marker=/, 'the second page follows the marker link');
  for (const n of paged) assert.deepEqual(Object.keys(n).sort(), ['id', 'name']);
});

test('another project can neither see nor change the network', async () => {
  const n = await create();
  await assert.rejects(networks.get(net2, n.id), NotFoundError);
  assert.deepEqual(await collect(networks.list(net2, { ids: [n.id] })), []);
  await assert.rejects(networks.update(net2, n.id, { name: 'stolen' }), NotFoundError);
  await assert.rejects(networks.remove(net2, n.id), NotFoundError);
  assert.equal((await networks.get(net, n.id)).name, n.name);
});

test("demo's application credential acts in demo's project: it sees and changes demo's network", async () => {
  const n = await create();
  const appcred = await labCloud('lab-appcred');
  try {
    const viaCred = await appcred.network();
    assert.equal((await networks.get(viaCred, n.id)).id, n.id);
    const upd = await networks.update(viaCred, n.id, { description: 'via appcred' });
    assert.equal(upd.description, 'via appcred');
    await assert.rejects(networks.get(net2, n.id), NotFoundError);
  } finally {
    await appcred.close();
  }
});
