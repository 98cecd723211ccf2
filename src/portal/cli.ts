/**
 * `osnet-portal bootstrap` (also reached as `osnet portal bootstrap`, launcher.ts): creates the first staff
 * user (refused while one exists, unless `--force`), with the password from stdin or a generated one
 * printed once.
 *
 * @example
 *   registerBootstrap(cli);
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { withSettings } from '../service/settings.ts';

export interface StoreFlags {
  db?: string;
  stateDir: string;
}

export const dbUrl = (f: StoreFlags) => f.db ?? `sqlite:${join(f.stateDir, 'portal.db')}`;

export function registerBootstrap(parent: Command): Command {
  const bootstrap = withSettings(
    parent
      .command('bootstrap')
      .description('create the first staff user (refused when one exists, unless --force)')
      .option('--db <url>', 'store: postgres://… or sqlite:/file.db (default: sqlite:<state-dir>/portal.db)')
      .option('--state-dir <dir>', 'where the embedded store lives', '/var/lib/osnet-portal')
      .option('--username <name>', 'the staff user', 'admin')
      .option('--email <address>', 'its email')
      .option('--password-stdin', 'read the password from stdin (default: generate one and print it once)')
      .option('--force', 'when a staff user exists: make --username staff with the new password'),
    { envPrefix: 'OSNET_PORTAL' },
  ).action(async () => {
    const f = bootstrap.opts<
      StoreFlags & { username: string; email?: string; passwordStdin?: boolean; force?: boolean }
    >();
    let password: string | undefined;
    if (f.passwordStdin) {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      password = Buffer.concat(chunks)
        .toString('utf8')
        .replace(/\r?\n$/, '');
    }
    await import('./error-codes.ts');
    await import('../store/error-codes.ts');
    const { openPortalStore } = await import('./store/index.ts');
    const { bootstrapStaff } = await import('./bootstrap.ts');
    const store = await openPortalStore({ url: dbUrl(f) });
    try {
      const r = await bootstrapStaff(store, {
        username: f.username,
        email: f.email,
        password,
        force: f.force,
      });
      process.stdout.write(`${r.replaced ? 'reset' : 'created'} staff user ${f.username} (${r.uuid})\n`);
      if (r.generated) process.stdout.write(`password: ${r.password}\n(shown once: keep it now)\n`);
    } finally {
      await store.close();
    }
  });
  return bootstrap;
}
