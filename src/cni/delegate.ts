/**
 * Talking to the delegate: find it in CNI_PATH, ask its versions (once per binary, version-cache.ts), run a
 * verb in the version both speak,
 * and read its result back. `osnet-ovs` runs in-process instead (built-in-delegate.ts). The delegate's environment is the runtime's, except that CNI_ARGS loses IP and
 * MAC: the Neutron port decides those, and a static IPAM would otherwise add CNI_ARGS' IPs a second time.
 */
import { cacheDir } from './attachment-cache.ts';
import { BUILT_IN_DELEGATES, preloadBuiltIn, runBuiltIn } from './built-in-delegate.ts';
import { CNI_ERR, CniError } from './errors.ts';
import { execPluginFile, findPlugin, pluginVersions } from './exec-plugin.ts';
import type { JsonObject } from './fields.ts';
import { type CniResult, parseResult } from './result.ts';
import { cachedVersions } from './version-cache.ts';
import { type CniVerb, type CniVersion, negotiateVersion, SUPPORTED_VERSIONS } from './versions.ts';

export interface Delegate {
  type: string;
  file: string;
  env: Record<string, string>;
  /** Where its VERSION answer is kept (version-cache.ts). */
  cache: string;
  /** Runs in this process (no file, no VERSION call). */
  builtIn: boolean;
}

/** CNI_ARGS keys the thin plugin consumes itself. */
const CONSUMED_ARGS = new Set(['IP', 'MAC']);

export function delegateEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  if (out.CNI_ARGS !== undefined) {
    out.CNI_ARGS = out.CNI_ARGS.split(';')
      .filter((pair) => pair !== '' && !CONSUMED_ARGS.has(pair.slice(0, pair.indexOf('='))))
      .join(';');
  }
  return out;
}

export async function openDelegate(
  type: string,
  path: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<Delegate> {
  const builtIn = BUILT_IN_DELEGATES.has(type);
  if (builtIn) preloadBuiltIn();
  const file = builtIn ? `(built in) ${type}` : await findPlugin(type, path);
  return { type, file, env: delegateEnv(env), cache: cacheDir(env), builtIn };
}

function versionsOf(d: Delegate, asked: string): Promise<string[]> {
  if (d.builtIn) return Promise.resolve([...SUPPORTED_VERSIONS]);
  return cachedVersions(d.file, d.cache, () => pluginVersions(d.file, `delegate ${d.type}`, d.env, asked));
}

/** The version to call the delegate in for `verb` when the runtime speaks `runtimeVersion`. */
export async function delegateVersion(
  d: Delegate,
  runtimeVersion: CniVersion,
  verb: CniVerb,
): Promise<CniVersion> {
  return negotiateVersion(runtimeVersion, await versionsOf(d, runtimeVersion), verb);
}

/** Whether the delegate speaks `version` at all (GC and STATUS exist only in 1.1.0). */
export async function delegateSpeaks(d: Delegate, version: string): Promise<boolean> {
  return (await versionsOf(d, version)).includes(version);
}

export async function runDelegate(d: Delegate, verb: CniVerb, conf: JsonObject): Promise<string> {
  if (d.builtIn) return runBuiltIn(d.type, verb, conf, d.env);
  const { stdout } = await execPluginFile(d.file, `delegate ${d.type}`, verb, conf, d.env);
  return stdout;
}

/** ADD: the delegate's result, read in the version it was called in. */
export async function addDelegate(d: Delegate, conf: JsonObject): Promise<CniResult> {
  const stdout = await runDelegate(d, 'ADD', conf);
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch (cause) {
    throw new CniError(CNI_ERR.DECODE, `delegate ${d.type} ADD: the result is not JSON`, {
      cause,
      details: stdout.slice(0, 200),
      field: 'delegate.result',
    });
  }
  return parseResult(parsed, {
    version: String(conf.cniVersion),
    path: `delegate ${d.type} result`,
    code: CNI_ERR.DECODE,
  }).result;
}
