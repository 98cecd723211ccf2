// The lab scripts against the running lab: status, a no-op second `up`, smoke, and an extra chassis.
// `down` is not tested here: every other test needs the lab (its figures are measured by hand, docs/lab.md).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type Cloud, openCloud } from '../../src/openstack/client/cloud.ts';
import type { ServiceClient } from '../../src/openstack/client/service-client.ts';

const run = promisify(execFile);
const HERE = import.meta.dirname;
const LAB = process.env.OSNET_LAB_DIR ?? '/var/lib/osnet-lab';
const NODE = 'test1';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Runs a lab script; never throws on a non-zero exit (the tests assert on it). */
async function script(name: string, ...args: string[]): Promise<Result> {
  const t = performance.now();
  try {
    const { stdout, stderr } = await run('bash', [join(HERE, name), ...args], { timeout: 300_000 });
    return { code: 0, stdout, stderr, seconds: (performance.now() - t) / 1000 };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof err.code === 'number' ? err.code : -1,
      stdout: err.stdout ?? '',
      stderr: err.stderr ?? String(e),
      seconds: (performance.now() - t) / 1000,
    };
  }
}

/** name -> pid of every PID file `up` wrote. */
async function pids(): Promise<Record<string, string>> {
  const dir = join(LAB, 'run');
  const out: Record<string, string> = {};
  for (const f of (await readdir(dir)).filter((n) => n.endsWith('.pid')).sort()) {
    out[f] = (await readFile(join(dir, f), 'utf8')).trim();
  }
  return out;
}

interface Agent {
  id: string;
  host: string;
  alive: boolean;
  agent_type: string;
}

describe('lab scripts', () => {
  let admin: Cloud;
  let net: ServiceClient;

  before(async () => {
    const up = await script('up');
    assert.equal(up.code, 0, `scripts/lab/up failed:\n${up.stderr}`);
    admin = await openCloud({
      cloud: 'lab-admin',
      env: { ...process.env, OS_CLIENT_CONFIG_FILE: join(LAB, 'clouds.yaml') },
    });
    net = await admin.network();
  });
  after(async () => {
    await script('node', 'del', NODE);
    await admin?.close();
  });

  it('status is green and lists every service alive', async () => {
    const s = await script('status');
    assert.equal(s.code, 0, s.stdout + s.stderr);
    for (const name of [
      'mysqld',
      'keystone',
      'ovsdb-server',
      'ovs-vswitchd',
      'ovsdb-nb',
      'ovsdb-sb',
      'ovn-northd',
      'ovn-controller',
      'neutron-server',
      'postgres',
    ]) {
      assert.match(
        s.stdout,
        new RegExp(`^${name}\\s+\\d+\\s+yes\\s+(?!NOT)`, 'm'),
        `${name} not alive in:\n${s.stdout}`,
      );
    }
    assert.match(s.stdout, /keystone-api\s+HTTP 200/);
    assert.match(s.stdout, /neutron-api\s+HTTP 200/);
    // the URL is shown with its password masked
    assert.match(s.stdout, /^postgres-db\s+ready postgres:\/\/osnet:\*\*\*@127\.0\.0\.1:\d+\/osnet /m);
  });

  it('up a second time is a no-op: nothing restarted, same PIDs', async (t) => {
    const beforePids = await pids();
    const again = await script('up');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /already up, nothing started/);
    assert.deepEqual(await pids(), beforePids);
    t.diagnostic(`no-op up took ${again.seconds.toFixed(2)} s`);
  });

  it('smoke passes', async (t) => {
    const s = await script('smoke');
    assert.equal(s.code, 0, s.stdout + s.stderr);
    assert.match(s.stdout, /SMOKE PASSED/);
    t.diagnostic(`smoke took ${s.seconds.toFixed(1)} s`);
  });

  it(`node add ${NODE} makes a chassis Neutron sees alive and binds ports to; node del removes it`, async (t) => {
    const add = await script('node', 'add', NODE);
    assert.equal(add.code, 0, add.stderr);
    t.diagnostic(`node add took ${add.seconds.toFixed(1)} s`);
    const { body } = await net.get<{ agents: Agent[] }>('agents', { query: { host: NODE } });
    assert.ok(body.agents.length > 0, 'Neutron lists an agent for the new chassis');
    assert.ok(
      body.agents.every((a) => a.alive),
      JSON.stringify(body.agents),
    );

    // a port bound to the new host is bound by OVN (vif_type ovs), not binding_failed
    const { body: n } = await net.post<{ network: { id: string } }>('networks', {
      body: { network: { name: `lab-test-${NODE}` } },
    });
    try {
      await net.post('subnets', {
        body: { subnet: { network_id: n.network.id, ip_version: 4, cidr: '10.251.7.0/24' } },
      });
      const { body: p } = await net.post<{ port: Record<string, unknown> }>('ports', {
        body: {
          port: { network_id: n.network.id, 'binding:host_id': NODE, device_owner: 'compute:lab-test' },
        },
      });
      assert.equal(p.port['binding:host_id'], NODE);
      assert.equal(p.port['binding:vif_type'], 'ovs');
      await net.delete(`ports/${p.port.id}`);
    } finally {
      await net.delete(`networks/${n.network.id}`);
    }

    const del = await script('node', 'del', NODE);
    assert.equal(del.code, 0, del.stderr);
    t.diagnostic(`node del took ${del.seconds.toFixed(1)} s`);
    const { body: gone } = await net.get<{ agents: Agent[] }>('agents', { query: { host: NODE } });
    assert.deepEqual(gone.agents, []);
    const { stdout: netns } = await run('ip', ['netns', 'list']);
    assert.ok(
      !netns.split('\n').some((l) => l.split(' ')[0] === `osnet-${NODE}`),
      `netns osnet-${NODE} left:\n${netns}`,
    );
    const { stdout: chassis } = await run('ovn-sbctl', [
      `--db=unix:${LAB}/run/ovn/ovnsb_db.sock`,
      '--bare',
      '--columns=name',
      'list',
      'Chassis',
    ]);
    assert.ok(!chassis.split('\n').includes(NODE), `chassis ${NODE} still in the SB:\n${chassis}`);
  });

  it('node refuses a bad name and an unknown command, naming the usage', async () => {
    const bad = await script('node', 'add', 'Bad_Name');
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /usage: scripts\/lab\/node add\|del NAME/);
    const unknown = await script('node', 'frob', 'x');
    assert.notEqual(unknown.code, 0);
  });
});
