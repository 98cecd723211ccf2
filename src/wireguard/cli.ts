/**
 * `osnet wg ...`: hubs and spokes over the Foundation client. Registered on the osnet program by
 * src/cmd/osnet.ts; every command opens the cloud named by the root `--os-cloud` (or OS_CLOUD / OS_*).
 *
 * @example
 *   osnet wg hub create --host net-1 --subnet <mesh-v4> --subnet <mesh-v6>
 *   osnet wg spoke create --public-key <key> --peer <hub> --keepalive 25
 *   osnet wg export <spoke> --private-key-file dev.key --png spoke.png
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Port } from '../openstack/networking/v2/ports/results.ts';
import './error-codes.ts';

async function withNet<T>(
  program: Command,
  fn: (net: import('../openstack/client/service-client.ts').ServiceClient) => Promise<T>,
): Promise<T> {
  const { openCloud } = await import('../openstack/client/cloud.ts');
  const { osCloud } = program.opts<{ osCloud?: string }>();
  const cloud = await openCloud(osCloud ? { cloud: osCloud } : {});
  try {
    return await fn(await cloud.network());
  } finally {
    await cloud.close();
  }
}

const collectList = (v: string, prev: string[] = []) => [...prev, v];

function summary(p: Port): Record<string, unknown> {
  const prof = p['binding:profile'] ?? {};
  return {
    id: p.id,
    kind: p.device_owner.split(':').pop(),
    name: p.name,
    project_id: p.project_id,
    network_id: p.network_id,
    fixed_ips: p.fixed_ips.map((f) => f.ip_address),
    ...(p['binding:host_id'] ? { host: p['binding:host_id'] } : {}),
    ...prof,
  };
}

function print(p: Port, json?: boolean): void {
  const s = summary(p);
  if (json) console.log(JSON.stringify(s, null, 2));
  else
    for (const [k, v] of Object.entries(s))
      console.log(`${k.padEnd(22)} ${typeof v === 'string' ? v : JSON.stringify(v)}`);
}

async function keyFile(file: string | undefined): Promise<string | undefined> {
  return file === undefined ? undefined : (await readFile(file, 'utf8')).trim();
}

export function registerWireguard(program: Command): void {
  const wg = program.command('wg').description('remote devices on Neutron over WireGuard (hubs and spokes)');

  const mesh = wg.command('mesh').description('networks set aside for the mesh');
  mesh
    .command('create <name>')
    .description('a network with one subnet per IP version, tagged wg-mesh (no gateway, no DHCP)')
    .requiredOption('--cidr <prefix>', 'subnet prefix (repeat for IPv4 and IPv6)', collectList)
    .option('--project <id>', 'create in this project (admin)')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { cidr: string[]; project?: string; json?: boolean }) => {
      const { createMesh } = await import('./neutron.ts');
      const m = await withNet(program, (net) => createMesh(net, name, o.cidr, o.project));
      console.log(
        o.json ? JSON.stringify(m, null, 2) : `network ${m.networkId}\nsubnets ${m.subnetIds.join(' ')}`,
      );
    });

  mesh
    .command('delete <network>')
    .description('delete a mesh network (its hubs and spokes first)')
    .action(async (id: string) => {
      const { deleteMesh } = await import('./neutron.ts');
      await withNet(program, (net) => deleteMesh(net, id));
    });

  const hub = wg.command('hub').description('hub ports (a WireGuard interface on a network host)');
  hub
    .command('create')
    .description('create a hub on a network host, on mesh subnets (tagged wg-mesh)')
    .requiredOption('--host <name>', 'network host whose osnet-wg-agent runs the hub (binding:host_id)')
    .requiredOption('--subnet <id>', 'mesh subnet (repeat for IPv4 and IPv6)', collectList)
    .option('--ip <address>', 'fixed address on one of the subnets (repeatable)', collectList)
    .option('--name <name>', 'port name')
    .option('--project <id>', 'create in this project (admin)')
    .option('--json', 'print JSON')
    .action(
      async (o: {
        host: string;
        subnet: string[];
        ip?: string[];
        name?: string;
        project?: string;
        json?: boolean;
      }) => {
        const { createHub } = await import('./neutron.ts');
        const p = await withNet(program, (net) =>
          createHub(net, { host: o.host, subnets: o.subnet, ips: o.ip, name: o.name, projectId: o.project }),
        );
        print(p, o.json);
      },
    );

  const spoke = wg.command('spoke').description('spoke ports (a remote device)');
  spoke
    .command('create')
    .description("create a spoke: a device's public key and the hubs it connects to")
    .requiredOption('--public-key <key>', "the device's WireGuard public key (base64)")
    .requiredOption('--peer <hub>', 'hub port id (repeatable)', collectList)
    .option('--endpoint <host:port>', "the device's stable endpoint, if it has one ([v6]:port for IPv6)")
    .option('--keepalive <seconds>', 'persistent keepalive')
    .option(
      '--psk-ref <file:/path>',
      'preshared key: a file on the network host (only the reference is stored)',
    )
    .option('--allowed-ip <prefix>', 'extra prefix routed to the device (repeatable)', collectList)
    .option('--ip <address>', "fixed address on a hub's subnet (repeatable)", collectList)
    .option('--name <name>', 'port name')
    .option('--project <id>', 'create in this project (admin)')
    .option('--json', 'print JSON')
    .action(
      async (o: {
        publicKey: string;
        peer: string[];
        endpoint?: string;
        keepalive?: string;
        pskRef?: string;
        allowedIp?: string[];
        ip?: string[];
        name?: string;
        project?: string;
        json?: boolean;
      }) => {
        const { createSpoke, parseSpokeOptions } = await import('./neutron.ts');
        const extra = parseSpokeOptions(o);
        const p = await withNet(program, (net) =>
          createSpoke(net, {
            publicKey: o.publicKey,
            peers: o.peer,
            endpoint: o.endpoint,
            ...extra,
            allowedIps: o.allowedIp,
            ips: o.ip,
            name: o.name,
            projectId: o.project,
          }),
        );
        print(p, o.json);
      },
    );

  wg.command('list')
    .description('hubs and spokes')
    .option('--project <id>', 'only this project')
    .option('--json', 'print JSON')
    .action(async (o: { project?: string; json?: boolean }) => {
      const { listTunnels } = await import('./neutron.ts');
      const { hubs, spokes } = await withNet(program, (net) => listTunnels(net, o.project));
      const all = [...hubs, ...spokes].map(summary);
      if (o.json) return console.log(JSON.stringify(all, null, 2));
      for (const s of all)
        console.log(
          [
            s.id,
            String(s.kind).padEnd(5),
            (s.fixed_ips as string[]).join(','),
            s.host ?? (s.peers as string[] | undefined)?.join(',') ?? '',
          ].join('  '),
        );
    });

  wg.command('show <port>')
    .description('one hub or spoke')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const { getTunnelPort } = await import('./neutron.ts');
      print(await withNet(program, (net) => getTunnelPort(net, id)), o.json);
    });

  wg.command('delete <port>')
    .description('delete a hub or spoke (a hub with spokes needs --force)')
    .option('--force', 'delete a hub even though spokes still peer with it')
    .action(async (id: string, o: { force?: boolean }) => {
      const { deleteTunnel } = await import('./neutron.ts');
      await withNet(program, (net) => deleteTunnel(net, id, o.force));
    });

  wg.command('status [hub]')
    .description("each spoke's tunnel as its hub's agent last reported it (up/down, latest handshake, bytes)")
    .option('--json', 'print JSON')
    .action(async (hubId: string | undefined, o: { json?: boolean }) => {
      const { listTunnels, spokesOf } = await import('./neutron.ts');
      const { STATUS_KEY } = await import('./model.ts');
      const spokes = await withNet(program, async (net) =>
        hubId ? spokesOf(net, hubId) : (await listTunnels(net)).spokes,
      );
      const now = Date.now() / 1000;
      const rows = spokes.flatMap((s) =>
        Object.entries(
          (s['binding:profile']?.[STATUS_KEY] ?? {}) as Record<string, Record<string, number | boolean>>,
        )
          .filter(([h]) => !hubId || h === hubId)
          .map(([h, st]) => ({ spoke: s.id, hub: h, ...st }) as Record<string, number | boolean | string>),
      );
      if (o.json) return console.log(JSON.stringify(rows, null, 2));
      for (const r of rows) {
        const hs = Number(r.latest_handshake ?? 0);
        console.log(
          `${r.spoke}  hub ${r.hub}  ${r.up ? 'up  ' : 'down'}  handshake ${hs ? `${Math.round(now - hs)} s ago` : 'never'}  rx ${r.rx_bytes ?? 0} tx ${r.tx_bytes ?? 0}`,
        );
      }
    });

  wg.command('rotate <hub>')
    .description('a new hub key; spokes on the old one keep working for the overlap, then it is retired')
    .option('--overlap <seconds>', 'how long the old key keeps working', '86400')
    .action(async (id: string, o: { overlap: string }) => {
      const { rotateHub } = await import('./neutron.ts');
      const n = /^[0-9]+$/.test(o.overlap) ? Number(o.overlap) : Number.NaN;
      await withNet(program, (net) => rotateHub(net, id, n));
      console.log(
        `hub ${id}: rotation requested; its agent starts it on its next pass. Re-export the spokes' configs.`,
      );
    });

  wg.command('export <spoke>')
    .description('a wg-quick config for the device, and its QR code')
    .option(
      '--private-key-file <file>',
      "the device's private key, to put in the config (else a placeholder)",
    )
    .option('--psk-file <file>', 'the preshared key (else read from the spoke reference when readable)')
    .option('--qr', 'also print the config as a QR code')
    .option('--png <file>', 'also write the QR code as a PNG')
    .action(
      async (id: string, o: { privateKeyFile?: string; pskFile?: string; qr?: boolean; png?: string }) => {
        const { exportSpoke, qrTerminal, writeQrPng } = await import('./export.ts');
        const privateKey = await keyFile(o.privateKeyFile);
        const presharedKey = await keyFile(o.pskFile);
        const conf = await withNet(program, (net) => exportSpoke(net, id, { privateKey, presharedKey }));
        process.stdout.write(conf);
        if (o.qr) process.stdout.write(await qrTerminal(conf));
        if (o.png) await writeQrPng(o.png, conf);
      },
    );
}
