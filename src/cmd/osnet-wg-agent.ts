/**
 * `osnet-wg-agent`: runs the WireGuard hubs Neutron binds to this host (see src/wireguard/agent.ts and the files it names).
 * `--once` makes one pass and exits (0, or the failure's status); otherwise it passes every --interval
 * seconds with /healthz, /readyz and /metrics on --listen.
 */
import { hostname } from 'node:os';
import { createProgram, runCli, wholeNumber } from '../cli/program.ts';
import { OsnetError } from '../lib/errors.ts';
import '../openstack/error-codes.ts';
import '../wireguard/error-codes.ts';

interface Flags {
  host: string;
  once?: boolean;
  dryRun?: boolean;
  stateDir: string;
  interval: number;
  osCloud?: string;
  endpointAddress?: string;
  listen?: string;
  statusInterval: number;
}

const program = createProgram('osnet-wg-agent', 'WireGuard hubs of Neutron on this network host')
  .option('--host <name>', 'binding:host_id of the hubs to run', hostname())
  .option('--once', 'one pass, then exit (non-zero on failure)')
  .option('--dry-run', 'print what would change; change nothing')
  .option('--state-dir <dir>', 'keys and state (kept across restarts)', '/var/lib/osnet-wg')
  .option('--interval <seconds>', 'time between passes', wholeNumber('--interval', 'seconds'), 30)
  .option('--os-cloud <name>', 'cloud from clouds.yaml (default: $OS_CLOUD, else the OS_* environment)')
  .option(
    '--endpoint-address <ip>',
    "address spokes reach this host at (default: the default route's source)",
  )
  .option('--listen <addr>', 'health and metrics: unix:/path or [host]:port')
  .option(
    '--status-interval <seconds>',
    'shortest time between status write-backs per spoke',
    wholeNumber('--status-interval', 'seconds'),
    300,
  )
  .action(async () => {
    const f = program.opts<Flags>();
    const { openCloud } = await import('../openstack/client/cloud.ts');
    const { Agent } = await import('../wireguard/agent.ts');
    const { detectEndpointAddress } = await import('../wireguard/host-info.ts');
    const cloud = await openCloud(f.osCloud ? { cloud: f.osCloud } : {});
    const net = await cloud.network();
    const agent = new Agent(net, {
      host: f.host,
      stateDir: f.stateDir,
      dryRun: f.dryRun === true,
      endpointAddress: f.endpointAddress ?? (await detectEndpointAddress()),
      statusIntervalMs: f.statusInterval * 1000,
      log: (l) => process.stderr.write(`osnet-wg-agent: ${l}\n`),
    });
    if (f.once) {
      try {
        const r = await agent.pass();
        console.log(
          JSON.stringify({
            hubs: r.hubs,
            spokes: r.spokes,
            actions: r.actions,
            skipped: r.skipped,
            drift: r.drift,
            failures: r.failures,
            neutronCalls: r.neutronCalls,
            neutronWrites: r.neutronWrites,
            kernelWrites: r.kernelWrites,
          }),
        );
        if (r.failures.length > 0)
          throw new OsnetError(
            'OSNET_ERR_WG_RECONCILE',
            r.failures.map((x) => `hub ${x.hub}: ${x.error}`).join('; '),
          );
      } finally {
        await cloud.close();
      }
      return;
    }
    const { runService } = await import('../service/service.ts');
    const { agentMetrics } = await import('../wireguard/metrics.ts');
    const { cliLogger } = await import('../cli/program.ts');
    const log = await cliLogger('osnet-wg-agent');
    process.exitCode = await runService({
      name: 'osnet-wg-agent',
      log,
      listen: f.listen,
      start: async (ctx) => {
        const m = agentMetrics(ctx.prom, ctx.metrics);
        let timer: NodeJS.Timeout | undefined;
        let running: Promise<void> = Promise.resolve();
        const tick = () => {
          running = (async () => {
            const t0 = performance.now();
            try {
              const r = await agent.pass();
              m.record(r, (performance.now() - t0) / 1000);
              ctx.setReady(
                r.failures.length === 0,
                r.failures.length ? `${r.failures.length} hub(s) failed` : undefined,
              );
            } catch (e) {
              ctx.setReady(false, (e as Error).message);
              log.error({ err: e }, 'pass failed');
            }
            if (!ctx.signal.aborted) timer = setTimeout(tick, f.interval * 1000);
          })();
        };
        tick();
        return {
          stop: async () => {
            clearTimeout(timer);
            await running;
            await cloud.close();
          },
        };
      },
    });
  });

void runCli(program);
