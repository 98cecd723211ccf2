/**
 * curl as a TLS client (tests only): the exit status, the HTTP status and body, and curl's own error.
 *
 * @example
 *   const r = await curl(['--cacert', ca, '--cert', crt, '--key', key, url]);
 *   r.status; // 200, or undefined when the handshake failed
 */
import { execFile } from 'node:child_process';

export interface CurlResult {
  exit: number;
  status: number | undefined;
  body: string;
  headers: Record<string, string>;
  stderr: string;
}

export function curl(args: string[]): Promise<CurlResult> {
  const mark = '\n--osnet-status--';
  return new Promise((resolve) => {
    execFile(
      'curl',
      ['-sS', '--max-time', '10', '-D', '-', '-w', `${mark}%{http_code}`, ...args],
      { encoding: 'utf8' },
      (err, stdout, stderr) => {
        const e = err as { code?: unknown; signal?: string } | null;
        const exit = e ? (typeof e.code === 'number' ? e.code : 128) : 0;
        const at = stdout.lastIndexOf(mark);
        const code = at >= 0 ? Number(stdout.slice(at + mark.length)) : 0;
        // -D - puts the header block first on stdout (a file such as /dev/stderr made curl 7.88 crash)
        const out = at >= 0 ? stdout.slice(0, at) : stdout;
        const end = out.indexOf('\r\n\r\n');
        const headers: Record<string, string> = {};
        for (const line of (end >= 0 ? out.slice(0, end) : '').split('\r\n')) {
          const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
          if (m) headers[m[1]!.toLowerCase()] = m[2]!;
        }
        resolve({
          exit,
          status: code > 0 ? code : undefined,
          body: end >= 0 ? out.slice(end + 4) : out,
          headers,
          stderr,
        });
      },
    );
  });
}
