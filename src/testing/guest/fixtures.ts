/**
 * The guest fixture corpus (src/guest/fixtures/index.json): network_data.json files with their origin, the
 * expected parse error of the negative ones, and the MAC map every renderer and oracle uses for them.
 *
 * @example
 *   for (const f of loadFixtures().filter((f) => !f.invalid)) console.log(f.name, f.macMap);
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'guest', 'fixtures');

export interface Fixture {
  /** File name without `.json`, e.g. `ci-net-os-sample0-bridge-static`. */
  name: string;
  /** Absolute path of the network_data.json. */
  path: string;
  raw: unknown;
  origin: Record<string, unknown>;
  description: string;
  /** Set on negative fixtures: the JSON path parse must name. */
  invalid?: { field: string };
  /** MAC (lower case) → guest NIC name: eth0, eth1, ... over the physical links in link order. */
  macMap: Map<string, string>;
}

interface IndexEntry {
  file: string;
  origin: Record<string, unknown>;
  description: string;
  invalid?: { field: string };
}

/**
 * The deterministic NIC naming of the corpus: every link that is neither bond nor VLAN and has a MAC gets
 * the next free `ethN`, in link order. Link order is only a stand-in for the live system here; the agent
 * itself never names NICs by order.
 */
export function deriveMacMap(raw: unknown): Map<string, string> {
  const map = new Map<string, string>();
  const links = (raw as { links?: unknown } | null)?.links;
  if (!Array.isArray(links)) return map;
  for (const l of links as Array<Record<string, unknown>>) {
    if (l === null || typeof l !== 'object' || l.type === 'bond' || l.type === 'vlan') continue;
    const mac = typeof l.ethernet_mac_address === 'string' ? l.ethernet_mac_address.toLowerCase() : undefined;
    if (mac && !map.has(mac)) map.set(mac, `eth${map.size}`);
  }
  return map;
}

/** Every fixture of the corpus, in index order. */
export function loadFixtures(dir = FIXTURES_DIR): Fixture[] {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as IndexEntry[];
  return index.map((e) => {
    const path = join(dir, e.file);
    const raw: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return {
      name: basename(e.file, '.json'),
      path,
      raw,
      origin: e.origin,
      description: e.description,
      ...(e.invalid ? { invalid: e.invalid } : {}),
      macMap: deriveMacMap(raw),
    };
  });
}
