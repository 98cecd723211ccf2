/**
 * The engine's flags of `osnet-portal serve` (also `OSNET_PORTAL_<FLAG>` and `--config` keys), in seconds
 * where they are durations, and their mapping to the engine's options.
 *
 * @example
 *   addEngineFlags(cli.command('serve'));
 *   startPortal({ …, engine: { …, options: engineOptions(cmd.opts()) } });
 */
import type { Command } from 'commander';
import { wholeNumber } from '../../cli/program.ts';
import { OsnetError } from '../../lib/errors.ts';
import type { EngineOptions } from './index.ts';

export interface EngineFlags {
  jobConcurrency: number;
  jobsPerProvider: number;
  jobLease: number;
  jobAttempts: number;
  jobBackoff: number;
  pullGrace: number;
  stuckAfter: number;
  schedules: boolean;
  scheduleQuotas: number;
  scheduleResources: number;
  scheduleSubresources: number;
  scheduleProperties: number;
  scheduleStuck: number;
}

const s = (flag: string) => wholeNumber(flag, 'seconds');

export function addEngineFlags(cmd: Command): Command {
  return cmd
    .option('--job-concurrency <n>', 'jobs this process runs at once', wholeNumber('--job-concurrency'), 4)
    .option(
      '--jobs-per-provider <n>',
      'create/delete jobs running at once per provider, all replicas together (0: no limit)',
      wholeNumber('--jobs-per-provider'),
      2,
    )
    .option(
      '--job-lease <seconds>',
      "a job's lease, renewed while it runs; a dead replica's job runs again after it",
      s('--job-lease'),
      60,
    )
    .option(
      '--job-attempts <n>',
      'runs of a job with retriable OpenStack faults before its resource is ERRED',
      wholeNumber('--job-attempts'),
      5,
    )
    .option(
      '--job-backoff <seconds>',
      'first wait before a retry; doubled each time, at most 300 s',
      s('--job-backoff'),
      5,
    )
    .option(
      '--pull-grace <seconds>',
      'how long a resource missing in OpenStack stays before a pull removes it',
      s('--pull-grace'),
      3600,
    )
    .option(
      '--stuck-after <seconds>',
      'a transitional state this old with no job is set ERRED',
      s('--stuck-after'),
      3600,
    )
    .option('--no-schedules', 'run no schedules in this process (other replicas do)')
    .option('--schedule-quotas <seconds>', 'quota pulls', s('--schedule-quotas'), 12 * 3600)
    .option(
      '--schedule-resources <seconds>',
      'pulls of the kinds directly in a tenant',
      s('--schedule-resources'),
      3600,
    )
    .option(
      '--schedule-subresources <seconds>',
      'pulls of sub-resources (subnets)',
      s('--schedule-subresources'),
      2 * 3600,
    )
    .option(
      '--schedule-properties <seconds>',
      "pulls of the tenants' own projects",
      s('--schedule-properties'),
      24 * 3600,
    )
    .option('--schedule-stuck <seconds>', 'stuck cleanup', s('--schedule-stuck'), 3600);
}

const ms = (seconds: number, flag: string) => {
  if (seconds <= 0)
    throw new OsnetError('OSNET_ERR_CONFIG', `${flag} must be at least 1 second`, { field: flag });
  return seconds * 1000;
};

export function engineOptions(
  f: EngineFlags,
): Omit<EngineOptions, 'store' | 'log' | 'providers' | 'tenants' | 'kinds' | 'secrets'> {
  return {
    runner: {
      concurrency: Math.max(1, f.jobConcurrency),
      perProvider: f.jobsPerProvider,
      leaseMs: ms(f.jobLease, '--job-lease'),
      maxAttempts: Math.max(1, f.jobAttempts),
      backoff: { baseMs: ms(f.jobBackoff, '--job-backoff'), maxMs: Math.max(300_000, f.jobBackoff * 1000) },
    },
    missingGraceMs: f.pullGrace * 1000,
    stuckAfterMs: ms(f.stuckAfter, '--stuck-after'),
    schedules: f.schedules
      ? {
          quotas: ms(f.scheduleQuotas, '--schedule-quotas'),
          resources: ms(f.scheduleResources, '--schedule-resources'),
          subresources: ms(f.scheduleSubresources, '--schedule-subresources'),
          properties: ms(f.scheduleProperties, '--schedule-properties'),
          stuck: ms(f.scheduleStuck, '--schedule-stuck'),
        }
      : false,
  };
}
