/**
 * NetworkManager for real: the rendered keyfiles of the static NICs are loaded by the real daemon inside
 * a throwaway netns `osr-nm-*` with a private mount namespace (tmpfs over its connection, state and run
 * dirs, its own system D-Bus), where each NIC is a veth with its MAC. Once NM reports every connection
 * activated (or after 20 s) it is stopped and addresses, MTU and routes are read back with `ip -j`. NICs
 * with DHCP/RA, bond members and VLAN parents are left out and listed in `skipped`.
 *
 * @example
 *   const r = await runNetworkManager(RENDERERS.networkmanager(cfg), cfg);
 */

import type { RenderedFile } from '../../../guest/formats/types.ts';
import type { NetworkConfig } from '../../../guest/model/types.ts';
import { type IpValidationResult, readBack } from './ip.ts';
import { nicFilesIn, runDaemonScript, runInNetns } from './netns-run.ts';

const NM_CONF = `[main]
plugins=keyfile
no-auto-default=*
[keyfile]
unmanaged-devices=interface-name:osrp*;interface-name:lo
[logging]
level=INFO
`;

const SCRIPT = `
set -e
dir=$1; shift
mount --make-rprivate /
for d in /run/dbus /run/NetworkManager /var/lib/NetworkManager /etc/NetworkManager/system-connections; do
  mkdir -p "$d"; mount -t tmpfs none "$d"
done
# A read-only /sys means "no udev to wait for"; the host's udev database would describe other NICs.
mount -o remount,ro /sys
if [ -d /run/udev ]; then mount -t tmpfs none /run/udev; fi
cp "$dir"/conn/* /etc/NetworkManager/system-connections/
chmod 600 /etc/NetworkManager/system-connections/*
dbus-daemon --system --nofork --nopidfile &
bus=$!
for _ in $(seq 50); do [ -S /run/dbus/system_bus_socket ] && break; sleep 0.05; done
log=/run/NetworkManager/osr.log
NetworkManager --debug --config "$dir/nm.conf" >"$log" 2>&1 &
nm=$!
for _ in $(seq 200); do
  done=1
  for nic in "$@"; do grep -q "device ($nic): Activation: successful" "$log" || done=0; done
  [ $done = 1 ] && break
  kill -0 "$nm" 2>/dev/null || break
  sleep 0.1
done
kill "$nm" 2>/dev/null || true
wait "$nm" 2>/dev/null || true
kill "$bus" 2>/dev/null || true
wait "$bus" 2>/dev/null || true
for nic in "$@"; do grep -q "device ($nic): Activation: successful" "$log" || echo "NOT ACTIVATED $nic"; done
grep -E '<(warn|error)>' "$log" | grep -E "osnet-|keyfile|$(echo "$@" | tr ' ' '|')" || true
`;

export async function runNetworkManager(
  files: RenderedFile[],
  cfg: NetworkConfig,
): Promise<IpValidationResult> {
  return runInNetns('NetworkManager (netns)', 'osr-nm', cfg, async (nr) => {
    const daemon = { name: 'NetworkManager', tag: 'osr-nm', script: SCRIPT };
    await runDaemonScript(nr, daemon, [
      ...nicFilesIn(files, nr.names, '/conn'),
      { path: '/nm.conf', content: NM_CONF },
    ]);
    await readBack(nr.ns, cfg, new Set(nr.names), nr.errors);
  });
}
