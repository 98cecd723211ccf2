/**
 * Test helper: a real systemd-networkd or NetworkManager running privately inside a test netns, so that
 * `osnet-guest apply --root <tmp root>` can drive it with the real `networkctl`/`nmcli`. The daemon runs
 * in its own mount namespace (`unshare -m`) where its config directory is a bind mount of the directory
 * under the tmp root, its state and run directories are tmpfs, and its system D-Bus is a private
 * `dbus-daemon` listening on a socket in a temp directory. Tools reach it through
 * `DBUS_SYSTEM_BUS_ADDRESS` (see `env`), never through the host's bus; the host's files and daemons are
 * never touched.
 *
 * @example
 *   const d = await PrivateDaemon.start('networkd', ns, root, ['osa0', 'osa1']);
 *   await runCli(['apply', ...], { netns: ns.name, env: d.env });
 *   await d.stop();
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './cli.ts';
import type { Netns } from './netns.ts';

export type DaemonKind = 'networkd' | 'networkmanager';

// Shared start: private mounts, then a private system bus. `bind D` shows <root>/D at /D; a missing /D is
// an error rather than created, since outside the tmpfs mounts mkdir would write to the host's tree.
const COMMON = `
set -e
root=$1 dir=$2
bus="$dir/bus"
bind() { [ -d "/$1" ] || { echo "no /$1 to bind over" >&2; exit 1; }; mkdir -p "$root/$1"; mount --bind "$root/$1" "/$1"; }
mount --make-rprivate /
# A read-only /sys means "no udev to wait for"; the host's udev database would describe other NICs.
mount -o remount,ro /sys
if [ -d /run/udev ]; then mount -t tmpfs none /run/udev; fi
`;
const START_BUS = `
dbus-daemon --system --address="unix:path=$bus" --nofork --nopidfile &
for _ in $(seq 100); do [ -S "$bus" ] && break; sleep 0.05; done
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$bus"
`;

// /run/systemd/network holds what `netplan generate --root-dir <root>` writes.
const NETWORKD = `${COMMON}
bind etc/systemd/network
mkdir -p /run/systemd  # absent where systemd never ran
mount -t tmpfs none /run/systemd
mkdir -p /run/systemd/network /run/systemd/netif/links /run/systemd/netif/leases /run/systemd/netif/lldp
bind run/systemd/network
chown -R systemd-network:systemd-network /run/systemd/netif
${START_BUS}
SYSTEMD_LOG_LEVEL=debug SYSTEMD_LOG_COLOR=0 exec /lib/systemd/systemd-networkd
`;

const NETWORKMANAGER = `${COMMON}
bind etc/NetworkManager/system-connections
for d in /run/NetworkManager /var/lib/NetworkManager; do mkdir -p "$d"; mount -t tmpfs none "$d"; done
${START_BUS}
exec NetworkManager --no-daemon --debug --config "$dir/nm.conf"
`;

const SPEC: Record<DaemonKind, { script: string; busName: string }> = {
  networkd: { script: NETWORKD, busName: 'org.freedesktop.network1' },
  networkmanager: { script: NETWORKMANAGER, busName: 'org.freedesktop.NetworkManager' },
};

function nmConf(nics: string[]): string {
  // Only the NICs under test are NM's; their veth peers and lo are left alone. No polkit daemon is on the
  // private bus, so NM must not ask it (the callers are root anyway).
  const unmanaged = ['lo', ...nics.map((n) => `${n}p`)].map((n) => `interface-name:${n}`).join(';');
  return `[main]\nplugins=keyfile\nno-auto-default=*\nauth-polkit=false\n[keyfile]\nunmanaged-devices=${unmanaged}\n[logging]\nlevel=DEBUG\n`;
}

function busHasName(address: string, name: string): Promise<boolean> {
  return new Promise((resolve) =>
    execFile(
      'busctl',
      [
        `--address=${address}`,
        'call',
        'org.freedesktop.DBus',
        '/',
        'org.freedesktop.DBus',
        'NameHasOwner',
        's',
        name,
      ],
      (err, stdout) => resolve(!err && stdout.trim() === 'b true'),
    ),
  );
}

export class PrivateDaemon {
  readonly kind: DaemonKind;
  /** Temp directory holding the bus socket, the daemon's log and (NM) its config. */
  readonly dir: string;
  readonly busAddress: string;
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  private constructor(kind: DaemonKind, dir: string, child: ChildProcess) {
    this.kind = kind;
    this.dir = dir;
    this.busAddress = `unix:path=${join(dir, 'bus')}`;
    this.child = child;
    this.exited = new Promise((resolve) => child.on('exit', () => resolve()));
  }

  /** Starts the daemon in `ns` on the config directories under `root`; resolves once it owns its bus name. */
  static async start(kind: DaemonKind, ns: Netns, root: string, nics: string[]): Promise<PrivateDaemon> {
    const spec = SPEC[kind];
    const dir = await mkdtemp(join(tmpdir(), `osa-${kind}-`));
    // networkd drops to the systemd-network user before connecting to the bus socket in here.
    await chmod(dir, 0o755);
    await writeFile(join(dir, 'nm.conf'), nmConf(nics));
    const args = ['netns', 'exec', ns.name, 'unshare', '-m', 'bash', '-c', spec.script, kind, root, dir];
    const out = openSync(join(dir, 'daemon.log'), 'w');
    // Its own process group, so stop() ends the daemon and its bus together.
    const child = spawn('ip', args, { detached: true, stdio: ['ignore', out, out] });
    closeSync(out);
    const d = new PrivateDaemon(kind, dir, child);
    try {
      await until(
        async () => {
          if (child.exitCode !== null) throw new Error(`${kind} exited: ${await d.log()}`);
          return busHasName(d.busAddress, spec.busName);
        },
        15_000,
        `${kind} on its private bus`,
      );
    } catch (err) {
      await d.stop();
      throw err;
    }
    return d;
  }

  /** The environment that points `networkctl`/`nmcli` at this daemon's bus. */
  get env(): Record<string, string> {
    return { DBUS_SYSTEM_BUS_ADDRESS: this.busAddress };
  }

  log(): Promise<string> {
    return readFile(join(this.dir, 'daemon.log'), 'utf8');
  }

  /** Stops the daemon and its bus (one process group) and removes the temp directory. */
  async stop(): Promise<void> {
    const pgid = this.child.pid;
    if (pgid !== undefined && this.child.exitCode === null && this.child.signalCode === null) {
      try {
        process.kill(-pgid, 'SIGTERM');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-pgid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 5_000);
      await this.exited;
      clearTimeout(timer);
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}
