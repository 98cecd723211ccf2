// osnet-policy-server as a process, bundled exactly like dist/bin (scripts/build-options.ts) into a temp
// dir so a stale dist/bin is never what runs: real store file, real Keystone (lab), real mTLS (curl),
// SIGTERM, and a restart on the same --state-dir that keeps everything.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { entryOptions } from '../../scripts/build-options.ts';
import { LAB_CLOUDS, labCloud, REPO_ROOT, testName } from '../testing/openstack/lab.ts';
import { curl } from '../testing/policy/curl.ts';
import { type ServiceProcess, spawnService } from '../testing/service/process.ts';

const run = promisify(execFile);

describe('osnet-policy-server (process)', () => {
  let dir: string;
  let bin: string;
  let token: string;
  const certs = (f: string) => join(dir, 'certs', f);

  function start(extra: string[] = []): ServiceProcess {
    return spawnService(
      [
        bin,
        '--state-dir',
        join(dir, 'state'),
        '--internal-listen',
        '127.0.0.1:0',
        '--external-listen',
        '127.0.0.1:0',
        '--health-listen',
        '127.0.0.1:0',
        '--ca',
        certs('ca.crt'),
        '--cert',
        certs('server.crt'),
        '--key',
        certs('server.key'),
        '--os-cloud',
        'lab-admin',
        ...extra,
      ],
      { env: { ...process.env, OS_CLIENT_CONFIG_FILE: LAB_CLOUDS } },
    );
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'osnet-policy-cli-'));
    bin = join(dir, 'osnet-policy-server');
    await build(entryOptions('osnet-policy-server', join(REPO_ROOT, 'src/cmd/osnet-policy-server.ts'), bin));
    await chmod(bin, 0o755);
    await run(process.execPath, [
      join(REPO_ROOT, 'src/cmd/osnet.ts'),
      'policy',
      'certs',
      '--out',
      join(dir, 'certs'),
    ]);
    const demo = await labCloud('lab-demo');
    token = (await demo.token()).value;
    await demo.close();
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('serves both APIs, health and metrics; SIGTERM exits 0; a restart on the same state dir keeps everything', async () => {
    const [src, dst] = [testName('cli-src'), testName('cli-dst')];
    const mtls = ['--cacert', certs('ca.crt'), '--cert', certs('client.crt'), '--key', certs('client.key')];
    const internal = async (p: ServiceProcess) =>
      JSON.parse(
        (
          await curl([
            ...mtls,
            `https://${await p.addr('internal')}/networking/v1/internal/policies?id=${src}`,
          ])
        ).body,
      );

    const first = start();
    let afterFirst: unknown;
    try {
      const ext = await first.addr('external');
      const res = await fetch(`http://${ext}/networking/v1/external/policies`, {
        method: 'POST',
        headers: { 'x-auth-token': token, 'content-type': 'application/json' },
        body: JSON.stringify({
          policies: [
            {
              source: { id: src },
              destination: { id: dst, protocol: 'tcp', ports: { start: 8080, end: 8081 } },
            },
          ],
        }),
      });
      assert.equal(res.status, 200, await res.text());
      afterFirst = await internal(first);
      assert.equal((afterFirst as { total_policies: number }).total_policies, 1);

      const health = await curl([`http://${await first.addr('health')}/health`]);
      assert.deepEqual([health.status, JSON.parse(health.body)], [200, { status: 'ok' }]);
      const metrics = (await curl([`http://${await first.addr('health')}/metrics`])).body;
      assert.match(metrics, /^osnet_policy_policies 1$/m);
      assert.match(
        metrics,
        /osnet_http_requests_total\{server="external",route="\/networking\/v1\/external\/policies",method="POST",status="200"\} 1/,
      );
      assert.match(metrics, /osnet_http_request_duration_seconds_count\{server="internal"/);
      assert.ok(!first.log().includes(token), 'the token never reaches the log');

      first.child.kill('SIGTERM');
      assert.equal(await first.exited, 0, first.log());
    } finally {
      first.child.kill('SIGKILL');
    }

    const second = start();
    try {
      assert.deepEqual(await internal(second), afterFirst, 'same policies, same tags after a restart');
      second.child.kill('SIGTERM');
      assert.equal(await second.exited, 0, second.log());
    } finally {
      second.child.kill('SIGKILL');
    }
  });

  it('refuses to start without the internal certificates, or with plain HTTP off loopback, naming the flag', async () => {
    const noCa = spawnService([bin, '--state-dir', join(dir, 'state2')]);
    assert.equal(await noCa.exited, 78);
    assert.match(noCa.log(), /OSNET_ERR_CONFIG: --ca is required/);

    const open = start(['--external-listen', '0.0.0.0:0']);
    assert.equal(await open.exited, 78, open.log());
    assert.match(open.log(), /plain HTTP carries Keystone tokens/);
  });
});
