/**
 * The one pattern every osnet executable follows: commander, the version from package.json, usage errors
 * exit 64 (OSNET_ERR_USAGE), a failure prints `<prog>: CODE: message` on stderr and exits with its code's
 * exit status, plus the error as one JSON line when OSNET_LOG_FORMAT=json or the command ran with `--json`.
 * Nothing heavy loads with this module (the thin CNI plugin starts on it): the logger comes with `cliLogger`.
 *
 * @example
 *   const cli = createProgram('osnet', 'OpenStack networking for every workload');
 *   cli.command('doctor').action(async () => { ... });
 *   void runCli(cli);
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import pkg from '../../package.json' with { type: 'json' };
import { errorSpec, type OsnetError, toOsnetError } from '../lib/errors.ts';
import type { Logger } from '../lib/log.ts';
import type { Log } from '../lib/log-lines.ts';
import { redactObject, redactText } from '../lib/redact.ts';

export const VERSION: string = pkg.version;

/** Whether failures also print as a JSON line (set by runCli from the environment and `--json`). */
const jsonMode = new WeakMap<Command, boolean>();

export function createProgram(name: string, description: string): Command {
  const cli = new Command(name)
    .description(description)
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({
      // commander's usage messages in the shape of every other failure
      outputError: (text, write) => write(`${name}: OSNET_ERR_USAGE: ${text.replace(/^error: /, '')}`),
    });
  cli.hook('preAction', (_root, action) => {
    if (action.opts().json === true) jsonMode.set(cli, true);
  });
  return cli;
}

/** A commander argument parser for a whole number (`unit` names it in the usage error). */
export function wholeNumber(flag: string, unit = '') {
  return (v: string): number => {
    if (!/^[0-9]+$/.test(v))
      throw new InvalidArgumentError(`${flag} must be a whole number${unit ? ` of ${unit}` : ''}`);
    return Number(v);
  };
}

/** The redacting logger of src/lib/log.ts on stderr, loaded on first use. */
export async function cliLogger(name: string): Promise<Logger> {
  const { createLogger } = await import('../lib/log.ts');
  return createLogger(name, {}, 2);
}

/**
 * The small JSON-lines logger of src/lib/log-lines.ts on stderr (pino's line shape, the same redaction), for
 * commands that run and exit: pino alone is about 7 MiB and 40 ms of such a process.
 */
export async function cliLineLogger(name: string): Promise<Log> {
  const { lineLogger } = await import('../lib/log-lines.ts');
  return lineLogger(name, 2);
}

function report(name: string, e: OsnetError, json: boolean): void {
  let out = `${name}: ${e.code}: ${redactText(e.message)}\n`;
  if (json) out += `${JSON.stringify(redactObject(e.toJSON()))}\n`;
  process.stderr.write(out);
}

/**
 * Parses `argv`, runs the action and returns the exit status (also set as process.exitCode; an action may
 * set process.exitCode itself, e.g. 1 for a failed check, and that is kept).
 */
export async function runCli(cli: Command, argv: readonly string[] = process.argv): Promise<number> {
  const json = () => process.env.OSNET_LOG_FORMAT === 'json' || jsonMode.get(cli) === true;
  let code: number;
  try {
    await cli.parseAsync(argv as string[]);
    code = Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander has printed the usage problem, or the help or version asked for
      code = err.exitCode === 0 ? 0 : errorSpec('OSNET_ERR_USAGE').exit;
      if (code !== 0 && json()) {
        const message = err.message.replace(/^error: /, '');
        process.stderr.write(`${JSON.stringify({ code: 'OSNET_ERR_USAGE', message })}\n`);
      }
    } else {
      const e = toOsnetError(err);
      report(cli.name(), e, json());
      code = e.exitCode;
    }
  }
  process.exitCode = code;
  return code;
}
