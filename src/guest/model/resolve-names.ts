/**
 * Gives every link its guest NIC name. network_data.json never says what the guest calls a NIC, and link
 * order is not NIC order (it shifts when Nova hot-removes a NIC), so physical links are matched by MAC
 * against the live system (`/sys/class/net`) or an explicit `--mac-map`. Bonds keep the input's `name`
 * when it has one, else `bond0`, `bond1`, ... in link order; VLANs are `<parent>.<vid>`.
 *
 * @example
 *   const named = resolveNames(cfg, parseMacMap('eth0=fa:16:3e:00:00:01'));
 *   named.links[0]?.name; // 'eth0'
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { OsnetError } from '../../lib/errors.ts';
import type { Link, NetworkConfig } from './types.ts';

const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
const IFNAME_RE = /^[A-Za-z0-9_.-]{1,15}$/;
/** IFNAMSIZ - 1: longer VLAN names fall back to `vlan<vid>`. */
const IFNAME_MAX = 15;

function cloneLink(l: Link): Link {
  return l.kind === 'bond' ? { ...l, members: [...l.members] } : { ...l };
}

/**
 * Returns a copy of `cfg` with `Link.name` set on every link. Throws OsnetError('OSNET_ERR_NIC_NOT_FOUND')
 * naming the link when a physical link's MAC is not on the system (see `dropAbsentLinks` to skip those).
 */
export function resolveNames(cfg: NetworkConfig, macToName: Map<string, string>): NetworkConfig {
  const links = cfg.links.map(cloneLink);
  const byId = new Map(links.map((l) => [l.id, l]));
  const used = new Set<string>();
  links.forEach((l, i) => {
    if (l.kind !== 'physical') return;
    const name = macToName.get(l.mac);
    if (!name) {
      throw new OsnetError(
        'OSNET_ERR_NIC_NOT_FOUND',
        `no NIC with MAC ${l.mac} for link ${l.id} ($.links[${i}])`,
        {
          field: `$.links[${i}].ethernet_mac_address`,
          link: l.id,
          mac: l.mac,
        },
      );
    }
    l.name = name;
    used.add(name);
  });
  let nextBond = 0;
  for (const l of links) {
    if (l.kind !== 'bond') continue;
    if (l.requestedName && !used.has(l.requestedName)) {
      l.name = l.requestedName;
    } else {
      while (used.has(`bond${nextBond}`)) nextBond++;
      l.name = `bond${nextBond}`;
    }
    used.add(l.name);
  }
  for (const l of links) {
    if (l.kind !== 'vlan') continue;
    const parentName = byId.get(l.parent)?.name;
    let name = l.requestedName && !used.has(l.requestedName) ? l.requestedName : `${parentName}.${l.vlanId}`;
    if (name.length > IFNAME_MAX || used.has(name)) name = `vlan${l.vlanId}`;
    for (let k = 1; used.has(name); k++) name = `vlan${l.vlanId}-${k}`;
    l.name = name;
    used.add(name);
  }
  return { ...cfg, links };
}

/**
 * Removes the physical links whose MAC is not on the system, and what depends on them (VLANs on them,
 * bond membership, bonds left without members, their networks). Used when a NIC was hot-removed but the
 * metadata still lists it. Returns the reduced config and the ids of the links dropped.
 *
 * @example
 *   const { cfg: present, dropped } = dropAbsentLinks(cfg, await readSystemMacs());
 */
export function dropAbsentLinks(
  cfg: NetworkConfig,
  macToName: Map<string, string>,
): { cfg: NetworkConfig; dropped: string[] } {
  const gone = new Set(
    cfg.links.filter((l) => l.kind === 'physical' && !macToName.has(l.mac)).map((l) => l.id),
  );
  let links = cfg.links.map(cloneLink);
  for (const l of links) if (l.kind === 'bond') l.members = l.members.filter((m) => !gone.has(m));
  for (const l of links) if (l.kind === 'bond' && l.members.length === 0) gone.add(l.id);
  for (const l of links) if (l.kind === 'vlan' && gone.has(l.parent)) gone.add(l.id);
  links = links.filter((l) => !gone.has(l.id));
  const networks = cfg.networks.filter((n) => !gone.has(n.link));
  return { cfg: { ...cfg, links, networks }, dropped: [...gone] };
}

/**
 * Parses a `--mac-map` value `NAME=MAC,NAME=MAC` into a MAC → name map.
 *
 * @example
 *   parseMacMap('eth0=FA:16:3E:00:00:01,eth1=fa:16:3e:00:00:02').get('fa:16:3e:00:00:01'); // 'eth0'
 */
export function parseMacMap(spec: string, field = '--mac-map'): Map<string, string> {
  const map = new Map<string, string>();
  const names = new Set<string>();
  for (const item of spec.split(',').map((s) => s.trim())) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    const name = eq < 0 ? '' : item.slice(0, eq).trim();
    const mac =
      eq < 0
        ? ''
        : item
            .slice(eq + 1)
            .trim()
            .toLowerCase();
    const bad = (why: string): never => {
      throw new OsnetError(
        'OSNET_ERR_VALIDATION',
        `${field}: ${why} in ${JSON.stringify(item)} (want NAME=MAC,...)`,
        {
          field,
        },
      );
    };
    if (!IFNAME_RE.test(name)) bad('bad interface name');
    if (!MAC_RE.test(mac)) bad('bad MAC address');
    if (map.has(mac)) bad(`MAC ${mac} given twice`);
    if (names.has(name)) bad(`name ${name} given twice`);
    map.set(mac, name);
    names.add(name);
  }
  return map;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** ARPHRD_ETHER: only Ethernet-type links can be the NICs network_data.json describes. */
const ARPHRD_ETHER = '1';
/** Virtual devices that copy a member's MAC and must not be taken for the NIC itself. */
const SKIP_DEVTYPES = new Set(['bond', 'vlan', 'bridge', 'team', 'macvlan', 'macvtap', 'wlan']);

/**
 * Reads MAC → NIC name from the live system. Bonds, VLANs and bridges are skipped (they reuse a member's
 * MAC); a bond member reports its permanent MAC, not the bond's. When two NICs share a MAC the one backed
 * by a device (`/sys/class/net/X/device`) wins.
 *
 * @example
 *   const macs = await readSystemMacs(); // Map { 'fa:16:3e:..' => 'ens3' }
 */
export async function readSystemMacs(sysRoot = '/sys/class/net'): Promise<Map<string, string>> {
  let names: string[];
  try {
    names = (await readdir(sysRoot)).sort();
  } catch (cause) {
    throw new OsnetError('OSNET_ERR_IO', `cannot list network interfaces in ${sysRoot}`, {
      field: 'sysRoot',
      cause,
    });
  }
  const map = new Map<string, string>();
  const hasDevice = new Map<string, boolean>();
  for (const name of names) {
    const dir = join(sysRoot, name);
    const type = await readText(join(dir, 'type'));
    if (type !== undefined && type !== ARPHRD_ETHER) continue;
    const uevent = (await readText(join(dir, 'uevent'))) ?? '';
    const devtype = /^DEVTYPE=(.*)$/m.exec(uevent)?.[1];
    if (devtype && SKIP_DEVTYPES.has(devtype)) continue;
    if (await exists(join(dir, 'bonding'))) continue;
    const perm = await readText(join(dir, 'bonding_slave', 'perm_hwaddr'));
    const mac = (perm ?? (await readText(join(dir, 'address'))) ?? '').toLowerCase();
    if (!MAC_RE.test(mac) || mac === '00:00:00:00:00:00') continue;
    const device = await exists(join(dir, 'device'));
    const prev = map.get(mac);
    if (prev !== undefined && (hasDevice.get(prev) || !device)) continue;
    map.set(mac, name);
    hasDevice.set(name, device);
  }
  return map;
}
