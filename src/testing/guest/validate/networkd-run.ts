/**
 * systemd-networkd for real: the rendered .network files of the static NICs are loaded by the real
 * daemon inside a throwaway netns `osr-nd-*` (plus a private mount namespace with tmpfs over its config
 * and state dirs) where each NIC is a veth with its MAC. Once networkd reports every NIC configured (or
 * after 15 s) it is stopped, and addresses, MTU and routes are read back with `ip -j`. NICs with DHCP/RA
 * (no server here), bond members and VLAN parents are left out and listed in `skipped`.
 *
 * @example
 *   const r = await runNetworkd(RENDERERS.networkd(cfg), cfg);
 */

import type { RenderedFile } from '../../../guest/formats/types.ts';
import type { NetworkConfig } from '../../../guest/model/types.ts';
import { type IpValidationResult, readBack } from './ip.ts';
import { nicFilesIn, runDaemonScript, runInNetns } from './netns-run.ts';
import { validateNetplan } from './netplan.ts';

const SCRIPT = `
set -e
dir=$1; shift
mount --make-rprivate /
mkdir -p /etc/systemd/network
mount -t tmpfs none /etc/systemd/network
mkdir -p /run/systemd  # absent where systemd never ran
mount -t tmpfs none /run/systemd
# A read-only /sys tells networkd there is no udev to wait for (as in a container); the host's udev
# database, keyed by ifindex, would otherwise describe other NICs.
mount -o remount,ro /sys
if [ -d /run/udev ]; then mount -t tmpfs none /run/udev; fi
mkdir -p /run/systemd/netif/links /run/systemd/netif/leases /run/systemd/netif/lldp
chown -R systemd-network:systemd-network /run/systemd/netif
cp "$dir"/* /etc/systemd/network/
log=/run/systemd/osr-networkd.log
SYSTEMD_LOG_LEVEL=debug SYSTEMD_LOG_COLOR=0 /lib/systemd/systemd-networkd >"$log" 2>&1 &
pid=$!
for _ in $(seq 150); do
  done=1
  for nic in "$@"; do grep -q "^$nic: State changed: configuring -> configured" "$log" || done=0; done
  [ $done = 1 ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
for nic in "$@"; do grep -q "^$nic: State changed: configuring -> configured" "$log" || echo "NOT CONFIGURED $nic"; done
grep -E '^/etc/systemd/network/[^:]+:[0-9]+: ' "$log" || true
for nic in "$@"; do grep -E "^$nic: .*(Could not|Failed to)" "$log" || true; done
`;

export async function runNetworkd(files: RenderedFile[], cfg: NetworkConfig): Promise<IpValidationResult> {
  return runInNetns('networkd (netns)', 'osr-nd', cfg, async (nr) => {
    const daemon = { name: 'networkd', tag: 'osr-nd', script: SCRIPT };
    await runDaemonScript(nr, daemon, nicFilesIn(files, nr.names, ''));
    await readBack(nr.ns, cfg, new Set(nr.names), nr.errors);
  });
}

/**
 * netplan for real: `netplan generate` turns the rendered YAML into networkd files, which then configure
 * the veths exactly as runNetworkd does (less the permanent-MAC match a veth cannot satisfy).
 */
export async function runNetplanViaNetworkd(
  files: RenderedFile[],
  cfg: NetworkConfig,
): Promise<IpValidationResult> {
  const gen = await validateNetplan(files);
  const generated: RenderedFile[] = [...gen.generated].map(([name, content]) => {
    const nic = /^10-netplan-(.+)\.(network|netdev|link)$/.exec(name)?.[1];
    // netplan matches NICs by PermanentMACAddress=; a veth has none (it reads as all zeros), so that one
    // line goes. The Name= match beside it stays, and the MAC itself was checked by netplan generate.
    const matchable = content.replace(/^PermanentMACAddress=.*\n/gm, '');
    return { path: `/run/systemd/network/${name}`, content: matchable, ...(nic ? { nic } : {}) };
  });
  const r = await runNetworkd(generated, cfg);
  return { ...r, tool: 'netplan generate + networkd (netns)', errors: [...gen.errors, ...r.errors] };
}
