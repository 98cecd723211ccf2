/**
 * One plugin invocation read from the environment and stdin. Throws only CniError, so the thin
 * plugin can always print a spec error result (see errorOutput) and exit non-zero.
 */
import { type CallArgs, mergeArgs } from './args.ts';
import { decodeStdin, type PluginConfig, parseConfig } from './config.ts';
import { type CniEnv, parseEnv } from './env.ts';
import { type CniErrorResult, cniErrorResult, toCniError } from './errors.ts';
import { isSupported, LATEST_VERSION, type VersionAnswer, versionAnswer } from './versions.ts';

export type Invocation =
  | { command: 'VERSION'; env: CniEnv; answer: VersionAnswer }
  | { command: Exclude<CniEnv['command'], 'VERSION'>; env: CniEnv; config: PluginConfig; args: CallArgs };

export function parseInvocation(
  env: Readonly<Record<string, string | undefined>>,
  stdin: string | Uint8Array,
): Invocation {
  try {
    const e = parseEnv(env);
    if (e.command === 'VERSION') {
      const text = typeof stdin === 'string' ? stdin : new TextDecoder().decode(stdin);
      return { command: 'VERSION', env: e, answer: versionAnswer(text) };
    }
    const config = parseConfig(decodeStdin(stdin), e.command);
    return { command: e.command, env: e, config, args: mergeArgs(e.args, config.args) };
  } catch (err) {
    // a defect in a check must still reach the runtime as a CNI error, never a stack trace
    throw toCniError(err);
  }
}

/**
 * The error result to print, in the config's cniVersion when stdin names a spoken one (the runtime
 * decodes it in that version), else the newest.
 */
export function errorOutput(err: unknown, stdin: string | Uint8Array | undefined): CniErrorResult {
  let version: string = LATEST_VERSION;
  try {
    const text =
      stdin === undefined ? '' : typeof stdin === 'string' ? stdin : new TextDecoder().decode(stdin);
    const asked = (JSON.parse(text) as { cniVersion?: unknown } | null)?.cniVersion;
    if (isSupported(asked)) version = asked;
  } catch {
    // undecodable stdin: answer in the newest version
  }
  return cniErrorResult(err, version);
}
