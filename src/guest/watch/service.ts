/**
 * `osnet-guest watch` as a service on the shared skeleton (src/service): settings from flags, the
 * OSNET_GUEST_* environment and `--config FILE`; ready once the first sync is done; metrics of syncs and
 * NIC events; SIGTERM stops the watcher after the sync in progress.
 * Health, readiness and metrics answer on `--listen` (default `unix:/run/osnet-guest.sock` when --root is
 * `/`, none otherwise; `none` turns them off).
 *
 * @example
 *   process.exitCode = await runWatch(flags, await agentOptions(flags, log), log);
 */
import { join } from 'node:path';
import type { Logger } from '../../lib/log.ts';
import { runService } from '../../service/service.ts';
import type { AgentOptions } from '../agent.ts';
import { SOCKET_PATH, type WatchFlags } from './flags.ts';
import { Watcher } from './watcher.ts';

export { addWatchSettings, SOCKET_PATH, type WatchFlags } from './flags.ts';

function listenFor(flags: WatchFlags, root: string): string | undefined {
  if (flags.listen === 'none' || flags.listen === '') return undefined;
  if (flags.listen) return flags.listen;
  return root === '/' ? `unix:${join(root, SOCKET_PATH)}` : undefined;
}

export function runWatch(flags: WatchFlags, agent: AgentOptions, log: Logger): Promise<number> {
  return runService({
    name: 'osnet-guest',
    log,
    listen: listenFor(flags, agent.root),
    shutdownTimeoutMs: flags.shutdownTimeout,
    async start(ctx) {
      const syncs = new ctx.prom.Counter({
        name: 'osnet_guest_syncs_total',
        help: 'Syncs of the network configuration with the metadata, by result',
        labelNames: ['result'],
        registers: [ctx.metrics],
      });
      const events = new ctx.prom.Counter({
        name: 'osnet_guest_nic_events_total',
        help: 'NIC add/remove events that triggered a sync',
        labelNames: ['action'],
        registers: [ctx.metrics],
      });
      const w = new Watcher({
        ...agent,
        debounceMs: flags.debounce,
        waitMs: flags.wait,
        pollMs: flags.poll,
        onSync: (r) => {
          syncs.inc({ result: r.ok ? 'ok' : 'error' });
          for (const e of r.events) events.inc({ action: e.action });
        },
      });
      await w.start();
      log.info('watching NIC events');
      return { stop: () => w.stop() };
    },
  });
}
