/**
 * `osnet policy ...`: operator commands of the policy server. Registered on the osnet program by
 * src/cmd/osnet.ts; the certificate code loads only when the command runs.
 *
 * @example
 *   osnet policy certs --out /etc/osnet/policy --server-name policy.example,10.0.0.5 --days 365
 */
import type { Command } from 'commander';
import { wholeNumber } from '../../cli/program.ts';

export function registerPolicy(program: Command): void {
  const policy = program.command('policy').description('the app-to-app policy server');
  policy
    .command('certs')
    .description('make a CA, a server and a client certificate for the internal API (mutual TLS)')
    .requiredOption(
      '--out <dir>',
      'directory for ca.crt, ca.key, server.crt, server.key, client.crt, client.key',
    )
    .option(
      '--days <n>',
      'lifetime of the server and client certificates',
      wholeNumber('--days', 'days'),
      365,
    )
    .option(
      '--server-name <names>',
      'comma-separated DNS names or IPs of the server (localhost, 127.0.0.1 always)',
    )
    .option('--force', 'replace existing files')
    .action(async (o: { out: string; days: number; serverName?: string; force?: boolean }) => {
      const { generateCerts } = await import('./generate.ts');
      const { writeCerts } = await import('./write.ts');
      const serverNames = (o.serverName ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const set = await generateCerts({ serverNames, days: o.days });
      const written = await writeCerts(o.out, set, { force: o.force === true });
      for (const f of written) console.log(f);
    });
}
