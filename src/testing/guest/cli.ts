/**
 * Test helper: runs the osnet-guest CLI from source with the project's Node, optionally inside a network
 * namespace, and collects its output and pino log lines.
 *
 * @example
 *   const r = await runCli(['validate', '--input', file]);
 *   r.code; // 0
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectOutput } from './run.ts';

export const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'cmd', 'osnet-guest.ts');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function cliArgv(args: string[], netns?: string): string[] {
  const node = [process.execPath, CLI, ...args];
  return netns ? ['ip', 'netns', 'exec', netns, ...node] : node;
}

export interface CliOptions {
  netns?: string;
  input?: string;
  /** Extra environment (e.g. DBUS_SYSTEM_BUS_ADDRESS of a private bus), over this process's. */
  env?: Record<string, string>;
}

export function spawnCli(args: string[], opts: CliOptions = {}): ChildProcess {
  const [cmd, ...rest] = cliArgv(args, opts.netns);
  const env = opts.env ? { ...process.env, ...opts.env } : process.env;
  const child = spawn(cmd!, rest, { stdio: ['pipe', 'pipe', 'pipe'], env });
  child.stdin?.end(opts.input ?? '');
  return child;
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, opts);
  const out = collectOutput(child);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, ...out })));
}

/** The pino records in a log text (other lines ignored). */
export function logRecords(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{"level"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Polls `check` until it returns true or `ms` passes. */
export async function until(
  check: () => boolean | Promise<boolean>,
  ms: number,
  what: string,
): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}
