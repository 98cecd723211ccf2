/**
 * `watch`: applies the metadata once, then follows NIC add/remove. Events are debounced (a hot-plug of
 * several NICs, or udev's burst of add + rename + change, becomes one sync) and syncs never overlap: an
 * event during a sync schedules one more afterwards.
 *
 * @example
 *   const w = new Watcher({ ...agentOptions, debounceMs: 500, waitMs: 60000, pollMs: 2000 });
 *   await w.start();
 *   process.on('SIGTERM', () => w.stop());
 */
import { type LinkEvent, LinkMonitor } from '../../host/link-monitor.ts';
import { toOsnetError } from '../../lib/errors.ts';
import { type AgentOptions, syncOnce } from '../agent.ts';

export interface WatchOptions extends AgentOptions {
  debounceMs: number;
  /** Bounded wait for the metadata to follow a NIC event, ms. */
  waitMs: number;
  pollMs: number;
  /** Called after each sync (tests, metrics). */
  onSync?: (r: { ok: boolean; events: LinkEvent[]; error?: string; touched: string[] }) => void;
}

export class Watcher {
  private readonly opts: WatchOptions;
  private readonly monitor: LinkMonitor;
  private pending: LinkEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** Aborts a sync's wait for the metadata when the service stops. */
  private readonly stopping = new AbortController();

  constructor(opts: WatchOptions) {
    this.opts = opts;
    this.monitor = new LinkMonitor({
      ...(opts.netns ? { netns: opts.netns } : {}),
      onEvent: (e) => this.event(e),
      onError: (err) => opts.log.error({ err: err.message }, 'link monitor'),
    });
  }

  /** Queues an event (also used for events delivered by the udev rule). */
  event(e: LinkEvent): void {
    if (this.stopped) return;
    this.opts.log.info({ nic: e.ifname, mac: e.mac, event: e.action }, 'NIC event');
    this.pending.push(e);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.opts.debounceMs);
  }

  private async flush(): Promise<void> {
    // One sync at a time; a batch that arrives meanwhile runs when the current one is done.
    while (this.running) await this.running;
    if (this.timer || this.pending.length === 0) return;
    const events = this.pending;
    this.pending = [];
    await this.track(this.sync(events));
    if (this.pending.length > 0 && !this.timer) void this.flush();
  }

  private track(p: Promise<void>): Promise<void> {
    this.running = p.finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sync(events: LinkEvent[]): Promise<void> {
    const { log } = this.opts;
    try {
      const r = await syncOnce(this.opts, {
        events,
        waitMs: this.opts.waitMs,
        pollMs: this.opts.pollMs,
        signal: this.stopping.signal,
      });
      log.info({ touched: r.touched, changes: r.changes.length }, 'sync done');
      this.opts.onSync?.({ ok: true, events, touched: r.touched });
    } catch (err) {
      if (this.stopping.signal.aborted) {
        log.info({ events: events.length }, 'stopped while waiting for the metadata; the next start syncs');
        return;
      }
      const e = toOsnetError(err);
      log.error(
        { code: e.code, err: e.message, field: e.field },
        'sync failed; will retry on the next event',
      );
      this.opts.onSync?.({ ok: false, events, error: e.message, touched: [] });
    }
  }

  /** First sync, then follow link events. */
  async start(): Promise<void> {
    await this.monitor.start();
    await this.track(this.sync([]));
    if (this.pending.length > 0 && !this.timer) void this.flush();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.monitor.stop();
    this.stopping.abort();
    await this.running;
  }
}
