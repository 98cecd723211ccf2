/**
 * What the real-VM tests read inside the guest, all through qemu-guest-agent: NIC names by MAC, a NIC's
 * addresses, the files osnet-guest wrote, its log in the journal (pino JSON lines, every process: the
 * service and each udev event's transient unit), and `ip monitor` recordings that show whether a NIC was
 * touched. Test tooling for the real-VM tests.
 *
 * @example
 *   const g = new Guest(vm.qga);
 *   const name = await g.nameOf('fa:16:3e:5e:00:01');
 */
import type { Qga } from './qga.ts';

export interface LogEntry {
  msg: string;
  nic?: string;
  level: number;
  time: number;
  pid: number;
  [k: string]: unknown;
}

/** Where osnet-guest writes per-NIC files, for every stack the images have. */
const CONFIG_DIRS = ['/etc/network/interfaces.d', '/etc/netplan', '/etc/NetworkManager/system-connections'];

export class Guest {
  readonly qga: Qga;
  private monitors = 0;

  constructor(qga: Qga) {
    this.qga = qga;
  }

  /** Runs a script; a non-zero exit is an error carrying its output. */
  async sh(script: string): Promise<string> {
    const r = await this.qga.sh(script);
    if (r.code !== 0) throw new Error(`guest: exit ${r.code}: ${script}\n${r.stdout}${r.stderr}`);
    return r.stdout;
  }

  async nameOf(mac: string): Promise<string> {
    const links = JSON.parse(await this.sh('ip -j link show')) as { ifname: string; address?: string }[];
    const l = links.find((x) => x.address === mac);
    if (!l) throw new Error(`no NIC with MAC ${mac} in the guest: ${links.map((x) => x.ifname).join(', ')}`);
    return l.ifname;
  }

  /** Global IPv4/IPv6 addresses of a NIC, sorted, addr/prefix. */
  async addrs(ifname: string): Promise<string[]> {
    const [l] = JSON.parse(await this.sh(`ip -j addr show dev ${ifname}`)) as {
      addr_info: { local: string; prefixlen: number; scope: string }[];
    }[];
    return (l?.addr_info ?? [])
      .filter((a) => a.scope === 'global')
      .map((a) => `${a.local}/${a.prefixlen}`)
      .sort();
  }

  /** osnet-guest's files (path → content) in the stacks' config directories. */
  async configFiles(): Promise<Map<string, string>> {
    const out = await this.sh(
      `for f in ${CONFIG_DIRS.map((d) => `${d}/*osnet*`).join(' ')}; do [ -f "$f" ] || continue; printf '%s\\0' "$f"; base64 -w0 "$f"; printf '\\0'; done`,
    );
    const parts = out.split('\0');
    const files = new Map<string, string>();
    for (let i = 0; i + 1 < parts.length; i += 2)
      files.set(parts[i]!, Buffer.from(parts[i + 1]!, 'base64').toString('utf8'));
    return files;
  }

  /** The config files that name a NIC (osnet-guest names them after it). */
  static filesOf(files: Map<string, string>, ifname: string): string[] {
    const re = new RegExp(`osnet-${ifname}(\\.|$)`);
    return [...files.keys()].filter((p) => re.test(p)).sort();
  }

  /** osnet-guest's log entries, oldest first, from every process that logged as osnet-guest. */
  async log(): Promise<LogEntry[]> {
    const out = await this.sh('journalctl -o cat --no-pager -t osnet-guest');
    const entries: LogEntry[] = [];
    for (const line of out.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        entries.push(JSON.parse(line) as LogEntry);
      } catch {
        // a line the journal split: not ours to judge here
      }
    }
    return entries.sort((a, b) => a.time - b.time);
  }

  /** Starts `ip monitor address route` in the guest; the returned function stops it and gives its lines. */
  async monitor(): Promise<() => Promise<string[]>> {
    const unit = `osv-mon-${++this.monitors}`;
    await this.sh(
      `systemd-run --quiet --unit=${unit} -p StandardOutput=file:/run/${unit}.log ip -o monitor address route`,
    );
    return async () => {
      const out = await this.sh(`systemctl stop ${unit}; cat /run/${unit}.log; rm -f /run/${unit}.log`);
      return out.split('\n').filter((l) => l.trim() !== '');
    };
  }
}

/** The `ip monitor` lines that concern one NIC (`dev NAME`, or the leading `N: NAME` of address lines). */
export function linesOf(lines: string[], ifname: string): string[] {
  const re = new RegExp(`(^|\\s)(dev ${ifname}|\\d+: ${ifname})(\\s|$)`);
  return lines.filter((l) => re.test(l));
}
