/**
 * osnet-ovs run inside the thin plugin when `delegate_plugin` is `osnet-ovs`: the same code as the
 * `osnet-ovs` executable, in the same root process the runtime started, without a second Node start (about
 * half of a warm ADD's time went to it). It speaks every version the thin plugin speaks, so no VERSION
 * call either. Its answer and its error JSON are read back exactly as an executed delegate's are.
 *
 * @example
 *   const stdout = await runBuiltIn('osnet-ovs', 'ADD', conf, env);
 */
import { CNI_ERR, CniError, parseErrorResult } from './errors.ts';
import type { JsonObject } from './fields.ts';

/** The delegates that run in-process. */
export const BUILT_IN_DELEGATES: ReadonlySet<string> = new Set(['osnet-ovs']);

let loaded: Promise<typeof import('./ovs/plugin.ts')> | undefined;
// loaded on first use: VERSION and delegates that are executables never pay for it
const load = () => {
  loaded ??= import('./ovs/plugin.ts');
  return loaded;
};

/**
 * Starts loading osnet-ovs's code (and the built-ins it needs) now, so that it runs while the daemon is
 * answering rather than after; a failure shows when the delegate runs.
 */
export function preloadBuiltIn(): void {
  load().catch(() => undefined);
}

export async function runBuiltIn(
  type: string,
  verb: string,
  conf: JsonObject,
  env: Record<string, string>,
): Promise<string> {
  const { runOvsPlugin } = await load();
  const { stdout, exitCode } = await runOvsPlugin({ ...env, CNI_COMMAND: verb }, JSON.stringify(conf));
  if (exitCode === 0) return stdout;
  const who = `delegate ${type}`;
  const parsed = parseErrorResult(stdout);
  if (!parsed)
    throw new CniError(CNI_ERR.INTERNAL, `${who} ${verb}: no error result`, {
      details: stdout.slice(0, 500),
    });
  throw new CniError(parsed.code, `${who} ${verb}: ${parsed.message}`, {
    details: parsed.details || `exit ${exitCode}`,
  });
}
