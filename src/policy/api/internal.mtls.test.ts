// The internal API over real mutual TLS, with curl as the client and certificates made by `osnet policy
// certs`; the answers are compared with seed 003's examples (fixtures/, copied from the seed). On both
// stores: the tags and the answers must not depend on which one runs.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../testing/openstack/lab.ts';
import { curl } from '../../testing/policy/curl.ts';
import { startInProcessPolicyServer } from '../../testing/policy/in-process.ts';
import { describeStores } from '../../testing/store/stores.ts';
import type { PolicyRepo } from '../model.ts';
import type { PolicyServer } from '../server.ts';
import { openPolicyRepo } from '../store/index.ts';

const run = promisify(execFile);
const fixture = async (name: string) =>
  JSON.parse(await readFile(join(import.meta.dirname, 'fixtures', name), 'utf8')) as {
    policies: {
      source: { id: string; tag: string };
      destination: { id: string; port: number; protocol: 'tcp' | 'udp'; tag: string };
    }[];
  };
const byIds = (a: { source: { id: string }; destination: { id: string } }, b: typeof a) =>
  `${a.source.id}>${a.destination.id}`.localeCompare(`${b.source.id}>${b.destination.id}`);

/** The seed's groups in the order their tags were given (0001, 0002, ...), and its policies. */
async function loadSeed(repo: PolicyRepo): Promise<void> {
  const all = await fixture('seed-003-v0-all.json');
  const filtered = await fixture('seed-003-v0-filtered.json');
  const groups = new Map<string, string>();
  for (const p of [...all.policies, ...filtered.policies]) {
    groups.set(p.source.tag, p.source.id);
    groups.set(p.destination.tag, p.destination.id);
  }
  const ordered = [...groups].sort(([a], [b]) => a.localeCompare(b));
  const made = await repo.ensureGroups(
    ordered.map(([, id]) => id),
    null,
  );
  assert.deepEqual(
    made.map((g) => g.tag),
    ordered.map(([t]) => t),
    'tags are given in order from 0001',
  );
  await repo.createPolicies(
    all.policies.map((p) => ({
      source: p.source.id,
      destination: p.destination.id,
      protocol: p.destination.protocol,
      ports: { start: p.destination.port, end: p.destination.port },
    })),
  );
}

describeStores('internal API over mutual TLS (curl)', (ctx) => {
  let dir: string;
  let t: { repo: PolicyRepo };
  let server: PolicyServer;
  let url: string;
  let good: string[];
  const c = (f: string) => join(dir, 'good', f);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'osnet-mtls-'));
    const osnet = join(REPO_ROOT, 'src/cmd/osnet.ts');
    await Promise.all(
      ['good', 'other'].map((d) => run(process.execPath, [osnet, 'policy', 'certs', '--out', join(dir, d)])),
    );
    t = { repo: await openPolicyRepo({ url: ctx.url }) };
    await loadSeed(t.repo);
    const pem = {
      ca: await readFile(c('ca.crt')),
      cert: await readFile(c('server.crt')),
      key: await readFile(c('server.key')),
    };
    ({ server, internalUrl: url } = await startInProcessPolicyServer({ repo: t.repo, pem }));
    good = ['--cacert', c('ca.crt'), '--cert', c('client.crt'), '--key', c('client.key')];
  });
  after(async () => {
    await server?.close();
    await t?.repo.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses: no client certificate, one from another CA, TLS 1.3 only, another TLS 1.2 cipher', async () => {
    const other = ['--cert', join(dir, 'other', 'client.crt'), '--key', join(dir, 'other', 'client.key')];
    const cases: [string, string[]][] = [
      ['no client certificate', ['--cacert', c('ca.crt')]],
      ['a client certificate of another CA', ['--cacert', c('ca.crt'), ...other]],
      ['TLS 1.3 only', [...good, '--tlsv1.3']],
      [
        'ECDHE-RSA-AES256-GCM-SHA384',
        [...good, '--tls-max', '1.2', '--ciphers', 'ECDHE-RSA-AES256-GCM-SHA384'],
      ],
    ];
    for (const [what, args] of cases) {
      const r = await curl([...args, `${url}/networking/v0/internal/policies`]);
      assert.notEqual(r.exit, 0, `${what}: refused`);
      assert.equal(r.status, undefined, `${what}: no HTTP answer (${r.stderr.trim()})`);
      assert.doesNotMatch(r.body, /policies/, what);
    }
  });

  it("the right certificate and cipher get seed 003's answer for all policies, in v0 shape", async () => {
    for (const extra of [[], ['--tls-max', '1.2', '--ciphers', 'ECDHE-RSA-AES128-GCM-SHA256']]) {
      const r = await curl([...good, ...extra, `${url}/networking/v0/internal/policies`]);
      assert.equal(r.status, 200, r.stderr);
      const body = JSON.parse(r.body);
      const want = await fixture('seed-003-v0-all.json');
      assert.deepEqual(Object.keys(body), ['policies'], 'v0 has policies only');
      assert.deepEqual(body.policies.sort(byIds), want.policies.sort(byIds));
    }
  });

  it('?id= filters on source or destination as in seed 003; v1 has ports{start,end} and the same policies', async () => {
    await t.repo.createPolicies([
      {
        source: '5351a742-6704-46df-8de0-1a376adab65c',
        destination: '5351a742-6704-46df-8de0-1a376adab65c',
        protocol: 'tcp',
        ports: { start: 5555, end: 5555 },
      },
    ]);
    const q = '?id=5351a742-6704-46df-8de0-1a376adab65c,d5bbc5ed-886a-44e6-945d-67df1013fa16';
    const v0 = await curl([...good, `${url}/networking/v0/internal/policies${q}`]);
    const want = await fixture('seed-003-v0-filtered.json');
    assert.deepEqual(JSON.parse(v0.body).policies.sort(byIds), want.policies.sort(byIds));

    const v1 = JSON.parse((await curl([...good, `${url}/networking/v1/internal/policies${q}`])).body);
    assert.equal(v1.total_policies, 2);
    const asV1 = want.policies.map(({ source, destination: { port, ...d } }) => ({
      source,
      destination: { ...d, ports: { start: port, end: port } },
    }));
    assert.deepEqual(v1.policies.sort(byIds), asV1.sort(byIds));

    const bad = await curl([...good, `${url}/networking/v1/internal/policies?id=a,%20,b%3Bc`]);
    assert.equal(bad.status, 400);
    assert.equal(JSON.parse(bad.body).error.field, 'query.id');
  });

  it('a range shows in v0 as its first port; ETag + If-None-Match answer 304 until the store changes', async () => {
    const v1url = `${url}/networking/v1/internal/policies?id=range-a`;
    const first = await curl([...good, v1url]);
    const etag = first.headers.etag!;
    assert.ok(etag, 'an ETag');
    const same = await curl([...good, '-H', `If-None-Match: ${etag}`, v1url]);
    assert.equal(same.status, 304);
    assert.equal(same.body, '');
    await t.repo.createPolicies([
      { source: 'range-b', destination: 'range-a', protocol: 'udp', ports: { start: 7000, end: 7010 } },
    ]);
    const changed = await curl([...good, '-H', `If-None-Match: ${etag}`, v1url]);
    assert.equal(changed.status, 200);
    assert.notEqual(changed.headers.etag, etag);
    assert.deepEqual(JSON.parse(changed.body).policies[0].destination.ports, { start: 7000, end: 7010 });
    const v0 = JSON.parse((await curl([...good, `${url}/networking/v0/internal/policies?id=range-a`])).body);
    assert.equal(v0.policies[0].destination.port, 7000);
    assert.equal(v0.policies[0].destination.protocol, 'udp');
    const other = await curl([
      ...good,
      '-H',
      `If-None-Match: ${changed.headers.etag}`,
      `${url}/networking/v1/internal/policies`,
    ]);
    assert.equal(other.status, 200, 'another query has another ETag');
  });

  it("PUT tags gets or creates a group's tag; policies_last_updated is epoch seconds", async () => {
    const put = (body: unknown) =>
      curl([
        ...good,
        '-X',
        'PUT',
        '-H',
        'content-type: application/json',
        '-d',
        JSON.stringify(body),
        `${url}/networking/v1/internal/tags`,
      ]);
    const a = await put({ id: 'tags-new-app', type: 'router' });
    assert.equal(a.status, 200, a.body);
    const ta = JSON.parse(a.body);
    assert.equal(ta.id, 'tags-new-app');
    assert.equal(ta.type, 'router');
    assert.match(ta.tag, /^[0-9a-f]{4}$/);
    assert.deepEqual(JSON.parse((await put({ id: 'tags-new-app' })).body), { ...ta, type: 'app' });
    const known = JSON.parse((await put({ id: '4a2d3627-0b8c-42d1-9563-22696eedc05d' })).body);
    assert.equal(known.tag, '0001');
    for (const [body, field] of [
      [{ id: '' }, 'body.id'],
      [{ id: 'x', extra: 1 }, 'body.extra'],
      [{}, 'body.id'],
    ] as const) {
      const bad = await put(body);
      assert.equal(bad.status, 400);
      assert.equal(JSON.parse(bad.body).error.field, field);
    }

    const last = await curl([...good, `${url}/networking/v1/internal/policies_last_updated`]);
    const n = JSON.parse(last.body);
    assert.equal(typeof n, 'number');
    assert.ok(Math.abs(n - Date.now() / 1000) < 600, `${n} is about now`);
  });
});
