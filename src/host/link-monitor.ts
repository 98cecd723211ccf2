/**
 * Kernel link events without udev: `ip -o monitor link` prints a line whenever a link appears, changes or
 * disappears (it works inside a network namespace too). Lines are only a trigger: the set of links is
 * re-read with `ip -j link show` and compared with the last one, so renames, bursts and our own MTU/up
 * changes (which also print lines) come out as the right add/remove events, or none.
 *
 * @example
 *   const mon = new LinkMonitor({ onEvent: (e) => console.log(e.action, e.ifname) });
 *   await mon.start();
 *   // ... later
 *   mon.stop();
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { listLinks } from './ip.ts';
import { ipArgv } from './netns.ts';

export interface LinkEvent {
  action: 'add' | 'remove';
  ifname: string;
  mac?: string;
  /** Kernel link kind (`veth`, `bond`, `vlan`, ...); absent for a hardware or virtio NIC. */
  kind?: string;
}

export interface LinkMonitorOptions {
  /** Network namespace to watch (a name or a path). */
  netns?: string;
  onEvent: (e: LinkEvent) => void;
  onError?: (err: Error) => void;
}

interface Known {
  mac?: string;
  kind?: string;
}

export class LinkMonitor {
  private readonly opts: LinkMonitorOptions;
  private child: ChildProcess | undefined;
  private known = new Map<string, Known>();
  private rescanning: Promise<void> | undefined;
  private again = false;

  constructor(opts: LinkMonitorOptions) {
    this.opts = opts;
  }

  private async list(): Promise<Map<string, Known>> {
    const links = await listLinks(this.opts.netns);
    return new Map(
      links
        .filter((l) => l.link_type !== 'loopback')
        .map((l) => [
          l.ifname,
          {
            ...(l.address ? { mac: l.address } : {}),
            ...(l.linkinfo?.info_kind ? { kind: l.linkinfo.info_kind } : {}),
          },
        ]),
    );
  }

  /** Reads the link list and emits what changed since the last read (coalescing overlapping calls). */
  rescan(): Promise<void> {
    if (this.rescanning) {
      this.again = true;
      return this.rescanning;
    }
    this.rescanning = (async () => {
      do {
        this.again = false;
        try {
          const now = await this.list();
          for (const [name, k] of now)
            if (!this.known.has(name)) this.opts.onEvent({ action: 'add', ifname: name, ...k });
          for (const [name, k] of this.known)
            if (!now.has(name)) this.opts.onEvent({ action: 'remove', ifname: name, ...k });
          this.known = now;
        } catch (err) {
          this.opts.onError?.(err as Error);
        }
      } while (this.again);
    })().finally(() => {
      this.rescanning = undefined;
    });
    return this.rescanning;
  }

  /** Starts `ip monitor` and takes the current links as the baseline (no events for them). */
  async start(): Promise<void> {
    this.known = await this.list();
    const [cmd, ...args] = ipArgv(['-o', 'monitor', 'link'], this.opts.netns);
    const child = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    createInterface({ input: child.stdout! }).on('line', () => void this.rescan());
    child.on('exit', (code, signal) => {
      if (this.child === child && signal !== 'SIGTERM')
        this.opts.onError?.(new Error(`ip monitor exited (${code ?? signal})`));
    });
    // A link that appeared between the baseline and the monitor starting would otherwise be missed.
    await this.rescan();
  }

  stop(): void {
    const c = this.child;
    this.child = undefined;
    c?.kill('SIGTERM');
  }
}
