/**
 * Runs the system tools apply needs (ip, ifup, netplan, nmcli, networkctl) without a shell, recording
 * every command so callers can report what was touched. A failed command becomes OSNET_ERR_APPLY carrying
 * the argv and the tool's stderr.
 *
 * @example
 *   const ex = new Exec();
 *   await ex.run(['ip', '-j', 'link', 'show']);
 */
import { execFile } from 'node:child_process';
import { OsnetError } from '../../lib/errors.ts';

export interface ExecResult {
  stdout: string;
  stderr: string;
}

export class Exec {
  /** Every command run, in order (read commands included when `recordReads` is set). */
  readonly history: string[][] = [];
  readonly timeoutMs: number;

  constructor(timeoutMs = 120_000) {
    this.timeoutMs = timeoutMs;
  }

  run(argv: string[], opts: { record?: boolean } = {}): Promise<ExecResult> {
    const [cmd, ...args] = argv;
    if (!cmd) throw new OsnetError('OSNET_ERR_INTERNAL', 'empty command');
    if (opts.record !== false) this.history.push(argv);
    return new Promise((resolve, reject) => {
      execFile(cmd, args, { timeout: this.timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (!err) return resolve({ stdout, stderr });
        const code = (err as NodeJS.ErrnoException).code;
        const why = stderr.trim() || (code === 'ENOENT' ? `${cmd} not found` : err.message);
        reject(
          new OsnetError('OSNET_ERR_APPLY', `${argv.join(' ')}: ${why}`, {
            command: argv,
            stderr: stderr.trim(),
            cause: err,
          }),
        );
      });
    });
  }

  /** Runs a read-only query; not recorded in history. */
  read(argv: string[]): Promise<ExecResult> {
    return this.run(argv, { record: false });
  }
}
