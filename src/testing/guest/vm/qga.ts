/**
 * qemu-guest-agent over its virtio-serial socket: `guest-sync` to find a clean start of the stream, then
 * `guest-exec` of `/bin/sh -s` with the script as base64 input and `guest-exec-status` until it exits.
 * This is also the seed's path for handing the guest a base64 network_data.json.
 * Test tooling for the real-VM tests.
 *
 * @example
 *   const qga = await Qga.connect(join(dir, 'qga.sock'), 120_000);
 *   const r = await qga.sh('ip -j link');
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { JsonSocket } from './json-socket.ts';

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class Qga {
  private readonly sock: JsonSocket;

  private constructor(sock: JsonSocket) {
    this.sock = sock;
  }

  /** Connects and waits until the agent in the guest answers (it starts late in boot). */
  static async connect(path: string, timeoutMs: number): Promise<Qga> {
    const deadline = Date.now() + timeoutMs;
    const sock = await JsonSocket.connect(path, timeoutMs);
    const q = new Qga(sock);
    for (;;) {
      try {
        await q.sync(3_000);
        return q;
      } catch (err) {
        if (Date.now() > deadline) {
          sock.close();
          throw new Error(`guest agent did not answer within ${timeoutMs} ms: ${(err as Error).message}`);
        }
      }
    }
  }

  private async sync(timeoutMs: number): Promise<void> {
    const id = Math.floor(Math.random() * 2 ** 31);
    this.sock.send({ execute: 'guest-sync', arguments: { id } });
    await this.sock.next((m) => m.return === id, timeoutMs);
  }

  private async call(command: string, args: Record<string, unknown>, timeoutMs: number): Promise<unknown> {
    // The agent answers in order and carries no ids: one call at a time, after a sync.
    await this.sync(timeoutMs);
    // Replies to syncs that timed out earlier arrive before ours: anything left now is stale.
    this.sock.unclaimed.length = 0;
    this.sock.send({ execute: command, arguments: args });
    const r = await this.sock.next((m) => 'return' in m || 'error' in m, timeoutMs);
    if ('error' in r) throw new Error(`guest agent ${command}: ${JSON.stringify(r.error)}`);
    return r.return;
  }

  private queue: Promise<unknown> = Promise.resolve();

  /** Runs a program in the guest with optional stdin; resolves when it has exited. */
  exec(path: string, args: string[], input?: string, timeoutMs = 60_000): Promise<ExecResult> {
    const job = this.queue.then(() => this.execNow(path, args, input, timeoutMs));
    this.queue = job.catch(() => undefined);
    return job;
  }

  private async execNow(path: string, args: string[], input: string | undefined, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    const { pid } = (await this.call(
      'guest-exec',
      {
        path,
        arg: args,
        'capture-output': true,
        ...(input !== undefined ? { 'input-data': Buffer.from(input).toString('base64') } : {}),
      },
      10_000,
    )) as { pid: number };
    // short commands answer within the first polls; a long one (an apply under emulation) is polled less
    // often, each poll being work for the guest's one CPU
    for (let wait = 50; ; wait = Math.min(wait * 2, 1_000)) {
      const s = (await this.call('guest-exec-status', { pid }, 10_000)) as {
        exited: boolean;
        exitcode?: number;
        signal?: number;
        'out-data'?: string;
        'err-data'?: string;
      };
      if (s.exited) {
        return {
          code: s.exitcode ?? 128 + (s.signal ?? 0),
          stdout: Buffer.from(s['out-data'] ?? '', 'base64').toString('utf8'),
          stderr: Buffer.from(s['err-data'] ?? '', 'base64').toString('utf8'),
        };
      }
      if (Date.now() > deadline) throw new Error(`guest command ${path} ${args.join(' ')} still running`);
      await sleep(wait);
    }
  }

  /** A shell script in the guest (`sh -s`, the script on stdin). */
  sh(script: string, timeoutMs?: number): Promise<ExecResult> {
    return this.exec('/bin/sh', ['-s'], script, timeoutMs);
  }

  close(): void {
    this.sock.close();
  }
}
