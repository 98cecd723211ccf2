/**
 * The `static` IPAM plugin's ADD, DEL and CHECK computed in-process, for the configs the thin plugin
 * writes (the Neutron port's addresses, routes and DNS): running Debian's static would cost a VERSION
 * call and a process per verb for what is a copy of the config. The result is what static returns:
 * `addresses` as `ips` (address, gateway), `routes` as given, `dns` as given or `{}`. Inputs only the real plugin reads
 * (CNI_ARGS IP/GATEWAY, `args.cni.ips`, `runtimeConfig.ips`) send the call to it instead.
 */
import { CNI_ERR, CniError } from '../errors.ts';
import { isObject, type JsonObject } from '../fields.ts';
import { type CniResult, parseResult } from '../result.ts';
import { LATEST_VERSION } from '../versions.ts';

/** Whether `static` can be answered in-process for this config and CNI_ARGS. */
export function staticInProcess(conf: JsonObject, cniArgs: Record<string, string>): boolean {
  const ipam = conf.ipam;
  if (!isObject(ipam) || ipam.type !== 'static') return false;
  if (cniArgs.IP !== undefined || cniArgs.GATEWAY !== undefined) return false;
  const args = isObject(conf.args) && isObject(conf.args.cni) ? conf.args.cni : {};
  const rc = isObject(conf.runtimeConfig) ? conf.runtimeConfig : {};
  return args.ips === undefined && rc.ips === undefined;
}

/** The result static gives on ADD; a malformed entry is code 7 naming its `ipam.…` field. */
export function staticResult(ipam: JsonObject): CniResult {
  const asResult: JsonObject = { cniVersion: LATEST_VERSION, ips: ipam.addresses ?? [] };
  if (ipam.routes !== undefined) asResult.routes = ipam.routes;
  // static always answers a dns object, empty when the config has none
  asResult.dns = ipam.dns ?? {};
  try {
    return parseResult(asResult, { path: 'ipam', code: CNI_ERR.INVALID_CONFIG }).result;
  } catch (err) {
    if (!(err instanceof CniError)) throw err;
    // the checks are the result's; the field is the config's
    const rename = (s: string) =>
      s.replace(/^ipam\.ips\b/, 'ipam.addresses').replace(/ ipam\.ips\b/, ' ipam.addresses');
    const field = typeof err.field === 'string' ? rename(err.field) : undefined;
    throw new CniError(CNI_ERR.INVALID_CONFIG, rename(err.message), { ...(field ? { field } : {}) });
  }
}

/** One spelling per address (static compares IPs, not text): IPv6 in its shortest form. */
function canonical(ip: string): string {
  return ip.includes(':') ? new URL(`http://[${ip}]`).hostname.slice(1, -1) : ip;
}

const addressOf = (cidr: string) => canonical(cidr.slice(0, cidr.lastIndexOf('/')));

/** static's CHECK: each configured address is in prevResult, with the configured gateway where one is set. */
export function staticCheck(ipam: JsonObject, prev: CniResult): void {
  for (const want of staticResult(ipam).ips ?? []) {
    const ip = addressOf(want.address);
    const have = (prev.ips ?? []).find((i) => addressOf(i.address) === ip);
    if (!have) throw new CniError(CNI_ERR.INTERNAL, `ipam static: ${want.address} is not in prevResult`);
    if (want.gateway !== undefined && canonical(have.gateway ?? '') !== canonical(want.gateway)) {
      throw new CniError(
        CNI_ERR.INTERNAL,
        `ipam static: ${ip} has gateway ${have.gateway ?? '(none)'} in prevResult, the config says ${want.gateway}`,
      );
    }
  }
}
