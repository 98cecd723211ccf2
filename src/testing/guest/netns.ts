/**
 * Test helpers: a throwaway network namespace (prefix `osg-`) with veth pairs whose MACs are fixed, so
 * tests can write network_data.json for them. Only used by tests; deleting the namespace deletes its links.
 *
 * @example
 *   const ns = await Netns.create('ipapply');
 *   await ns.addVeth('osg-a0', 'fa:16:3e:10:00:01');
 *   await ns.destroy();
 */
import { execFileSync, spawn } from 'node:child_process';

function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export class Netns {
  readonly name: string;

  private constructor(name: string) {
    this.name = name;
  }

  /**
   * Creates `<prefix>-<tag>-<pid>` (prefix `osg` unless a test suite owns another); a leftover of the same
   * name from a crashed run is removed first.
   */
  static async create(tag: string, prefix = 'osg'): Promise<Netns> {
    const name = `${prefix}-${tag}-${process.pid}`.slice(0, 30);
    try {
      ip(['netns', 'del', name]);
    } catch {
      // none left over
    }
    ip(['netns', 'add', name]);
    ip(['-n', name, 'link', 'set', 'lo', 'up']);
    return new Netns(name);
  }

  /** A veth pair `name` / `name`p inside the namespace, both up (so the NIC has carrier), TX offload off. */
  async addVeth(name: string, mac: string): Promise<void> {
    const peer = `${name}p`;
    ip(['-n', this.name, 'link', 'add', name, 'address', mac, 'type', 'veth', 'peer', 'name', peer]);
    ip(['-n', this.name, 'link', 'set', peer, 'up']);
    execFileSync('ip', ['netns', 'exec', this.name, 'ethtool', '-K', name, 'tx', 'off'], { stdio: 'ignore' });
  }

  /**
   * Records address and route events (`ip monitor`, one line each) until the returned function is called;
   * a NIC a daemon reconfigures shows up in them, one it leaves alone does not.
   */
  async monitor(): Promise<() => Promise<string[]>> {
    const child = spawn('ip', ['-n', this.name, '-o', 'monitor', 'address', 'route'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let text = '';
    child.stdout.on('data', (b: Buffer) => {
      text += b.toString();
    });
    const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
    // Give it time to subscribe before the caller changes anything.
    await new Promise((r) => setTimeout(r, 200));
    return async () => {
      // Events of the last change may still be in flight.
      await new Promise((r) => setTimeout(r, 300));
      child.kill();
      await closed;
      return text.split('\n').filter((l) => l.trim() !== '');
    };
  }

  /**
   * Moves the veth peer of `nic` into `other` with address `cidr`, so something outside this namespace
   * can talk to the NIC (see `ping`).
   */
  movePeer(nic: string, other: Netns, cidr: string): void {
    ip(['-n', this.name, 'link', 'set', `${nic}p`, 'netns', other.name]);
    other.ip(['addr', 'add', cidr, 'dev', `${nic}p`]);
    other.ip(['link', 'set', `${nic}p`, 'up']);
  }

  /**
   * Pings `target` from this namespace every 10 ms until the returned function is called, which says how
   * many echo requests went out and how many replies came back.
   */
  async ping(target: string): Promise<() => Promise<{ sent: number; received: number }>> {
    const child = spawn('ip', ['netns', 'exec', this.name, 'ping', '-n', '-i', '0.01', target], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let text = '';
    child.stdout.on('data', (b: Buffer) => {
      text += b.toString();
    });
    const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
    return async () => {
      // Replies to the last requests may still be on their way.
      await new Promise((r) => setTimeout(r, 200));
      child.kill('SIGINT');
      await closed;
      const m = /(\d+) packets transmitted, (\d+) received/.exec(text);
      if (!m) throw new Error(`no ping summary: ${text}`);
      return { sent: Number(m[1]), received: Number(m[2]) };
    };
  }

  delLink(name: string): void {
    ip(['-n', this.name, 'link', 'del', name]);
  }

  ip(args: string[]): string {
    return ip(['-n', this.name, ...args]);
  }

  /** `ip -j` output parsed. */
  json<T = unknown>(args: string[]): T {
    return JSON.parse(ip(['-n', this.name, '-j', ...args]) || '[]') as T;
  }

  /** Static global addresses of a NIC, sorted, `addr/prefix`. */
  addrs(dev: string): string[] {
    const [l] = this.json<{ addr_info: { local: string; prefixlen: number; scope: string }[] }[]>([
      'addr',
      'show',
      'dev',
      dev,
    ]);
    return (l?.addr_info ?? [])
      .filter((a) => a.scope === 'global')
      .map((a) => `${a.local}/${a.prefixlen}`)
      .sort();
  }

  mtu(dev: string): number {
    return this.json<{ mtu: number }[]>(['link', 'show', 'dev', dev])[0]!.mtu;
  }

  /** Every route of a NIC except kernel ones, as `dst via gw metric m proto p`, sorted. */
  routes(dev: string): string[] {
    const out: string[] = [];
    for (const fam of ['-4', '-6']) {
      for (const r of this.json<{ dst: string; gateway?: string; metric?: number; protocol?: string }[]>([
        fam,
        'route',
        'show',
        'dev',
        dev,
      ])) {
        if (r.protocol === 'kernel' || r.protocol === 'ra') continue;
        out.push(`${r.dst} via ${r.gateway ?? '-'} metric ${r.metric ?? 0} proto ${r.protocol ?? 'boot'}`);
      }
    }
    return out.sort();
  }

  /** Everything the tests compare, for all given NICs. */
  snapshot(devs: string[]): Record<string, { addrs: string[]; mtu: number; routes: string[] }> {
    return Object.fromEntries(
      devs.map((d) => [d, { addrs: this.addrs(d), mtu: this.mtu(d), routes: this.routes(d) }]),
    );
  }

  async destroy(): Promise<void> {
    try {
      ip(['netns', 'del', this.name]);
    } catch {
      // already gone
    }
  }
}
