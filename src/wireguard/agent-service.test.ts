// Integration (lab): osnet-wg-agent as a service: passes every --interval, /readyz and /metrics on a unix
// socket, a graceful stop on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { LAB_CLOUDS, REPO_ROOT } from '../testing/openstack/lab.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osnet-wg-svc-'));
});
after(() => rm(dir, { recursive: true, force: true }));

function get(socketPath: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        body += d.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the agent passes on its interval, reports ready and its metrics, and stops on SIGTERM with 0', async () => {
  const sock = join(dir, 'agent.sock');
  const child = spawn(
    process.execPath,
    [
      join(REPO_ROOT, 'src', 'cmd', 'osnet-wg-agent.ts'),
      '--os-cloud',
      'lab-admin',
      '--host',
      `wgsvc-${process.pid}`,
      '--state-dir',
      join(dir, 'state'),
      '--endpoint-address',
      '192.0.2.1',
      '--interval',
      '1',
      '--listen',
      `unix:${sock}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, OS_CLIENT_CONFIG_FILE: LAB_CLOUDS } },
  );
  let err = '';
  child.stderr.on('data', (b: Buffer) => {
    err += b.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  try {
    let passes = 0;
    for (let i = 0; passes < 2; i++) {
      assert.ok(i < 300, `two passes within 30 s; stderr: ${err}`);
      await new Promise((r) => setTimeout(r, 100));
      const m = await get(sock, '/metrics').catch(() => undefined);
      passes = Number(/osnet_wg_passes_total\{result="ok"\} (\d+)/.exec(m?.body ?? '')?.[1] ?? 0);
    }
    assert.equal((await get(sock, '/readyz')).status, 200);
    assert.match((await get(sock, '/metrics')).body, /osnet_wg_writes_total\{target="neutron"\} 0/);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, err);
});
