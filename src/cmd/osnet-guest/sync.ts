/** `osnet-guest apply`, `event` and `watch`: one sync with the metadata, after a NIC event, or following them. */

import { printOut } from '../../cli/print.ts';
import { type AgentOptions, syncOnce } from '../../guest/agent.ts';
import type { ApplyResult } from '../../guest/apply/index.ts';
import { detectFormat } from '../../guest/detect-format.ts';
import { parseMacMap } from '../../guest/model/resolve-names.ts';
import { runWatch, type WatchFlags } from '../../guest/watch/service.ts';
import { linkInfo } from '../../host/ip.ts';
import { OsnetError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log.ts';
import type { Log } from '../../lib/log-lines.ts';
import { type SourceFlags, sourceOptions, type TargetFlags } from './flags.ts';

export type SyncFlags = SourceFlags & TargetFlags;

async function agentOptions(o: SyncFlags, log: Log): Promise<AgentOptions> {
  return {
    source: sourceOptions(o, log),
    format: o.format ?? (await detectFormat(o.root)),
    root: o.root,
    log,
    ...(o.macMap ? { macMap: parseMacMap(o.macMap) } : {}),
    ...(o.sysRoot ? { sysRoot: o.sysRoot } : {}),
    ...(o.netns ? { netns: o.netns } : {}),
    ...(o.reconfigure !== undefined ? { reconfigure: o.reconfigure } : {}),
    ...(o.verify === false ? { verify: false } : {}),
    ...(o.nicKinds ? { nicKinds: o.nicKinds.split(',').map((k) => k.trim()) } : {}),
  };
}

function printResult(r: ApplyResult): void {
  printOut(`${JSON.stringify({ changes: r.changes, touched: r.touched, missing: r.missing })}\n`);
}

export async function apply(o: SyncFlags, log: Log): Promise<void> {
  printResult(await syncOnce(await agentOptions(o, log)));
}

export async function watch(o: SyncFlags & WatchFlags, log: Logger): Promise<void> {
  process.exitCode = await runWatch(o, await agentOptions(o, log), log);
}

export async function event(
  action: string,
  ifname: string,
  o: SyncFlags & { wait: number; poll: number },
  logger: () => Promise<Log>,
): Promise<void> {
  if (action !== 'add' && action !== 'remove') {
    throw new OsnetError('OSNET_ERR_VALIDATION', `event action must be add or remove (got ${action})`, {
      field: 'action',
    });
  }
  const log = await logger();
  const opts = await agentOptions(o, log);
  // The MAC of an added NIC tells the wait which metadata entry to expect; a removed one has none left.
  const info = action === 'add' ? await linkInfo(ifname, o.netns) : {};
  log.info({ nic: ifname, event: action, ...info }, 'NIC event');
  printResult(
    await syncOnce(opts, { events: [{ action, ifname, ...info }], waitMs: o.wait, pollMs: o.poll }),
  );
}
