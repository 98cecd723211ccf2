/**
 * The OVSDB side of osnet-ovs, through ovs-vsctl (`--db` from socket_file). Every port it adds carries
 * `external_ids:iface-id=<Neutron port id>` (what ovn-controller binds), the MAC, and osnet's own
 * `osnet-owner`/`osnet-network`/`osnet-container`/`osnet-ifname`, which GC uses to find its ports and
 * nobody else's. An OVSDB that does not answer is "try again later" (11).
 */
import { Exec } from '../../host/exec.ts';
import { CNI_ERR, CniError } from '../errors.ts';

export const OWNER = 'osnet-ovs';
const exec = new Exec({ timeoutMs: 15_000 });

export interface PortTags {
  ovnPort?: string;
  mac: string;
  network: string;
  containerId: string;
  ifname: string;
}

export class Vsctl {
  readonly db: string | undefined;

  constructor(db: string | undefined) {
    this.db = db;
  }

  private argv(args: string[]): string[] {
    return ['ovs-vsctl', ...(this.db ? [`--db=${this.db}`] : []), '--timeout=10', ...args];
  }

  private async run(args: string[]): Promise<string> {
    try {
      return (await exec.run(this.argv(args))).stdout;
    } catch (err) {
      const text = (err as Error).message;
      if (/database connection failed|timed out|Connection refused|No such file/i.test(text)) {
        throw new CniError(
          CNI_ERR.TRY_AGAIN_LATER,
          `OVSDB ${this.db ?? '(default)'} does not answer: ${text}`,
          {
            cause: err,
            field: 'socket_file',
          },
        );
      }
      throw err;
    }
  }

  async bridgeExists(bridge: string): Promise<boolean> {
    const out = await this.run(['list-br']);
    return out.split('\n').includes(bridge);
  }

  async addPort(bridge: string, name: string, t: PortTags): Promise<void> {
    const ids = [
      ...(t.ovnPort ? [`external_ids:iface-id=${t.ovnPort}`] : []),
      `external_ids:attached-mac=${t.mac}`,
      'external_ids:iface-status=active',
      `external_ids:osnet-owner=${OWNER}`,
      `external_ids:osnet-network=${JSON.stringify(t.network)}`,
      `external_ids:osnet-container=${JSON.stringify(t.containerId)}`,
      `external_ids:osnet-ifname=${JSON.stringify(t.ifname)}`,
    ];
    try {
      await this.run(['--may-exist', 'add-port', bridge, name, '--', 'set', 'Interface', name, ...ids]);
    } catch (err) {
      // what a list-br before the ADD would tell, without the extra process on every ADD
      if (err instanceof CniError || !/no bridge named/.test((err as Error).message)) throw err;
      throw new CniError(
        CNI_ERR.INVALID_CONFIG,
        `bridge ${bridge} does not exist in OVSDB ${this.db ?? '(default)'}`,
        { field: 'bridge', cause: err },
      );
    }
  }

  async delPort(name: string): Promise<void> {
    await this.run(['--if-exists', 'del-port', name]);
  }

  /** external_ids of interface `name`; undefined when OVS has no such interface. */
  async externalIds(name: string): Promise<Record<string, string> | undefined> {
    const out = await this.run([
      '--format=json',
      '--columns=name,external_ids',
      'find',
      'Interface',
      `name=${name}`,
    ]);
    const rows = parseFind(out);
    return rows[0]?.external_ids;
  }

  /** Which bridge holds port `name` (undefined when none). */
  async bridgeOf(name: string): Promise<string | undefined> {
    try {
      return (await exec.read(this.argv(['port-to-br', name]))).stdout.trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** Every interface osnet-ovs made for network `network`. */
  async ours(network: string): Promise<{ name: string; external_ids: Record<string, string> }[]> {
    const out = await this.run([
      '--format=json',
      '--columns=name,external_ids',
      'find',
      'Interface',
      `external_ids:osnet-owner=${OWNER}`,
    ]);
    return parseFind(out).filter((r) => r.external_ids['osnet-network'] === network);
  }
}

/** ovs-vsctl --format=json find output: {"headings": [...], "data": [[name, ["map", [[k, v], ...]]], ...]}. */
function parseFind(text: string): { name: string; external_ids: Record<string, string> }[] {
  const j = JSON.parse(text) as { headings: string[]; data: unknown[][] };
  const ni = j.headings.indexOf('name');
  const ei = j.headings.indexOf('external_ids');
  return j.data.map((row) => {
    const ids: Record<string, string> = {};
    const map = row[ei] as [string, [string, string][]];
    for (const [k, v] of map[1] ?? []) ids[k] = v;
    return { name: String(row[ni]), external_ids: ids };
  });
}
