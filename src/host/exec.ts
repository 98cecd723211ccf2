/**
 * Runs system tools (ip, ifup, netplan, nmcli, networkctl, wg, ...) without a shell, recording every
 * changing command so callers can report what they touched. A failed command becomes an OsnetError
 * (OSNET_ERR_COMMAND unless the caller names its own code) carrying the argv and the tool's stderr.
 *
 * @example
 *   const ex = new Exec();
 *   await ex.run(['ip', 'link', 'set', 'eth1', 'up']);
 *   const { stdout } = await ex.read(['ip', '-j', 'link', 'show']); // not in ex.history
 */
import { execFile } from 'node:child_process';
import { type ErrorCode, OsnetError } from '../lib/errors.ts';

export interface ExecResult {
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** Longest a command may run, ms (default 120 s). */
  timeoutMs?: number;
  /** Code of the error a failed command raises (default OSNET_ERR_COMMAND). */
  code?: ErrorCode;
}

export class Exec {
  /** Every command `run` ran, in order; `read` queries are left out. */
  readonly history: string[][] = [];
  readonly timeoutMs: number;
  readonly code: ErrorCode;

  constructor(opts: ExecOptions | number = {}) {
    const o = typeof opts === 'number' ? { timeoutMs: opts } : opts;
    this.timeoutMs = o.timeoutMs ?? 120_000;
    this.code = o.code ?? 'OSNET_ERR_COMMAND';
  }

  /** `input` goes to the command's stdin (e.g. `ip -batch -`); without it stdin is left open and unread. */
  run(argv: string[], opts: { record?: boolean; input?: string } = {}): Promise<ExecResult> {
    const [cmd, ...args] = argv;
    if (!cmd) return Promise.reject(new OsnetError('OSNET_ERR_INTERNAL', 'empty command'));
    if (opts.record !== false) this.history.push(argv);
    return new Promise((resolve, reject) => {
      const child = execFile(
        cmd,
        args,
        { timeout: this.timeoutMs, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          if (!err) return resolve({ stdout, stderr });
          const e = err as NodeJS.ErrnoException & { killed?: boolean };
          const why =
            stderr.trim() ||
            (e.code === 'ENOENT'
              ? `${cmd} not found`
              : e.killed
                ? `timed out after ${this.timeoutMs} ms`
                : err.message);
          reject(
            new OsnetError(this.code, `${argv.join(' ')}: ${why}`, {
              command: argv,
              stderr: stderr.trim(),
              cause: err,
            }),
          );
        },
      );
      if (opts.input !== undefined) {
        // a command that exits before reading all of it closes the pipe: its exit status tells what happened
        child.stdin?.on('error', () => undefined);
        child.stdin?.end(opts.input);
      }
    });
  }

  /** Runs a read-only query; not recorded in history. */
  read(argv: string[]): Promise<ExecResult> {
    return this.run(argv, { record: false });
  }
}
