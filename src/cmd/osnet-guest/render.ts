/** `osnet-guest render`: network_data.json to configuration files under --root, nothing else touched. */
import { join } from 'node:path';
import { printOut } from '../../cli/print.ts';
import { planFiles, simpleDiff, writePlan } from '../../guest/apply/files.ts';
import { renderFor } from '../../guest/apply/index.ts';
import { detectFormat } from '../../guest/detect-format.ts';
import { parse } from '../../guest/model/parse.ts';
import { parseMacMap, readSystemMacs, resolveNames } from '../../guest/model/resolve-names.ts';
import { loadSource } from '../../guest/source/index.ts';
import { OsnetError } from '../../lib/errors.ts';
import type { Log as Logger } from '../../lib/log-lines.ts';
import type { TargetFlags } from './flags.ts';

/** The levels (OSNET_LOG_LEVEL) at which a debug line is written. */
const DEBUG_LEVELS = new Set(['debug', 'trace']);

export type RenderFlags = TargetFlags & { input: string; dryRun?: boolean };

export async function render(o: RenderFlags, logger: () => Promise<Logger>): Promise<void> {
  if (!o.root)
    throw new OsnetError('OSNET_ERR_VALIDATION', 'render needs --root DIR (files are written under it)', {
      field: '--root',
    });
  const { raw } = await loadSource({ source: 'file', input: o.input });
  const cfg = parse(raw);
  const format = o.format ?? (await detectFormat(o.root));
  const macs = o.macMap ? parseMacMap(o.macMap) : await readSystemMacs(o.sysRoot);
  const files = await renderFor(resolveNames(cfg, macs), format, o.root);
  const plan = await planFiles(o.root, files);
  if (o.dryRun) {
    for (const f of files) printOut(`### ${f.path}\n${f.content}`);
    for (const c of plan.changes) printOut(simpleDiff(c.path, c.old, c.content));
    return;
  }
  await writePlan(o.root, { ...plan, changes: plan.changes.filter((c) => c.action !== 'remove') });
  for (const f of files) printOut(`${join(o.root, f.path)}\n`);
  // render's one log line is at debug level: below it, the logger module is not even loaded.
  if (DEBUG_LEVELS.has(process.env.OSNET_LOG_LEVEL ?? ''))
    (await logger()).debug({ format, files: files.length }, 'rendered');
}
