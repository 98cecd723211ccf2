// Integration: the accept/reject matrix against the lab's Neutron; nothing is created on reject.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { OsnetError } from '../lib/errors.ts';
import { collect } from '../openstack/client/pagination.ts';
import type { ServiceClient } from '../openstack/client/service-client.ts';
import { networks, ports, subnets, tags } from '../openstack/networking/v2/index.ts';
import { labFixture } from '../testing/openstack/fixture.ts';
import { LAB_CLOUDS, REPO_ROOT, testName } from '../testing/openstack/lab.ts';
import { exportSpoke, PRIVATE_KEY_PLACEHOLDER } from './export.ts';
import { generateKeyPair } from './keys.ts';
import { HUB_OWNER, peerTag, SPOKE_OWNER } from './model.ts';
import {
  createHub,
  createMesh,
  createSpoke,
  deleteMesh,
  deleteTunnel,
  MESH_TAG,
  rotateHub,
} from './neutron.ts';

const run = promisify(execFile);
const lab = labFixture(['lab-admin'], 'network');
let net: ServiceClient;
let networkId: string;
let v4: string;
let v6: string;
let plain: string;
let otherNetSubnet: string;
let hubId: string;
let notHub: string;

before(async () => {
  [, [net]] = await lab.open();
  const n = await networks.create(net, { name: testName('wgmesh') });
  lab.cleanup.defer(() => networks.removeIfExists(net, n.id));
  networkId = n.id;
  v4 = (await subnets.create(net, { network_id: n.id, cidr: '10.201.0.0/24', ip_version: 4 })).id;
  v6 = (await subnets.create(net, { network_id: n.id, cidr: 'fd20:1::/64', ip_version: 6 })).id;
  plain = (await subnets.create(net, { network_id: n.id, cidr: '10.202.0.0/24', ip_version: 4 })).id;
  await tags.add(net, 'subnets', v4, MESH_TAG);
  await tags.add(net, 'subnets', v6, MESH_TAG);
  const n2 = await networks.create(net, { name: testName('wgother') });
  lab.cleanup.defer(() => networks.removeIfExists(net, n2.id));
  otherNetSubnet = (await subnets.create(net, { network_id: n2.id, cidr: '10.203.0.0/24', ip_version: 4 }))
    .id;
  await tags.add(net, 'subnets', otherNetSubnet, MESH_TAG);
  const hub = await createHub(net, { host: 'wgtest-host', subnets: [v4, v6], name: testName('hub') });
  lab.cleanup.defer(() => ports.removeIfExists(net, hub.id));
  hubId = hub.id;
  const other = await ports.create(net, { network_id: networkId, device_owner: 'compute:x' });
  lab.cleanup.defer(() => ports.removeIfExists(net, other.id));
  notHub = other.id;
});
after(() => lab.close());

async function portCount(): Promise<number> {
  return (await collect(ports.list(net, { network_id: networkId, fields: ['id'] }))).length;
}

async function refused(what: () => Promise<unknown>, field: string): Promise<void> {
  const before = await portCount();
  await assert.rejects(what, (e: unknown) => {
    assert.ok(e instanceof OsnetError, String(e));
    assert.equal(e.code, 'OSNET_ERR_VALIDATION');
    assert.equal(e.field, field, e.message);
    assert.ok(e.message.includes(field));
    return true;
  });
  assert.equal(await portCount(), before, `nothing created when ${field} is wrong`);
}

test('hub: created with host, v4 and v6 addresses, no keys yet; bad requests name their field', async () => {
  const hub = await ports.get(net, hubId);
  assert.equal(hub.device_owner, HUB_OWNER);
  assert.equal(hub['binding:host_id'], 'wgtest-host');
  assert.deepEqual(
    hub.fixed_ips.map((f) => f.subnet_id),
    [v4, v6],
  );
  await refused(() => createHub(net, { host: '', subnets: [v4] }), 'binding:host_id');
  await refused(() => createHub(net, { host: 'h', subnets: [] }), 'fixed_ips');
  await refused(() => createHub(net, { host: 'h', subnets: [plain] }), 'fixed_ips[0].subnet_id');
  await refused(
    () => createHub(net, { host: 'h', subnets: ['00000000-0000-0000-0000-000000000000'] }),
    'fixed_ips[0].subnet_id',
  );
  await refused(() => createHub(net, { host: 'h', subnets: [v4, otherNetSubnet] }), 'fixed_ips[1].subnet_id');
  await refused(() => createHub(net, { host: 'h', subnets: [v4], ips: ['10.9.9.9'] }), 'fixed_ips[0]');
});

test('spoke: the reject matrix against Neutron (nothing created), then one accepted and tagged', async () => {
  const key = generateKeyPair().publicKey;
  const ok = { publicKey: key, peers: [hubId] };
  await refused(() => createSpoke(net, { ...ok, publicKey: 'nope' }), 'binding:profile.public_key');
  await refused(() => createSpoke(net, { ...ok, peers: [] }), 'binding:profile.peers');
  await refused(
    () => createSpoke(net, { ...ok, peers: ['00000000-0000-4000-8000-000000000000'] }),
    'binding:profile.peers[0]',
  );
  await refused(() => createSpoke(net, { ...ok, peers: [hubId, notHub] }), 'binding:profile.peers[1]');
  await refused(() => createSpoke(net, { ...ok, endpoint: 'fd00::1:51820' }), 'binding:profile.endpoint');
  await refused(() => createSpoke(net, { ...ok, keepalive: 70000 }), 'binding:profile.persistent_keepalive');
  await refused(() => createSpoke(net, { ...ok, presharedKeyRef: key }), 'binding:profile.preshared_key');
  await refused(
    () => createSpoke(net, { ...ok, allowedIps: ['10.0.0.1'] }),
    'binding:profile.allowed_ips[0]',
  );
  await refused(() => createSpoke(net, { ...ok, ips: ['10.202.0.9'] }), 'fixed_ips[0]');

  const s = await createSpoke(net, {
    ...ok,
    endpoint: '[2001:db8::7]:51999',
    keepalive: 25,
    presharedKeyRef: 'file:/nonexistent/psk',
    allowedIps: ['192.168.77.0/24'],
    ips: ['10.201.0.50', 'fd20:1::50'],
  });
  lab.cleanup.defer(() => ports.removeIfExists(net, s.id));
  assert.equal(s.device_owner, SPOKE_OWNER);
  assert.deepEqual(s.tags, [peerTag(hubId)]);
  assert.deepEqual(s['binding:profile'], {
    public_key: key,
    peers: [hubId],
    endpoint: '[2001:db8::7]:51999',
    persistent_keepalive: 25,
    preshared_key: 'file:/nonexistent/psk',
    allowed_ips: ['192.168.77.0/24'],
  });

  const conf = await exportSpoke(net, s.id);
  assert.match(conf, new RegExp(`PrivateKey = ${PRIVATE_KEY_PLACEHOLDER.replace(/[<>]/g, '.')}`));
  assert.match(conf, /Address = 10\.201\.0\.50\/24, fd20:1::50\/64/);
  assert.match(conf, /AllowedIPs = 10\.201\.0\.0\/24, fd20:1::\/64/);
  assert.match(conf, /PersistentKeepalive = 25/);
  assert.match(conf, /not set this hub up yet/);
  assert.doesNotMatch(conf, /PresharedKey = [A-Za-z0-9+/]/);

  await assert.rejects(() => deleteTunnel(net, hubId), /still has 1 spoke/);
  await deleteTunnel(net, s.id);
  assert.equal((await collect(ports.list(net, { ids: [s.id] }))).length, 0);
});

test('CLI: osnet wg spoke create refuses a bad key with exit 65 naming the field, creating nothing', async () => {
  const before = await portCount();
  const r = await run(
    process.execPath,
    [
      `${REPO_ROOT}/src/cmd/osnet.ts`,
      '--os-cloud',
      'lab-admin',
      'wg',
      'spoke',
      'create',
      '--public-key',
      'x',
      '--peer',
      hubId,
    ],
    { env: { ...process.env, OS_CLIENT_CONFIG_FILE: LAB_CLOUDS } },
  ).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => e,
  );
  assert.equal(r.code, 65);
  assert.match(r.stderr, /OSNET_ERR_VALIDATION: binding:profile\.public_key/);
  assert.equal(await portCount(), before);
  const list = await run(
    process.execPath,
    [`${REPO_ROOT}/src/cmd/osnet.ts`, '--os-cloud', 'lab-admin', 'wg', 'list', '--json'],
    {
      env: { ...process.env, OS_CLIENT_CONFIG_FILE: LAB_CLOUDS },
    },
  );
  assert.ok((JSON.parse(list.stdout) as { id: string }[]).some((p) => p.id === hubId));
});

test('mesh: bad prefixes refused by field before anything is made; a mesh with ports refuses deletion; rotate needs a set-up hub', async () => {
  const before = await collect(networks.list(net, { fields: ['id'] }));
  for (const [cidrs, field] of [
    [[], 'cidr'],
    [['10.1.0.0/33'], 'cidr[0]'],
    [['10.1.0.0/24', '10.2.0.0/24'], 'cidr[1]'],
  ] as const)
    await assert.rejects(
      () => createMesh(net, 'x', [...cidrs]),
      (e: unknown) => e instanceof OsnetError && e.field === field,
    );
  assert.equal((await collect(networks.list(net, { fields: ['id'] }))).length, before.length);
  await assert.rejects(() => deleteMesh(net, networkId), /still has 1 hub/);
  const bare = await networks.create(net, { name: testName('wgbare') });
  lab.cleanup.defer(() => networks.removeIfExists(net, bare.id));
  await assert.rejects(() => deleteMesh(net, bare.id), /not a mesh/);
  await assert.rejects(() => rotateHub(net, hubId, 60), /has no key yet/);
  await assert.rejects(
    () => rotateHub(net, hubId, -1),
    (e: unknown) => e instanceof OsnetError && e.field === 'overlap',
  );
  const m = await createMesh(net, testName('wgm'), ['10.204.0.0/24', 'fd20:4::/64']);
  lab.cleanup.defer(() => networks.removeIfExists(net, m.networkId));
  const subs = await collect(subnets.list(net, { network_id: m.networkId }));
  assert.deepEqual(subs.map((s) => [s.cidr, s.tags, s.gateway_ip, s.enable_dhcp]).sort(), [
    ['10.204.0.0/24', [MESH_TAG], null, false],
    ['fd20:4::/64', [MESH_TAG], null, false],
  ]);
  await deleteMesh(net, m.networkId);
  assert.equal((await collect(networks.list(net, { ids: [m.networkId] }))).length, 0);
});
