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
  defaultProject?: string;
  reconcileInterval: string;
  maxWrites: string;
  neutronTag: string;
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
    )
    .option(
      '--default-project <id>',
      "enforce policies in Neutron (needs admin credentials); groups registered without a project (the internal API: CNI daemons) go to this project, the one the pods' ports are in",
    )
    .option('--reconcile-interval <s>', 'seconds between passes of the Neutron reconciler', '30')
    .option('--max-writes <n>', 'Neutron writes per reconcile pass at most (the rest: next pass)', '500')
    .option(
      '--neutron-tag <tag>',
      'the Neutron tag of the security groups this server owns (two servers on one cloud: one each)',
      'osnet-policy-group',
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
        if (f.defaultProject) closers.unshift(await enforce(f, repo, server, log, ctx));
        else log.warn('no --default-project: policies are served but not enforced in Neutron');
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

/** The Neutron reconciler on the server's hooks (docs/policy-enforcement.md); returns its stop. */
async function enforce(
  f: Flags,
  repo: import('../policy/model.ts').PolicyRepo,
  server: import('../policy/server.ts').PolicyServer,
  log: import('../lib/log.ts').Logger,
  ctx: import('../service/service.ts').ServiceContext,
): Promise<() => Promise<void>> {
  const whole = (v: string, flag: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min)
      throw new OsnetError('OSNET_ERR_CONFIG', `${flag} must be a whole number ≥ ${min}`, { field: flag });
    return n;
  };
  const intervalMs = whole(f.reconcileInterval, '--reconcile-interval', 1) * 1000;
  const maxWritesPerPass = whole(f.maxWrites, '--max-writes', 1);
  const { openCloud } = await import('../openstack/client/cloud.ts');
  const { createReconciler } = await import('../policy/enforce/reconciler.ts');
  const { enforceOn } = await import('../policy/enforce/server-hook.ts');
  const cloud = await openCloud({ ...(f.osCloud ? { cloud: f.osCloud } : {}), logger: log });
  try {
    const neutron = await cloud.network();
    const reconciler = createReconciler({
      repo,
      neutron,
      defaultProjectId: f.defaultProject!,
      log,
      metrics: { prom: ctx.prom, registry: ctx.metrics },
      maxWritesPerPass,
      groupTag: f.neutronTag,
    });
    const stop = enforceOn(server.hooks, reconciler, { intervalMs });
    log.info(
      { default_project: f.defaultProject, interval_s: intervalMs / 1000 },
      'enforcing policies in Neutron',
    );
    return async () => {
      await stop();
      await cloud.close();
    };
  } catch (e) {
    await cloud.close();
    throw e;
  }
}

// No top-level await: every entry point stays loadable as CommonJS.
void runCli(cli);
