/**
 * Thousands of malformed requests on the real daemon's socket (against the lab): wrong types and values in
 * every field, missing and unknown keys, broken JSON, wrong routes and methods, oversized bodies, bytes that
 * are not HTTP. Every one gets a DaemonError with an OSNET_ERR code and a CNI code, the daemon keeps
 * running, and no port is made. Seeded: OSNET_FUZZ_SEED and OSNET_FUZZ_CASES explore further.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, it } from 'node:test';
import { ports } from '../openstack/networking/v2/index.ts';
import { call, type Daemon, startDaemon } from '../testing/daemon/daemon.ts';
import { type TestNetwork, testNetwork } from '../testing/daemon/network.ts';

const SEED = Number(process.env.OSNET_FUZZ_SEED ?? 20261201);
const CASES = Number(process.env.OSNET_FUZZ_CASES ?? 3000);
const CNI_CODES = new Set([1, 2, 3, 4, 5, 6, 7, 11, 50, 51]);

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let t: TestNetwork;
let d: Daemon;

before(async () => {
  t = await testNetwork('daemon-fuzz');
  d = await startDaemon();
});
after(async () => {
  await d?.stop();
  await d?.remove();
  await t?.remove();
});

/** Values each field must refuse. */
const BAD: Record<string, unknown[]> = {
  container_id: ['', '-x', 'a b', 'a/b', 'ü', 'x'.repeat(201), 7, null, [], {}, true, 'a;b', '../..'],
  ifname: ['', '.', '..', 'a/b', 'a:b', 'a b', 'x'.repeat(16), 'ééééééééé', 0, null, ['eth0'], {}],
  network_id: ['', 'a/b', '../ports', 'x'.repeat(65), 'a?b', 'a#b', 1, null, {}, [], '-abc'],
  subnet_id: ['', 'a/b', 5, null, {}, 'x'.repeat(65)],
  security_group_ids: ['sg', [1], [''], ['a/b'], {}, null, Array.from({ length: 33 }, () => 'sg')],
  mac: ['', 'fa:16:3e', 'zz:16:3e:00:00:01', 'fa-16-3e-00-00-01x', 1, null, []],
  ips: ['10.0.0.1', [''], ['10.0.0.1/33'], ['fe80::1/129'], ['x'], [1], {}, null, ['10.0.0.256']],
  pod: ['p', 1, [], null, { namespace: 'UPPER' }, { name: 'a_b' }, { uid: 'a/b' }, { extra: 'x' }],
  netns: ['relative', '', 1, null, {}, 'x'.repeat(4097)],
  mtu: [0, 67, 65536, 1.5, '1500', null, -1],
  policy_group_id: ['', 'a b', 1, null, {}],
  valid_attachments: [
    'x',
    {},
    null,
    [1],
    [{ containerID: 'c' }],
    [{ containerID: 'a/b', ifname: 'eth0' }],
    [{ x: 1 }],
  ],
};

const ROUTE_FIELDS: Record<string, string[]> = {
  '/add': [
    'container_id',
    'ifname',
    'network_id',
    'subnet_id',
    'security_group_ids',
    'mac',
    'ips',
    'pod',
    'netns',
    'mtu',
    'policy_group_id',
  ],
  '/del': ['container_id', 'ifname', 'network_id'],
  '/check': ['container_id', 'ifname', 'network_id', 'mac', 'ips'],
  '/gc': ['network_id', 'valid_attachments'],
};
const REQUIRED: Record<string, string[]> = {
  '/add': ['container_id', 'ifname', 'network_id'],
  '/del': ['container_id', 'ifname', 'network_id'],
  '/check': ['container_id', 'ifname', 'network_id'],
  '/gc': ['network_id', 'valid_attachments'],
};

function valid(route: string, netId: string): Record<string, unknown> {
  const key = { container_id: 'fuzz0123456789', ifname: 'eth0', network_id: netId };
  if (route === '/gc') return { network_id: netId, valid_attachments: [] };
  return { ...key };
}

type Case = { path: string; method?: string; raw?: string | Buffer; body?: unknown; garbage?: Buffer };

function makeCase(r: () => number, i: number): Case {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const route = pick(Object.keys(ROUTE_FIELDS));
  const base = valid(route, t.networkId);
  const kind = i % 10;
  if (kind <= 4) {
    // one or more fields with a value they must refuse
    const n = 1 + Math.floor(r() * 3);
    const body = { ...base };
    for (let k = 0; k < n; k++) {
      const f = pick(ROUTE_FIELDS[route]!);
      body[f] = pick(BAD[f]!);
    }
    return { path: route, body };
  }
  if (kind === 5) {
    const body = { ...base };
    if (r() < 0.5) delete body[pick(REQUIRED[route]!)];
    else body[pick(['extra', 'Container_id', '__proto__x', 'port_id', 'binding:host_id'])] = 'x';
    return { path: route, body };
  }
  if (kind === 6) {
    const text = JSON.stringify(base);
    const cut = Math.floor(r() * text.length);
    const raws = [
      text.slice(0, cut),
      `${text}}`,
      text.replace(/"/g, "'"),
      '[',
      'null',
      '"x"',
      '42',
      '[]',
      '\u0000',
    ];
    return { path: route, raw: pick(raws) };
  }
  if (kind === 7) {
    const which = pick(['route', 'method', 'query']);
    if (which === 'route')
      return { path: pick(['/', '/ADD', '/add/x', '/ports', '/../add', '/healthz', '/%00']), body: base };
    if (which === 'method')
      return { path: route, method: pick(['GET', 'PUT', 'DELETE', 'PATCH']), body: base };
    return { path: `${route}?x=1`, body: { ...base, network_id: pick(BAD.network_id!) } };
  }
  if (kind === 8) {
    // nested junk and odd JSON values in place of the whole body
    return { path: route, body: pick([[], [base], 'body', 0, true, { body: base }]) };
  }
  // bytes that are not HTTP, or an oversized body
  if (r() < 0.9) {
    const len = 1 + Math.floor(r() * 200);
    const bytes = Buffer.from(Array.from({ length: len }, () => Math.floor(r() * 256)));
    return { path: route, garbage: Buffer.concat([bytes, Buffer.from('\r\n\r\n')]) };
  }
  return { path: route, raw: `{"pad":"${'x'.repeat(300 * 1024)}"}` };
}

/** Raw bytes on a connection: the status line and the body of the answer. */
function rawExchange(
  socket: string,
  bytes: Buffer,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const c = connect(socket);
    let text = '';
    c.on('data', (x) => {
      text += x;
    });
    c.on('error', reject);
    c.on('close', () => {
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      const at = text.indexOf('\r\n\r\n');
      try {
        resolve({ status: m ? Number(m[1]) : 0, body: JSON.parse(text.slice(at + 4)) });
      } catch {
        reject(new Error(`no DaemonError for garbage: ${JSON.stringify(text)}`));
      }
    });
    c.end(bytes);
  });
}

async function portsOfNode(): Promise<string[]> {
  const out: string[] = [];
  for await (const p of ports.list(t.net, { tags: [`osnet-cni-node=${d.node}`], network_id: t.networkId }))
    out.push(p.id);
  return out;
}

it(`${CASES} malformed requests: each a DaemonError with a CNI code, no crash, no port`, {
  timeout: 600_000,
}, async () => {
  const before = await portsOfNode();
  const onNetwork = (await t.ports()).filter((p) => !p.device_owner.startsWith('network:')).length;
  const r = rng(SEED);
  const seen = new Map<string, number>();
  for (let i = 0; i < CASES; i++) {
    const c = makeCase(r, i);
    const where = `seed ${SEED} case ${i}: ${c.method ?? 'POST'} ${c.path} ${JSON.stringify(c.body ?? c.raw ?? c.garbage?.toString('hex'))?.slice(0, 200)}`;
    const a = c.garbage
      ? await rawExchange(d.socket, c.garbage)
      : await call(d.socket, c.path, c.body, {
          ...(c.method ? { method: c.method } : {}),
          ...(c.raw !== undefined ? { raw: c.raw } : {}),
        });
    assert.ok(a.status >= 400, `${where}: answered ${a.status} ${JSON.stringify(a.body)}`);
    assert.match(String(a.body.code), /^OSNET_ERR_[A-Z_]+$/, where);
    assert.equal(typeof a.body.message, 'string', where);
    const cni = Number(a.body.cni);
    assert.ok(CNI_CODES.has(cni) || cni >= 100, `${where}: cni ${a.body.cni}`);
    assert.notEqual(a.body.code, 'OSNET_ERR_INTERNAL', `${where}: ${a.body.message}`);
    seen.set(String(a.body.code), (seen.get(String(a.body.code)) ?? 0) + 1);
  }
  assert.equal(d.child.exitCode, null, 'the daemon still runs');
  assert.equal((await call(d.socket, '/status', undefined, { method: 'GET' })).status, 200);
  assert.deepEqual(await portsOfNode(), before, 'no port tagged for the node was made');
  assert.equal((await t.ports()).filter((p) => !p.device_owner.startsWith('network:')).length, onNetwork);
  // the mix reached every kind of refusal
  for (const code of ['OSNET_ERR_VALIDATION', 'OSNET_ERR_UNSUPPORTED', 'OSNET_ERR_DECODE'])
    assert.ok((seen.get(code) ?? 0) > 0, `${code} seen: ${JSON.stringify([...seen])}`);
});
