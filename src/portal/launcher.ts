/**
 * `osnet portal bootstrap …`: the name for `osnet-portal bootstrap`, run as that executable
 * beside this one (dist/bin/osnet → dist/bin/osnet-portal; src/cmd/osnet.ts → src/cmd/osnet-portal.ts)
 * with the same arguments, stdin and stdout, and its exit code. A launcher rather than the command
 * itself: the portal's store drivers would otherwise be in every `osnet` run's bundle (+0.8 MB, about
 * 30 ms more per start, measured).
 *
 * @example
 *   registerPortalLauncher(program);
 */
import type { Command } from 'commander';

export function registerPortalLauncher(program: Command): void {
  program
    .command('portal')
    .description('the tenant self-service API (runs osnet-portal)')
    .command('bootstrap')
    .description('create the first staff user: osnet-portal bootstrap (its --help has the options)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async () => {
      const { spawn } = await import('node:child_process');
      const { basename, dirname, join } = await import('node:path');
      const self = process.argv[1] ?? '';
      const sibling = join(dirname(self), basename(self).replace(/^osnet/, 'osnet-portal'));
      const args = process.argv.slice(process.argv.indexOf('bootstrap'));
      const child = spawn(process.execPath, [...process.execArgv, sibling, ...args], { stdio: 'inherit' });
      process.exitCode = await new Promise<number>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
      });
    });
}
