/**
 * Newline-delimited JSON over a Unix socket, as QEMU's QMP monitor and qemu-guest-agent speak it: one
 * connection, messages read line by line; lines that are not JSON (a guest agent's leftovers from an
 * earlier client) are skipped. Test tooling for the real-VM tests.
 *
 * @example
 *   const s = await JsonSocket.connect('/tmp/vm/qmp.sock', 10_000);
 *   s.send({ execute: 'qmp_capabilities' });
 *   const reply = await s.next((m) => 'return' in m, 5_000);
 */
import { createConnection, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export type Message = Record<string, unknown>;

interface Waiter {
  match: (m: Message) => boolean;
  resolve: (m: Message) => void;
}

export class JsonSocket {
  private readonly sock: Socket;
  private buf = '';
  private readonly waiters: Waiter[] = [];
  /** Every message not claimed by a waiter, oldest first (QMP events end up here). */
  readonly unclaimed: Message[] = [];
  private closed = false;

  private constructor(sock: Socket) {
    this.sock = sock;
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => this.feed(d));
    sock.on('close', () => {
      this.closed = true;
    });
    sock.on('error', () => {
      this.closed = true;
    });
  }

  /** Connects, retrying until QEMU has created the socket or the time is up. */
  static async connect(path: string, timeoutMs: number): Promise<JsonSocket> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const sock = await new Promise<Socket>((resolve, reject) => {
          const s = createConnection(path, () => resolve(s));
          s.once('error', reject);
        });
        return new JsonSocket(sock);
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`cannot connect to ${path}: ${(err as Error).message}`);
        await sleep(200);
      }
    }
  }

  private feed(d: string): void {
    this.buf += d;
    for (let i = this.buf.indexOf('\n'); i >= 0; i = this.buf.indexOf('\n')) {
      const line = this.buf.slice(0, i).replace(/^[\s\xff]+/, '');
      this.buf = this.buf.slice(i + 1);
      if (!line.trim()) continue;
      let m: Message;
      try {
        m = JSON.parse(line) as Message;
      } catch {
        continue;
      }
      const w = this.waiters.findIndex((x) => x.match(m));
      if (w >= 0) this.waiters.splice(w, 1)[0]!.resolve(m);
      else this.unclaimed.push(m);
    }
  }

  send(m: Message): void {
    if (this.closed) throw new Error('socket closed');
    this.sock.write(`${JSON.stringify(m)}\n`);
  }

  /** The first message (already received or arriving) that matches, or an error after timeoutMs. */
  next(match: (m: Message) => boolean, timeoutMs: number): Promise<Message> {
    const i = this.unclaimed.findIndex(match);
    if (i >= 0) return Promise.resolve(this.unclaimed.splice(i, 1)[0]!);
    return new Promise<Message>((resolve, reject) => {
      const w: Waiter = {
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        const k = this.waiters.indexOf(w);
        if (k >= 0) this.waiters.splice(k, 1);
        reject(new Error(`no matching message within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      this.waiters.push(w);
    });
  }

  close(): void {
    this.sock.destroy();
  }
}
