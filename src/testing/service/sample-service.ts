/**
 * A minimal service on the skeleton, for its tests: the CLI pattern, settings, a counter, and start/stop
 * that take as long as told, so a test can watch readiness before the start and during the stop.
 *
 * @example
 *   node src/service/testing/sample-service.ts run --listen 127.0.0.1:0 --stop-delay 1000
 */
import { access } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { cliLogger, createProgram, runCli, wholeNumber } from '../../cli/program.ts';
import { OsnetError } from '../../lib/errors.ts';
import { runService } from '../../service/service.ts';
import { withSettings } from '../../service/settings.ts';

interface Flags {
  listen?: string;
  startDelay: number;
  stopDelay: number;
  shutdownTimeout: number;
  failStart?: boolean;
  unhealthyIf?: string;
}

const ms = (flag: string) => wholeNumber(flag, 'milliseconds');
const cli = createProgram('osnet-sample', 'a sample service for the skeleton tests');
withSettings(
  cli
    .command('run')
    .option('--listen <addr>', 'where health, readiness and metrics answer')
    .option('--start-delay <ms>', 'how long start takes', ms('--start-delay'), 0)
    .option('--stop-delay <ms>', 'how long stop takes', ms('--stop-delay'), 0)
    .option('--shutdown-timeout <ms>', 'longest stop', ms('--shutdown-timeout'), 10_000)
    .option('--fail-start', 'fail while starting')
    .option('--unhealthy-if <file>', '/health fails while this file exists'),
  { envPrefix: 'OSNET_SAMPLE' },
).action(async (o: Flags) => {
  const log = await cliLogger('osnet-sample');
  process.exitCode = await runService({
    name: 'osnet-sample',
    log,
    listen: o.listen,
    shutdownTimeoutMs: o.shutdownTimeout,
    async start(ctx) {
      const starts = new ctx.prom.Counter({
        name: 'osnet_sample_starts_total',
        help: 'Completed starts',
        registers: [ctx.metrics],
      });
      await sleep(o.startDelay);
      if (o.failStart)
        throw new OsnetError('OSNET_ERR_CONFIG', 'sample refuses to start', { field: '--fail-start' });
      starts.inc();
      const flag = o.unhealthyIf;
      if (flag)
        ctx.setHealthCheck(async () => {
          const there = await access(flag).then(
            () => true,
            () => false,
          );
          if (there) throw new OsnetError('OSNET_ERR_IO', `${flag} exists`);
        });
      return {
        stop: async () => {
          log.info('sample stopping');
          await sleep(o.stopDelay);
        },
      };
    },
  });
});

void runCli(cli);
