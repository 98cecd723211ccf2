// syncOnce against a temp root with the networkd format and no tool run (--root other than /, no
// --reconfigure): which source a sync reads, and what the root's lock covers.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { silentLogger } from '../lib/log.ts';
import { type AgentOptions, bootSyncedPath, syncOnce } from './agent.ts';

const MAC = 'fa:16:3e:ed:9a:59';
const NEW_MAC = 'fa:16:3e:ed:9a:60';

function networkData(address: string, macs = [MAC]): unknown {
  return {
    links: macs.map((m, i) => ({ id: `l${i}`, type: 'physical', ethernet_mac_address: m, mtu: 1450 })),
    networks: macs.map((_, i) => ({
      id: `n${i}`,
      link: `l${i}`,
      type: 'ipv4',
      ip_address: i === 0 ? address : `10.9.${i}.10`,
      netmask: '255.255.255.0',
    })),
    services: [],
  };
}

let dir: string;
let server: Server;
let metadataUrl: string;
let metadata: unknown = networkData('10.9.0.20');
let requests = 0;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osg-agent-'));
  server = createServer((_req, res) => {
    requests++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(metadata));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  metadataUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/network_data.json`;
});

after(async () => {
  server.close();
  await rm(dir, { recursive: true, force: true });
});

async function setup(name: string): Promise<{ root: string; opts: AgentOptions }> {
  const root = join(dir, name);
  const drive = join(root, 'config-drive');
  await mkdir(join(drive, 'openstack/latest'), { recursive: true });
  await writeFile(
    join(drive, 'openstack/latest/network_data.json'),
    JSON.stringify(networkData('10.9.0.10')),
  );
  const opts: AgentOptions = {
    source: { source: 'auto', configDrive: { dir: drive }, metadata: { url: metadataUrl, attempts: 1 } },
    format: 'networkd',
    root,
    log: silentLogger,
    macMap: new Map([
      [MAC, 'ens3'],
      [NEW_MAC, 'ens7'],
    ]),
    reconfigure: false,
    verify: false,
  };
  return { root, opts };
}

const nicFile = (root: string) => readFile(join(root, 'etc/systemd/network/50-osnet-ens3.network'), 'utf8');

test('auto: the first sync of a boot reads the config drive, later syncs the metadata service', async () => {
  const { root, opts } = await setup('boot');
  metadata = networkData('10.9.0.20');
  await syncOnce(opts);
  assert.match(await nicFile(root), /Address=10\.9\.0\.10\/24/, 'first boot: the config drive');
  // Nova never rewrites the drive: a later sync (a hot-add, the service restarting) must see the
  // metadata service's current list.
  const before = requests;
  await syncOnce(opts);
  assert.ok(requests > before, 'the second sync asked the metadata service');
  assert.match(await nicFile(root), /Address=10\.9\.0\.20\/24/);
  // A reboot clears run/: the drive again.
  await rm(bootSyncedPath(root));
  await syncOnce(opts);
  assert.match(await nicFile(root), /Address=10\.9\.0\.10\/24/);
});

test('a sync waiting for the metadata does not hold the lock', async () => {
  const { root, opts } = await setup('lock');
  await syncOnce(opts);
  metadata = networkData('10.9.0.20');
  // An add event for a NIC the metadata does not list: this sync polls for up to 3 s.
  const waiting = syncOnce(opts, {
    events: [{ action: 'add', ifname: 'ens7', mac: NEW_MAC }],
    waitMs: 3000,
    pollMs: 100,
  });
  await new Promise((r) => setTimeout(r, 300));
  const t0 = Date.now();
  const b64 = Buffer.from(JSON.stringify(networkData('10.9.0.30'))).toString('base64');
  await syncOnce({ ...opts, source: { b64 } });
  const took = Date.now() - t0;
  assert.ok(took < 1500, `apply --b64 took ${took} ms while another sync waited for the metadata`);
  assert.match(await nicFile(root), /Address=10\.9\.0\.30\/24/);
  metadata = networkData('10.9.0.20', [MAC, NEW_MAC]);
  await waiting;
  assert.match(
    await nicFile(root),
    /Address=10\.9\.0\.20\/24/,
    'the waiting sync applied what it waited for',
  );
});
