import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// The single-executable build runs where there is no Node at all.
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SEA = join(repo, 'dist', 'bin', 'osnet-guest-sea');
/** A PATH with system tools but no node (the machine's /usr/bin has one). */
const NO_NODE_PATH = '/usr/sbin:/sbin';

test('the single executable validates, renders and installs itself with no node on PATH', async () => {
  // Always rebuilt (a few seconds) so the binary tested is the source tested.
  execFileSync(process.execPath, [join(repo, 'scripts', 'build-guest-sea.ts')], { stdio: 'ignore' });
  const env = { PATH: NO_NODE_PATH };
  assert.notEqual(
    spawnSync('sh', ['-c', 'command -v node'], { env }).status,
    0,
    'node must not be reachable',
  );
  const dir = await mkdtemp(join(tmpdir(), 'osg-sea-'));
  try {
    const nd = join(dir, 'nd.json');
    await writeFile(
      nd,
      JSON.stringify({
        links: [{ id: 'a', type: 'phy', ethernet_mac_address: 'fa:16:3e:60:00:01' }],
        networks: [{ id: 'n', link: 'a', type: 'ipv4', ip_address: '10.80.0.2/24' }],
      }),
    );
    const ok = spawnSync(SEA, ['validate', '--input', nd], { env, encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).valid, true);
    const bad = spawnSync(SEA, ['validate', '--b64', Buffer.from('{"links":{}}').toString('base64')], {
      env,
      encoding: 'utf8',
    });
    assert.equal(bad.status, 65);
    assert.match(bad.stderr, /\$\.links: must be an array/);
    const root = join(dir, 'root');
    const r = spawnSync(
      SEA,
      ['render', '--input', nd, '--format', 'netplan', '--root', root, '--mac-map', 'ens3=fa:16:3e:60:00:01'],
      {
        env,
        encoding: 'utf8',
      },
    );
    assert.equal(r.status, 0, r.stderr);
    // nothing on stderr: a code cache V8 rejects (made under other flags than the run's) warns here
    assert.equal(r.stderr, '');
    assert.ok(existsSync(join(root, 'etc/netplan')));
    // the metadata service over fetch: the flags the executable runs with must leave WebAssembly (undici's
    // HTTP parser) in place
    const body = readFileSync(nd);
    const server = createServer((_req, res) => res.end(body));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/openstack/latest/network_data.json`;
      const md = await new Promise<{ status: number | null; stdout: string; stderr: string }>((ok) => {
        const c = spawn(SEA, ['validate', '--source', 'metadata', '--metadata-url', url], { env });
        let stdout = '';
        let stderr = '';
        c.stdout.on('data', (d) => (stdout += d));
        c.stderr.on('data', (d) => (stderr += d));
        c.on('close', (status) => ok({ status, stdout, stderr }));
      });
      assert.equal(md.status, 0, md.stderr);
      assert.equal(JSON.parse(md.stdout).valid, true);
    } finally {
      server.close();
    }
    const inst = spawnSync(SEA, ['install', '--root', root, '--no-activate'], { env, encoding: 'utf8' });
    assert.equal(inst.status, 0, inst.stderr);
    const alias = spawnSync(join(root, 'usr/local/bin/openstack-networkd'), ['--version'], {
      env,
      encoding: 'utf8',
    });
    const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };
    assert.equal(alias.stdout.trim(), version, 'the installed copy runs under the seed name');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
