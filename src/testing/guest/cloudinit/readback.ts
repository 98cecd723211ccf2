/**
 * Reads our rendered files back into per-NIC semantics (MTU, addresses, routes, DNS, search), one reader
 * per format, so the cloud-init comparison judges what each format actually says, not only the model.
 * Readers understand exactly the forms osnet writes; anything else is ignored and shows up as a
 * difference.
 *
 * @example
 *   const got = READBACK.networkd(RENDERERS.networkd(cfg), cfg); // Map<linkId, {...}>
 */
import { parse as parseYaml } from 'yaml';
import type { Format } from '../../../guest/formats/index.ts';
import type { RenderedFile } from '../../../guest/formats/types.ts';
import { parseIp } from '../../../guest/model/ip.ts';
import type { NetworkConfig } from '../../../guest/model/types.ts';
import { keyfileEntries } from '../validate/networkmanager.ts';

export interface ReadBack {
  name?: string;
  mtu?: number | null;
  addresses?: string[];
  routes?: string[];
  dns?: string[];
  search?: string[];
}

type Reader = (files: RenderedFile[], cfg: NetworkConfig) => Map<string, ReadBack>;

const sorted = (xs: string[]) => [...new Set(xs)].sort();
const defaultFor = (via: string) => (via.includes(':') ? '::/0' : '0.0.0.0/0');

/** A map from every link id to an empty read-back, plus a NIC-name → link-id lookup. */
function blank(cfg: NetworkConfig, fields: (keyof ReadBack)[]) {
  const out = new Map<string, ReadBack>();
  for (const l of cfg.links) {
    const e: ReadBack = {};
    for (const f of fields) {
      if (f === 'mtu') e.mtu = null;
      else if (f === 'name') e.name = l.name ?? '';
      else e[f] = [];
    }
    out.set(l.id, e);
  }
  const ids = new Map(cfg.links.map((l) => [l.name ?? '', l.id]));
  return { out, get: (nic: string) => out.get(ids.get(nic) ?? '') };
}

function push(e: ReadBack | undefined, key: 'addresses' | 'routes' | 'dns' | 'search', ...v: string[]): void {
  if (e) e[key] = sorted([...(e[key] ?? []), ...v]);
}

function nicOf(path: string, re: RegExp): string {
  return re.exec(path)?.[1] ?? '';
}

/**
 * The global DNS of a systemd-resolved drop-in (networkd, netplan) counts for every NIC that has a
 * network, as the per-NIC files of the other formats say it.
 */
function withResolvedDropIn(files: RenderedFile[], cfg: NetworkConfig, out: Map<string, ReadBack>): void {
  for (const f of files.filter((x) => x.path.startsWith('/etc/systemd/resolved.conf.d/'))) {
    const dns = /^DNS=(.+)$/m.exec(f.content)?.[1]?.split(' ') ?? [];
    const search = /^Domains=(.+)$/m.exec(f.content)?.[1]?.split(' ') ?? [];
    for (const l of cfg.links) {
      if (!cfg.networks.some((n) => n.link === l.id)) continue;
      push(out.get(l.id), 'dns', ...dns);
      push(out.get(l.id), 'search', ...search);
    }
  }
}

const netplan: Reader = (files, cfg) => {
  const { out, get } = blank(cfg, ['mtu', 'addresses', 'routes', 'dns', 'search']);
  withResolvedDropIn(files, cfg, out);
  for (const f of files.filter((x) => x.path.endsWith('.yaml'))) {
    const doc = parseYaml(f.content) as { network: Record<string, Record<string, Record<string, unknown>>> };
    for (const section of ['ethernets', 'bonds', 'vlans']) {
      for (const [name, d] of Object.entries(doc.network[section] ?? {})) {
        const e = get(name);
        if (!e) continue;
        e.mtu = (d.mtu as number | undefined) ?? null;
        push(e, 'addresses', ...((d.addresses as string[] | undefined) ?? []));
        for (const r of (d.routes as { to: string; via: string }[] | undefined) ?? []) {
          push(e, 'routes', `${r.to === 'default' ? defaultFor(r.via) : r.to} via ${r.via}`);
        }
        const ns = (d.nameservers as { addresses?: string[]; search?: string[] } | undefined) ?? {};
        push(e, 'dns', ...(ns.addresses ?? []));
        push(e, 'search', ...(ns.search ?? []));
      }
    }
  }
  return out;
};

const networkd: Reader = (files, cfg) => {
  const { out, get } = blank(cfg, ['mtu', 'addresses', 'routes', 'dns', 'search']);
  withResolvedDropIn(files, cfg, out);
  for (const f of files.filter((x) => x.path.endsWith('.network'))) {
    const e = get(/^Name=(.+)$/m.exec(f.content)?.[1] ?? '');
    if (!e) continue;
    const mtu = /^MTUBytes=(\d+)$/m.exec(f.content)?.[1];
    e.mtu = mtu ? Number(mtu) : null;
    push(e, 'addresses', ...[...f.content.matchAll(/^Address=(.+)$/gm)].map((m) => m[1] ?? ''));
    push(e, 'dns', ...[...f.content.matchAll(/^DNS=(.+)$/gm)].map((m) => m[1] ?? ''));
    push(e, 'search', ...(/^Domains=(.+)$/m.exec(f.content)?.[1]?.split(' ') ?? []));
    for (const sec of f.content.split('[Route]').slice(1)) {
      const to = /^Destination=(.+)$/m.exec(sec)?.[1];
      const via = /^Gateway=(.+)$/m.exec(sec)?.[1] ?? '';
      push(e, 'routes', `${to ?? defaultFor(via)} via ${via}`);
    }
  }
  return out;
};

const networkmanager: Reader = (files, cfg) => {
  const { out, get } = blank(cfg, ['mtu', 'addresses', 'routes', 'dns', 'search']);
  for (const f of files) {
    const k = keyfileEntries(f.content);
    const e = get(k.get('connection.interface-name') ?? '');
    if (!e) continue;
    const mtu = k.get('ethernet.mtu');
    e.mtu = mtu ? Number(mtu) : null;
    for (const [key, value] of k) {
      const [sec, name] = key.split('.') as [string, string];
      if (sec !== 'ipv4' && sec !== 'ipv6') continue;
      if (/^address\d+$/.test(name)) {
        const [cidr = '', gw] = value.split(',');
        push(e, 'addresses', cidr);
        if (gw) push(e, 'routes', `${defaultFor(gw)} via ${gw}`);
      }
      if (name === 'gateway') push(e, 'routes', `${defaultFor(value)} via ${value}`);
      if (/^route\d+$/.test(name)) {
        const [to = '', via = ''] = value.split(',');
        push(e, 'routes', `${to} via ${via}`);
      }
      if (name === 'dns') push(e, 'dns', ...value.split(';').filter(Boolean));
      if (name === 'dns-search') push(e, 'search', ...value.split(';').filter(Boolean));
    }
  }
  return out;
};

/** ifcfg values as osnet writes them: plain, or double-quoted. */
function ifcfgValue(content: string, key: string): string | undefined {
  const raw = new RegExp(`^${key}=(.*)$`, 'm').exec(content)?.[1];
  return raw?.replace(/^"(.*)"$/, '$1');
}

const sysconfig: Reader = (files, cfg) => {
  const { out, get } = blank(cfg, ['mtu', 'addresses', 'routes', 'dns', 'search']);
  for (const f of files) {
    const e = get(nicOf(f.path, /\/(?:ifcfg|route6?)-(.+)$/));
    if (!e) continue;
    if (/\/route6?-/.test(f.path)) {
      for (const m of f.content.matchAll(/^(\S+) via (\S+)/gm)) {
        const via = m[2] ?? '';
        push(e, 'routes', `${m[1] === 'default' ? defaultFor(via) : m[1]} via ${via}`);
      }
      continue;
    }
    const mtu = ifcfgValue(f.content, 'MTU');
    e.mtu = mtu ? Number(mtu) : null;
    for (const m of f.content.matchAll(/^IPADDR(\d*)=(.+)$/gm)) {
      push(e, 'addresses', `${m[2]}/${ifcfgValue(f.content, `PREFIX${m[1]}`)}`);
    }
    const v6 = [
      ifcfgValue(f.content, 'IPV6ADDR'),
      ...(ifcfgValue(f.content, 'IPV6ADDR_SECONDARIES')?.split(' ') ?? []),
    ];
    push(e, 'addresses', ...v6.filter((x): x is string => !!x));
    const gw = ifcfgValue(f.content, 'GATEWAY');
    if (gw) push(e, 'routes', `0.0.0.0/0 via ${gw}`);
    const gw6 = ifcfgValue(f.content, 'IPV6_DEFAULTGW')?.split('%')[0];
    if (gw6) push(e, 'routes', `::/0 via ${gw6}`);
    push(e, 'dns', ...[...f.content.matchAll(/^DNS\d+=(.+)$/gm)].map((m) => m[1] ?? ''));
    push(e, 'search', ...(ifcfgValue(f.content, 'DOMAIN')?.split(' ') ?? []));
  }
  return out;
};

const ifupdown: Reader = (files, cfg) => {
  const { out, get } = blank(cfg, ['mtu', 'addresses', 'routes', 'dns', 'search']);
  for (const f of files) {
    const e = get(/^auto (\S+)$/m.exec(f.content)?.[1] ?? '');
    if (!e) continue;
    const mtu = /^\s+pre-up ip link set dev \S+ mtu (\d+)$/m.exec(f.content)?.[1];
    e.mtu = mtu ? Number(mtu) : null;
    push(e, 'addresses', ...[...f.content.matchAll(/^\s+address (\S+)$/gm)].map((m) => m[1] ?? ''));
    push(
      e,
      'addresses',
      ...[...f.content.matchAll(/^\s+post-up ip -[46] addr replace (\S+)/gm)].map((m) => m[1] ?? ''),
    );
    for (const m of f.content.matchAll(/^\s+post-up ip -[46] route replace (\S+) via (\S+)/gm)) {
      push(e, 'routes', `${m[1]} via ${m[2]}`);
    }
    push(e, 'dns', ...(/^\s+dns-nameservers (.+)$/m.exec(f.content)?.[1]?.split(' ') ?? []));
    push(e, 'search', ...(/^\s+dns-search (.+)$/m.exec(f.content)?.[1]?.split(' ') ?? []));
  }
  return out;
};

const powershell: Reader = (files, cfg) => {
  const { out, get } = blank(cfg, ['mtu', 'addresses', 'routes', 'dns']);
  const text = files.map((f) => f.content).join('\r\n');
  for (const m of text.matchAll(/^Set-NetIPInterface -InterfaceAlias '([^']+)' -NlMtuBytes (\d+)$/gm)) {
    const e = get(m[1] ?? '');
    if (e) e.mtu = Number(m[2]);
  }
  for (const m of text.matchAll(
    /^New-NetIPAddress -InterfaceAlias '([^']+)' .*-IPAddress '([^']+)' -PrefixLength (\d+)/gm,
  )) {
    push(get(m[1] ?? ''), 'addresses', `${m[2]}/${m[3]}`);
  }
  for (const m of text.matchAll(
    /^New-NetRoute -InterfaceAlias '([^']+)' .*-DestinationPrefix '([^']+)' -NextHop '([^']+)'/gm,
  )) {
    push(get(m[1] ?? ''), 'routes', `${m[2]} via ${m[3]}`);
  }
  for (const m of text.matchAll(
    /^Set-DnsClientServerAddress -InterfaceAlias '([^']+)' -ServerAddresses @\((.+)\)$/gm,
  )) {
    push(get(m[1] ?? ''), 'dns', ...(m[2] ?? '').split(', ').map((s) => s.slice(1, -1)));
  }
  return out;
};

const ip: Reader = (files, cfg) => {
  const { out, get } = blank(cfg, ['mtu', 'addresses', 'routes']);
  const text = files.map((f) => f.content).join('\n');
  for (const m of text.matchAll(/^ip link set dev (\S+) mtu (\d+)$/gm)) {
    const e = get(m[1] ?? '');
    if (e) e.mtu = Number(m[2]);
  }
  for (const m of text.matchAll(/^ip -[46] address replace (\S+) dev (\S+)$/gm))
    push(get(m[2] ?? ''), 'addresses', m[1] ?? '');
  for (const m of text.matchAll(/^ip -[46] route replace (\S+) via (\S+) dev (\S+)/gm)) {
    push(get(m[3] ?? ''), 'routes', `${m[1]} via ${m[2]}`);
  }
  return out;
};

export const READBACK: Record<Format, Reader> = {
  netplan,
  networkd,
  networkmanager,
  sysconfig,
  ifupdown,
  powershell,
  ip,
};

/** Canonical IP text inside a read-back (route strings and DNS), for a fair comparison. */
export function canonical(rb: Map<string, ReadBack>): Map<string, ReadBack> {
  const c = (s: string) => parseIp(s)?.text ?? s;
  const out = new Map<string, ReadBack>();
  for (const [id, e] of rb) {
    out.set(id, {
      ...e,
      ...(e.dns ? { dns: sorted(e.dns.map(c)) } : {}),
      ...(e.routes
        ? { routes: sorted(e.routes.map((r) => r.replace(/ via (\S+)$/, (_, v: string) => ` via ${c(v)}`))) }
        : {}),
    });
  }
  return out;
}
