/**
 * `osnet-portal`: the tenant self-service API (docs/portal.md). `osnet-portal [serve]` serves it on
 * --listen (HTTPS with --cert/--key; plain HTTP on loopback only) over the store at --db (default: an
 * embedded file in --state-dir), with /healthz, /health (checks the store), /readyz and /metrics on
 * --health-listen. `osnet-portal bootstrap` creates the first staff user. Every flag is also
 * OSNET_PORTAL_<FLAG> in the environment or a key of --config FILE; the secret key is
 * OSNET_PORTAL_SECRET_KEY or --secret-key-file.
 */
import { cliLogger, createProgram, runCli, wholeNumber } from '../cli/program.ts';
import { OsnetError } from '../lib/errors.ts';
import '../openstack/error-codes.ts';
import '../portal/error-codes.ts';
import '../server/error-codes.ts';
import { dbUrl, registerBootstrap, type StoreFlags } from '../portal/cli.ts';
import { addEngineFlags, type EngineFlags } from '../portal/jobs/flags.ts';
import { withSettings } from '../service/settings.ts';
import '../store/error-codes.ts';

interface ServeFlags extends StoreFlags {
  listen: string;
  healthListen: string;
  cert?: string;
  key?: string;
  secretKeyFile?: string;
  tokenLifetime?: number;
  tenantCredentialsVisible?: boolean;
}

const LOOPBACK = /^(127\.|::1$|localhost$)/;

const cli = createProgram(
  'osnet-portal',
  'tenant self-service API over OpenStack (Waldur-compatible routes)',
);

const serve = withSettings(
  addEngineFlags(
    cli
      .command('serve', { isDefault: true })
      .option(
        '--tenant-credentials-visible',
        "show a tenant user's generated password to the tenant's owners and managers (Waldur's TENANT_CREDENTIALS_VISIBLE)",
      ),
  )
    .description('serve the API (the default)')
    .option('--db <url>', 'store: postgres://… or sqlite:/file.db (default: sqlite:<state-dir>/portal.db)')
    .option(
      '--state-dir <dir>',
      'where the embedded store and the generated secret key live',
      '/var/lib/osnet-portal',
    )
    .option('--listen <addr>', 'the API: HOST:PORT', '127.0.0.1:8000')
    .option('--cert <file>', 'HTTPS certificate of the API')
    .option('--key <file>', 'private key of --cert')
    .option('--health-listen <addr>', '/healthz, /health, /readyz, /metrics', '127.0.0.1:8001')
    .option(
      '--secret-key-file <file>',
      'key encrypting secrets at rest (default: $OSNET_PORTAL_SECRET_KEY, else <state-dir>/secret.key)',
    )
    .option(
      '--token-lifetime <seconds>',
      'lifetime of login tokens (default: no expiry)',
      wholeNumber('--token-lifetime', 'seconds'),
    ),
  { envPrefix: 'OSNET_PORTAL' },
).action(async () => {
  const f = serve.opts<ServeFlags & EngineFlags>();
  if (Boolean(f.cert) !== Boolean(f.key))
    throw new OsnetError('OSNET_ERR_CONFIG', '--cert and --key go together', {
      field: f.cert ? '--key' : '--cert',
    });
  const { parseListen } = await import('../service/listen.ts');
  const at = parseListen(f.listen, '--listen');
  if (!f.cert && 'host' in at && !LOOPBACK.test(at.host))
    throw new OsnetError(
      'OSNET_ERR_CONFIG',
      `--listen ${f.listen}: plain HTTP carries passwords and tokens, so it is for loopback only; give --cert and --key`,
      { field: '--cert' },
    );
  const log = await cliLogger('osnet-portal');
  const { loadSecretKey } = await import('../portal/secret-key.ts');
  const secrets = await loadSecretKey({ file: f.secretKeyFile, stateDir: f.stateDir });
  log.info({ keyId: secrets.box.keyId, from: secrets.source }, 'secret key loaded');
  let tls: import('../server/tls.ts').ServerTls | undefined;
  if (f.cert && f.key) {
    const { readTlsFiles } = await import('../server/tls-files.ts');
    const { serverTls } = await import('../server/tls.ts');
    tls = serverTls(await readTlsFiles({ cert: f.cert, key: f.key }, { cert: '--cert', key: '--key' }));
  }
  const { runService } = await import('../service/service.ts');
  process.exitCode = await runService({
    name: 'osnet-portal',
    log,
    listen: f.healthListen,
    start: async (ctx) => {
      const { openPortalStore } = await import('../portal/store/index.ts');
      const { startPortal } = await import('../portal/server.ts');
      const { realWiring } = await import('../portal/jobs/wiring.ts');
      const { engineOptions } = await import('../portal/jobs/flags.ts');
      const store = await openPortalStore({ url: dbUrl(f), log });
      const engine = realWiring(store, secrets.box, {
        options: engineOptions(f),
        credentialsVisible: f.tenantCredentialsVisible ?? false,
      });
      try {
        const portal = await startPortal({
          store,
          log,
          prom: ctx.prom,
          metrics: ctx.metrics,
          listen: f.listen,
          tls,
          secrets: secrets.box,
          tokenLifetimeSeconds: f.tokenLifetime,
          engine,
        });
        ctx.setHealthCheck(() => store.check());
        return {
          stop: async () => {
            await portal.close();
            await engine.close();
            await store.close();
          },
        };
      } catch (err) {
        await engine.close().catch(() => undefined);
        await store.close().catch(() => undefined);
        throw err;
      }
    },
  });
});

registerBootstrap(cli);

// No top-level await: every entry point stays loadable as CommonJS.
void runCli(cli);
