/**
 * Windows PowerShell renderer: `/etc/osnet/apply-networking.ps1`, in the spirit of the seed's
 * apply-networking.ps1: find each NIC by MAC and rename it (in two passes, via a temporary name, so
 * swapped names cannot collide), set MTU, addresses, routes (the gateway is a
 * 0.0.0.0/0 route), per-interface DNS (which includes the global servers) and the global search list.
 * Idempotent: what a NIC had from us before is removed before it is added again. Bonds become LBFO teams,
 * VLANs team NICs (on a team) or the adapter's VlanID (on a NIC). Every value is a single-quoted literal
 * (`'` doubled), one statement per line, so the structural checker can read it without PowerShell.
 *
 * @example
 *   renderPowershell(cfg)[0]?.path; // '/etc/osnet/apply-networking.ps1'
 */
import type { BondMode, NetworkConfig } from '../../model/types.ts';
import { type NicView, nicViews } from '../nic.ts';
import { DEFAULT_HEADER, type RenderedFile, type RenderOptions } from '../types.ts';

/** A PowerShell single-quoted string literal. */
export function psQuote(s: string): string {
  return `'${s.replace(/['\u2018\u2019\u201a\u201b]/g, "''")}'`;
}

function psList(items: string[]): string {
  return `@(${items.map(psQuote).join(', ')})`;
}

/** Windows shows MACs as FA-16-3E-00-00-01. */
function winMac(mac: string): string {
  return mac.toUpperCase().replace(/:/g, '-');
}

/** The fixed prelude; the checker compares it verbatim. */
export const PS_PRELUDE = [
  "$ErrorActionPreference = 'Stop'",
  'function Get-OsnetAdapter([string]$Mac) { $found = @(Get-NetAdapter -Physical | Where-Object { $_.MacAddress -eq $Mac }); if ($found.Count -ne 1) { throw "osnet: expected one NIC with MAC $Mac, found $($found.Count)" }; return $found[0] }',
  'function Write-OsnetLog([string]$Message) { Write-Output ("{0} - {1}" -f (Get-Date), $Message) }',
];

const TEAMING: Record<BondMode, string> = {
  'balance-rr': 'Static',
  'active-backup': 'SwitchIndependent',
  'balance-xor': 'Static',
  broadcast: 'Static',
  '802.3ad': 'Lacp',
  'balance-tlb': 'SwitchIndependent',
  'balance-alb': 'SwitchIndependent',
};

function linkLines(nic: NicView): string[] {
  const { link } = nic;
  const a = psQuote(nic.name);
  const out = [`Write-OsnetLog ${psQuote(`Configuring link ${nic.name}`)}`];
  if (link.kind === 'bond') {
    const members = psList(nic.bondMembers);
    out.push(
      `if (-not (Get-NetLbfoTeam -Name ${a} -ErrorAction SilentlyContinue)) { New-NetLbfoTeam -Name ${a} -TeamMembers ${members} -TeamingMode ${TEAMING[link.mode]} -Confirm:$false | Out-Null }`,
    );
  }
  if (link.kind === 'vlan' && nic.vlanParent) {
    const parent = psQuote(nic.vlanParent);
    out.push(
      `if (Get-NetLbfoTeam -Name ${parent} -ErrorAction SilentlyContinue) { if (-not (Get-NetLbfoTeamNic -Team ${parent} -Name ${a} -ErrorAction SilentlyContinue)) { Add-NetLbfoTeamNic -Team ${parent} -Name ${a} -VlanID ${link.vlanId} -Confirm:$false | Out-Null } } else { Set-NetAdapter -Name ${parent} -VlanID ${link.vlanId} -Confirm:$false; Rename-NetAdapter -Name ${parent} -NewName ${a} }`,
    );
  }
  if (link.mtu !== undefined) out.push(`Set-NetIPInterface -InterfaceAlias ${a} -NlMtuBytes ${link.mtu}`);
  return out;
}

/** The temporary name of a NIC during renaming: unique per MAC, never a final name. */
function tempName(mac: string): string {
  return `osnet-${mac.replace(/:/g, '')}`;
}

/**
 * Renames in two passes so swapped names (eth1 must become eth0 while another NIC still holds eth0, as
 * after a hot-remove) cannot collide: first every NIC whose name is wrong goes to a temporary name, then
 * each temporary name becomes the final one.
 */
function renameLines(nics: NicView[]): string[] {
  const phys = nics.filter((n) => n.link.kind === 'physical');
  const out: string[] = [];
  for (const nic of phys) {
    const mac = nic.link.mac ?? '';
    out.push(
      `$nic = Get-OsnetAdapter -Mac ${psQuote(winMac(mac))}; if ($nic.Name -ne ${psQuote(nic.name)}) { Rename-NetAdapter -Name $nic.Name -NewName ${psQuote(tempName(mac))} }`,
    );
  }
  for (const nic of phys) {
    const tmp = psQuote(tempName(nic.link.mac ?? ''));
    out.push(
      `if (Get-NetAdapter -Name ${tmp} -ErrorAction SilentlyContinue) { Rename-NetAdapter -Name ${tmp} -NewName ${psQuote(nic.name)} }`,
    );
  }
  return out;
}

function familyLines(nic: NicView, family: 4 | 6): string[] {
  const a = psQuote(nic.name);
  const af = family === 4 ? 'IPv4' : 'IPv6';
  const addrs = nic.addresses.filter((x) => x.family === family);
  const routes = nic.routes.filter((r) => r.family === family);
  const dhcp = family === 4 ? nic.dhcp4 : nic.dhcp6;
  const out = [
    `Get-NetRoute -InterfaceAlias ${a} -AddressFamily ${af} -Protocol NetMgmt -ErrorAction SilentlyContinue | Remove-NetRoute -Confirm:$false`,
    `Get-NetIPAddress -InterfaceAlias ${a} -AddressFamily ${af} -PrefixOrigin Manual -ErrorAction SilentlyContinue | Remove-NetIPAddress -Confirm:$false`,
    `Set-NetIPInterface -InterfaceAlias ${a} -AddressFamily ${af} -Dhcp ${dhcp ? 'Enabled' : 'Disabled'}`,
  ];
  if (family === 6 && nic.acceptRa !== undefined) {
    out.push(
      `Set-NetIPInterface -InterfaceAlias ${a} -AddressFamily IPv6 -RouterDiscovery ${nic.acceptRa ? 'Enabled' : 'Disabled'}`,
    );
  }
  for (const x of addrs) {
    const [ip, prefix] = x.cidr.split('/') as [string, string];
    out.push(
      `New-NetIPAddress -InterfaceAlias ${a} -AddressFamily ${af} -IPAddress ${psQuote(ip)} -PrefixLength ${prefix} | Out-Null`,
    );
  }
  for (const r of routes) {
    out.push(`Write-OsnetLog ${psQuote(`Adding route ${r.to} via ${r.via} on ${nic.name}`)}`);
    const metric = r.metric !== undefined ? ` -RouteMetric ${r.metric}` : '';
    out.push(
      `New-NetRoute -InterfaceAlias ${a} -AddressFamily ${af} -DestinationPrefix ${psQuote(r.to)} -NextHop ${psQuote(r.via)}${metric} | Out-Null`,
    );
  }
  return out;
}

function l3Lines(nic: NicView): string[] {
  if (nic.bondMaster) return [];
  const a = psQuote(nic.name);
  const out = [...familyLines(nic, 4), ...familyLines(nic, 6)];
  if (nic.dns.length > 0) {
    out.push(`Write-OsnetLog ${psQuote(`Setting DNS ${nic.dns.join(' ')} for ${nic.name}`)}`);
    out.push(`Set-DnsClientServerAddress -InterfaceAlias ${a} -ServerAddresses ${psList(nic.dns)}`);
  } else if (nic.networks.length > 0) {
    out.push(`Set-DnsClientServerAddress -InterfaceAlias ${a} -ResetServerAddresses`);
  }
  const first = nic.networks.flatMap((n) => n.search)[0];
  if (first) out.push(`Set-DnsClient -InterfaceAlias ${a} -ConnectionSpecificSuffix ${psQuote(first)}`);
  return out;
}

/** Renders the PowerShell script (one file for all NICs: Windows applies it as a whole). */
export function renderPowershell(cfg: NetworkConfig, opts: RenderOptions = {}): RenderedFile[] {
  const nics = nicViews(cfg);
  const rank = { physical: 0, bond: 1, vlan: 2 } as const;
  const ordered = [...nics].sort((x, y) => rank[x.link.kind] - rank[y.link.kind]);
  const lines = [`# ${opts.header ?? DEFAULT_HEADER}`, ...PS_PRELUDE];
  lines.push(...renameLines(ordered));
  for (const nic of ordered) lines.push(...linkLines(nic));
  for (const nic of ordered) lines.push(...l3Lines(nic));
  if ((cfg.search ?? []).length > 0)
    lines.push(`Set-DnsClientGlobalSetting -SuffixSearchList ${psList(cfg.search ?? [])}`);
  return [{ path: '/etc/osnet/apply-networking.ps1', content: `${lines.join('\r\n')}\r\n` }];
}
