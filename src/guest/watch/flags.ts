/**
 * The flags of `osnet-guest watch` (its service settings), apart from the service itself so that defining
 * the CLI loads neither the HTTP server nor the watcher: every osnet-guest run defines them, only `watch`
 * runs the service.
 *
 * @example
 *   addWatchSettings(cli.command('watch')).action(async (flags: WatchFlags) => { ... });
 */
import { type Command, Option } from 'commander';
import { wholeNumber } from '../../cli/program.ts';
import { withSettings } from '../../service/settings.ts';

export interface WatchFlags {
  debounce: number;
  wait: number;
  poll: number;
  listen?: string;
  shutdownTimeout: number;
}

export const SOCKET_PATH = '/run/osnet-guest.sock';

export function addWatchSettings(cmd: Command): Command {
  return withSettings(
    cmd
      .addOption(
        new Option(
          '--listen <addr>',
          `health/readiness/metrics: unix:/PATH, HOST:PORT or none (default unix:${SOCKET_PATH} with --root /)`,
        ),
      )
      .option(
        '--shutdown-timeout <ms>',
        'longest wait for the sync in progress on SIGTERM',
        wholeNumber('--shutdown-timeout', 'milliseconds'),
        30_000,
      ),
    { envPrefix: 'OSNET_GUEST' },
  );
}
