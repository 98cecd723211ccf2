/**
 * A continuous ping (every 200 ms) from the VM's namespace to one guest address, kept for the length of a
 * scenario: `firstReply()` gives when the address started answering (a NIC being configured), `stop()` how
 * many echoes between the first and last answer went unanswered (a NIC that should not change). Test
 * tooling for the real-VM tests.
 *
 * @example
 *   const p = Ping.start(vm.ns.name, '10.91.0.10');
 *   ...
 *   const { lost } = await p.stop();
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

export interface PingSummary {
  addr: string;
  sent: number;
  answered: number;
  /** Echoes after the first answer and before the last one that got no answer. */
  lost: number;
  lastSeq: number;
  lastAnsweredSeq: number;
}

export class Ping {
  readonly addr: string;
  private readonly child: ChildProcess;
  private readonly answered = new Set<number>();
  private lastSeq = 0;
  private buf = '';
  private readonly replyWaiters: { resolve: (t: number) => void; reject: (e: Error) => void }[] = [];
  private firstAt: number | undefined;
  private stopping = false;
  private stderr = '';
  /** Why ping ended before stop() (no route to the address, bad argument): waiting on it is pointless. */
  private died: Error | undefined;

  private constructor(ns: string, addr: string) {
    this.addr = addr;
    this.child = spawn('ip', ['netns', 'exec', ns, 'ping', '-n', '-O', '-i', '0.2', addr], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.setEncoding('utf8');
    this.child.stdout?.on('data', (d: string) => this.feed(d));
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (d: string) => {
      this.stderr += d;
    });
    this.child.on('exit', (code) => {
      if (this.stopping) return;
      this.died = new Error(`${addr}: ping exited (${code}) before an answer: ${this.stderr.trim()}`);
      for (const w of this.replyWaiters.splice(0)) w.reject(this.died);
    });
  }

  static start(ns: string, addr: string): Ping {
    return new Ping(ns, addr);
  }

  private feed(d: string): void {
    this.buf += d;
    for (let i = this.buf.indexOf('\n'); i >= 0; i = this.buf.indexOf('\n')) {
      const line = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 1);
      const seq = Number(/icmp_seq=(\d+)/.exec(line)?.[1] ?? Number.NaN);
      if (!Number.isFinite(seq)) continue;
      this.lastSeq = Math.max(this.lastSeq, seq);
      if (/bytes from/.test(line)) {
        this.answered.add(seq);
        if (this.firstAt === undefined) {
          this.firstAt = Date.now();
          for (const w of this.replyWaiters.splice(0)) w.resolve(this.firstAt);
        }
      }
    }
  }

  /** When the first answer came (ms since the epoch); rejects after timeoutMs without one. */
  firstReply(timeoutMs: number): Promise<number> {
    if (this.firstAt !== undefined) return Promise.resolve(this.firstAt);
    if (this.died) return Promise.reject(this.died);
    return new Promise((resolve, reject) => {
      // unref: a wait nobody awaits any more (its scenario failed) must not keep the test process alive
      const timer = setTimeout(
        () => reject(new Error(`${this.addr}: no ping answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      timer.unref();
      this.replyWaiters.push({
        resolve: (t) => {
          clearTimeout(timer);
          resolve(t);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  async stop(): Promise<PingSummary> {
    this.stopping = true;
    if (this.child.exitCode === null) {
      const gone = once(this.child, 'exit');
      this.child.kill('SIGINT');
      await gone;
    }
    const seqs = [...this.answered].sort((a, b) => a - b);
    const first = seqs[0] ?? 0;
    const last = seqs.at(-1) ?? 0;
    return {
      addr: this.addr,
      sent: this.lastSeq,
      answered: seqs.length,
      lost: seqs.length === 0 ? 0 : last - first + 1 - seqs.length,
      lastSeq: this.lastSeq,
      lastAnsweredSeq: last,
    };
  }
}
