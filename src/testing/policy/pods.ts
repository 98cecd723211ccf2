/**
 * "Pods" for the end-to-end policy tests (tests only): a network namespace attached by the real CNI path
 * (openstack-port-cni → openstack-port-daemon → osnet-ovs → OVN), a TCP listener inside it, and a TCP probe
 * from one pod to another.
 *
 * @example
 *   const a = await attachPod({ ... policyGroup: 'app-a' });
 *   await a.listen(8080);
 *   await canConnect(b, a.ip, 8080); // true | false
 *   await a.remove();
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runCni } from '../cni/run.ts';

export interface PodOptions {
  name: string;
  networkId: string;
  /** The daemon's socket. */
  socket: string;
  /** openstack-port-cni and osnet-ovs (CNI_PATH). */
  pluginDir: string;
  ovsdb: string;
  cacheDir: string;
  policyGroup: string;
}

export interface Pod {
  netns: string;
  ip: string;
  /** A TCP server on `port` in the pod, answering "ok" (a probe's reset never stops it). */
  listen(port: number): Promise<void>;
  /** CNI DEL, the listener killed, the namespace removed. */
  remove(): Promise<void>;
}

export async function attachPod(o: PodOptions): Promise<Pod> {
  const netns = o.name;
  execFileSync('ip', ['netns', 'add', netns]);
  const conf = {
    cniVersion: '1.1.0',
    name: 'osnet-policy-e2e',
    type: 'openstack-port-cni',
    network_id: o.networkId,
    delegate_plugin: 'osnet-ovs',
    bridge: 'br-int',
    socket_file: o.ovsdb,
    socket_path: o.socket,
    delegate: { tx_offload: false },
    runtimeConfig: { policy_group_id: o.policyGroup },
  };
  const call = (command: string) => ({
    command,
    containerId: `osnet-pe2e-${netns}`,
    netns: `/run/netns/${netns}`,
    ifname: 'eth0',
    path: `${o.pluginDir}:/usr/lib/cni`,
    env: { OSNET_CNI_CACHE_DIR: o.cacheDir },
  });
  const servers: ChildProcess[] = [];
  const remove = async () => {
    for (const s of servers) s.kill('SIGKILL');
    const { runtimeConfig: _, ...delConf } = conf;
    await runCni(join(o.pluginDir, 'openstack-port-cni'), call('DEL'), delConf);
    spawnSync('ip', ['netns', 'del', netns]);
  };
  const add = await runCni(join(o.pluginDir, 'openstack-port-cni'), call('ADD'), conf);
  if (add.code !== 0) {
    await remove();
    throw new Error(`CNI ADD of ${netns} failed: ${add.stdout}${add.stderr}`);
  }
  const ip = String((add.json as { ips: { address: string }[] }).ips[0]!.address).split('/')[0]!;
  return {
    netns,
    ip,
    async listen(port) {
      const s = spawn(
        'ip',
        [
          'netns',
          'exec',
          netns,
          process.execPath,
          '-e',
          `require('node:net').createServer((c) => { c.on('error', () => {}); c.end('ok'); }).listen(${port}, () => console.log('up'))`,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      servers.push(s);
      await new Promise<void>((resolve, reject) => {
        s.stdout!.once('data', () => resolve());
        s.once('exit', (code) => reject(new Error(`listener in ${netns} exited ${code}`)));
      });
    },
    remove,
  };
}

/** Whether a TCP connection from `from` to ip:port opens within `timeoutS` (a dropped SYN: false). */
export function canConnect(from: Pod, ip: string, port: number, timeoutS = 2): boolean {
  const r = spawnSync('ip', [
    'netns',
    'exec',
    from.netns,
    'timeout',
    String(timeoutS),
    'bash',
    '-c',
    `exec 3<>/dev/tcp/${ip}/${port}`,
  ]);
  return r.status === 0;
}

/** Whether `from` resolved ip's MAC (ARP passes port security, not security groups: the path is up). */
export function neighbourKnown(from: Pod, ip: string): boolean {
  const out = spawnSync('ip', ['-n', from.netns, '-j', 'neigh', 'show', ip], { encoding: 'utf8' }).stdout;
  const n = (JSON.parse(out || '[]') as { state?: string[]; lladdr?: string }[])[0];
  return Boolean(n?.lladdr) && !n?.state?.includes('FAILED');
}

/** Polls `probe` until it returns `want` (every 0.5 s, up to `timeoutMs`); the last value. */
export async function until(probe: () => boolean, want: boolean, timeoutMs = 60_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  let v = probe();
  while (v !== want && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 500));
    v = probe();
  }
  return v;
}
