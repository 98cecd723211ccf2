/**
 * A long-running osnet service as a child process (tests only): its log collected, and the address each of
 * its listeners logged (`{"msg":"listening","server":NAME,"address":...}`; the health listener logs no
 * `server`) awaited, failing with the log when the process exits or the wait runs out.
 *
 * @example
 *   const p = spawnService([bin, '--listen', '127.0.0.1:0'], { env });
 *   const addr = await p.addr('portal');
 *   p.child.kill('SIGTERM'); assert.equal(await p.exited, 0);
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface ServiceProcess {
  child: ChildProcess;
  /** Everything it wrote to the collected streams so far. */
  log(): string;
  /** Its exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /** The address the listener `server` logged ('health' for the health listener). */
  addr(server: string, timeoutMs?: number): Promise<string>;
}

export function spawnService(
  argv: string[],
  o: { env?: NodeJS.ProcessEnv; stdout?: boolean } = {},
): ServiceProcess {
  const child = spawn(process.execPath, argv, {
    stdio: ['ignore', o.stdout ? 'pipe' : 'ignore', 'pipe'],
    env: o.env ?? process.env,
  });
  let text = '';
  const collect = (b: Buffer) => {
    text += b.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    log: () => text,
    exited,
    async addr(server, timeoutMs = 20_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        for (const l of text.split('\n')) {
          if (!l.startsWith('{')) continue;
          const r = JSON.parse(l) as { msg?: string; server?: string; address?: string };
          if (r.msg === 'listening' && (r.server ?? 'health') === server) return r.address!;
        }
        if (child.exitCode !== null || Date.now() > end) throw new Error(`no ${server} listener:\n${text}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
