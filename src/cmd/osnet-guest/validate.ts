/** `osnet-guest validate`: parse network_data.json from any source and print what it describes. */

import { printOut } from '../../cli/print.ts';
import { parse } from '../../guest/model/parse.ts';
import { loadSource } from '../../guest/source/index.ts';
import type { Log as Logger } from '../../lib/log-lines.ts';
import { type SourceFlags, sourceOptions } from './flags.ts';

export async function validate(o: SourceFlags, log: Logger): Promise<void> {
  const { raw, origin } = await loadSource(sourceOptions(o, log));
  const cfg = parse(raw);
  const summary = {
    valid: true,
    origin,
    links: cfg.links.map((l) => `${l.id}:${l.kind === 'physical' ? l.type : l.kind}`),
    networks: cfg.networks.map((n) => `${n.id}:${n.type}${n.address ? `:${n.address}/${n.prefix}` : ''}`),
    dns: cfg.dns,
  };
  printOut(`${JSON.stringify(summary)}\n`);
}
