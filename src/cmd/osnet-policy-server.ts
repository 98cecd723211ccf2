/**
 * `osnet-policy-server`: the app-to-app policy server (docs/policy.md). The internal API for enforcers on
 * --internal-listen, mutual TLS only (--ca, --cert, --key); the external API for users on
 * --external-listen, Keystone tokens, HTTPS with --external-cert/--external-key (plain HTTP on loopback
 * only; `off` serves none); the store at --db (default: an embedded file in --state-dir); /healthz,
 * /health (checks the store), /readyz and /metrics on --health-listen. Every flag is also
 * OSNET_POLICY_<FLAG> in the environment or a key of --config FILE.
 */
import { join } from 'node:path';
import { Option } from 'commander';
import { cliLogger, createProgram, runCli } from '../cli/program.ts';
import { OsnetError } from '../lib/errors.ts';
import '../openstack/error-codes.ts';
import '../server/error-codes.ts';
import { withSettings } from '../service/settings.ts';
import '../store/error-codes.ts';

interface Flags {
  db?: string;
  stateDir: string;
  internalListen: string;
  externalListen: string;
  healthListen: string;
  ca?: string;
  cert?: string;
  key?: string;
  externalCert?: string;
  externalKey?: string;
  internalTlsMin: 'TLSv1.2' | 'TLSv1.3';
  internalTlsMax: 'TLSv1.2' | 'TLSv1.3';
  internalCiphers: string;
  osCloud?: string;
}

const VERSIONS = ['TLSv1.2', 'TLSv1.3'];
const cli = createProgram(
  'osnet-policy-server',
  'app-to-app policy server (internal mTLS API, external API)',
);

withSettings(
  cli
    .option('--db <url>', 'store: postgres://… or sqlite:/file.db (default: sqlite:<state-dir>/policy.db)')
    .option('--state-dir <dir>', 'where the embedded store lives', '/var/lib/osnet-policy')
    .option('--internal-listen <addr>', 'internal API (mutual TLS): HOST:PORT', '127.0.0.1:4003')
    .option('--ca <file>', 'CA certificate(s) that client certificates must chain to (internal API)')
    .option('--cert <file>', 'server certificate of the internal API')
    .option('--key <file>', 'private key of --cert')
    .addOption(
      new Option('--internal-tls-min <version>', 'lowest TLS version of the internal API')
        .choices(VERSIONS)
        .default('TLSv1.2'),
    )
    .addOption(
      new Option('--internal-tls-max <version>', 'highest TLS version (TLS 1.3 ignores --internal-ciphers)')
        .choices(VERSIONS)
        .default('TLSv1.2'),
    )
    .option('--internal-ciphers <list>', 'OpenSSL cipher list of TLS 1.2', 'ECDHE-RSA-AES128-GCM-SHA256')
    .option('--external-listen <addr>', 'external API (Keystone tokens): HOST:PORT, or off', '127.0.0.1:4002')
    .option('--external-cert <file>', 'HTTPS certificate of the external API')
    .option('--external-key <file>', 'private key of --external-cert')
    .option('--health-listen <addr>', '/healthz, /health, /readyz, /metrics', '127.0.0.1:4004')
    .option(
      '--os-cloud <name>',
      'Keystone credentials: cloud from clouds.yaml (default: $OS_CLOUD, else OS_*)',
    ),
  { envPrefix: 'OSNET_POLICY' },
).action(async () => {
  const f = cli.opts<Flags>();
  const need = (v: string | undefined, flag: string, why: string): string => {
    if (!v) throw new OsnetError('OSNET_ERR_CONFIG', `${flag} is required: ${why}`, { field: flag });
    return v;
  };
  const internalFiles = {
    ca: need(f.ca, '--ca', 'the internal API is mutual TLS only'),
    cert: need(f.cert, '--cert', 'the internal API is mutual TLS only'),
    key: need(f.key, '--key', 'the internal API is mutual TLS only'),
  };
  const external = f.externalListen !== 'off';
  if (Boolean(f.externalCert) !== Boolean(f.externalKey))
    throw new OsnetError('OSNET_ERR_CONFIG', '--external-cert and --external-key go together', {
      field: f.externalCert ? '--external-key' : '--external-cert',
    });
  const log = await cliLogger('osnet-policy-server');
  const { readTlsFiles } = await import('../server/tls-files.ts');
  const { mutualTls, serverTls } = await import('../server/tls.ts');
  const { runService } = await import('../service/service.ts');
  const internalTls = mutualTls({
    ...(await readTlsFiles(internalFiles, { ca: '--ca', cert: '--cert', key: '--key' })),
    minVersion: f.internalTlsMin,
    maxVersion: f.internalTlsMax,
    ciphers: f.internalCiphers,
  });
  const externalTls =
    external && f.externalCert && f.externalKey
      ? serverTls(
          await readTlsFiles(
            { cert: f.externalCert, key: f.externalKey },
            { cert: '--external-cert', key: '--external-key' },
          ),
        )
      : undefined;

  process.exitCode = await runService({
    name: 'osnet-policy-server',
    log,
    listen: f.healthListen,
    start: async (ctx) => {
      const { openPolicyRepo } = await import('../policy/store/index.ts');
      const { startPolicyServer } = await import('../policy/server.ts');
      const { keystoneTokens } = await import('../policy/api/auth.ts');
      const repo = await openPolicyRepo({ url: f.db ?? `sqlite:${join(f.stateDir, 'policy.db')}`, log });
      const closers: (() => Promise<void>)[] = [() => repo.close()];
      try {
        let tokens: import('../policy/api/auth.ts').TokenValidator = {
          validate: () => Promise.reject(new OsnetError('OSNET_ERR_INTERNAL', 'no external API')),
        };
        if (external) {
          const { openCloud } = await import('../openstack/client/cloud.ts');
          const cloud = await openCloud(f.osCloud ? { cloud: f.osCloud } : {});
          closers.unshift(() => cloud.close());
          tokens = keystoneTokens(await cloud.identity());
        }
        const server = await startPolicyServer({
          repo,
          tokens,
          log,
          prom: ctx.prom,
          metrics: ctx.metrics,
          internal: { listen: f.internalListen, tls: internalTls },
          external: external ? { listen: f.externalListen, tls: externalTls } : undefined,
        });
        closers.unshift(() => server.close());
        ctx.setHealthCheck(() => repo.check());
      } catch (err) {
        for (const close of closers) await close().catch(() => undefined);
        throw err;
      }
      return {
        stop: async () => {
          for (const close of closers) await close();
        },
      };
    },
  });
});

// No top-level await: every entry point stays loadable as CommonJS.
void runCli(cli);
