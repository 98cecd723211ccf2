/**
 * netplan validator: `netplan generate --root-dir` on a throwaway root. netplan 0.106 exits 0 on some
 * semantic problems (conflicting default routes) and only prints them, so any output at all is reported:
 * a non-zero exit as errors, output on success as warnings.
 *
 * @example
 *   const { errors, warnings } = await validateNetplan(renderNetplan(cfg));
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RenderedFile } from '../../../guest/formats/types.ts';
import { lines, run, type ValidationResult, withTempDir, writeTree } from '../run.ts';
import { validateNetworkd } from './networkd.ts';
import { checkResolvedDropIns } from './resolved.ts';

export interface NetplanResult extends ValidationResult {
  /** The systemd-networkd files netplan generated (name → content), for a second check by networkd. */
  generated: Map<string, string>;
}

export async function validateNetplan(files: RenderedFile[]): Promise<NetplanResult> {
  return withTempDir('osr-netplan-', async (root) => {
    await writeTree(root, files);
    const r = await run('netplan', ['generate', '--root-dir', root]);
    const out = lines(`${r.stdout}\n${r.stderr}`);
    const generated = new Map<string, string>();
    const dir = join(root, 'run/systemd/network');
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      generated.set(name, await readFile(join(dir, name), 'utf8'));
    }
    return {
      tool: 'netplan generate',
      errors: r.code === 0 ? [] : out.length > 0 ? out : [`exit ${r.code}`],
      warnings: r.code === 0 ? out : [],
      generated,
    };
  });
}

/** The netplan validator of VALIDATORS: netplan's own check, then the networkd files it generated through real networkd. */
export async function validateNetplanAndOutput(files: RenderedFile[]): Promise<ValidationResult> {
  const r = await validateNetplan(files);
  const nd = await validateNetworkd(r.generated);
  return {
    tool: r.tool,
    errors: [...r.errors, ...nd.errors.map((e) => `generated: ${e}`), ...checkResolvedDropIns(files)],
    warnings: r.warnings,
  };
}
