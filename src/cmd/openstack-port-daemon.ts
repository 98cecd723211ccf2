/** `openstack-port-daemon`: the CNI node daemon (docs/cni.md, "The daemon"). */
import { InvalidArgumentError, Option } from 'commander';
import { cliLogger, createProgram, runCli, wholeNumber } from '../cli/program.ts';
import type { DaemonSettings } from '../daemon/daemon.ts';
import '../daemon/error-codes.ts';
import { neutronPolicyOverride } from '../daemon/policy.ts';
import type { PoolSizes } from '../daemon/pool.ts';
import { parsePoolNetwork } from '../daemon/pool-settings.ts';
import '../openstack/error-codes.ts';
import '../policy/enforce/error-codes.ts';
import { withSettings } from '../service/settings.ts';

interface Flags {
  socket: string;
  nodeName?: string;
  stateDir: string;
  allowUid?: number[];
  osCloud?: string;
  listen?: string;
  neutronConcurrency: number;
  pool: boolean;
  poolMin: number;
  poolBatch: number;
  poolMax: number;
  poolNetwork?: Record<string, Partial<PoolSizes>>;
  reconcileInterval: number;
  outboxInterval: number;
  statusInterval: number;
  encapOverhead: number;
  tagsOnCreate: string;
  policyServer?: string;
  policyCa?: string;
  policyCert?: string;
  policyKey?: string;
  policyWait: number;
}

/** --allow-uid is repeatable; from the environment or a file it is a comma-separated list. */
function uids(v: string, prev: number[] | undefined): number[] {
  const out = [...(prev ?? [])];
  for (const part of v.split(',')) {
    if (!/^[0-9]{1,10}$/.test(part.trim()) || Number(part) > 2 ** 32 - 2)
      throw new InvalidArgumentError('--allow-uid must be a numeric uid');
    out.push(Number(part));
  }
  return out;
}

const seconds = (flag: string) => wholeNumber(flag, 'seconds');
const count = (flag: string) => wholeNumber(flag);

const cli = createProgram(
  'openstack-port-daemon',
  'the CNI node daemon: holds the OpenStack credentials and manages Neutron ports',
);

cli
  .command('policy')
  .description(
    'print the Neutron policy.d override that lets the port-binder role bind ports (see docs/cni.md)',
  )
  .option('--role <name>', 'the role the rules name', 'osnet-port-binder')
  .action((o: { role: string }) => {
    process.stdout.write(neutronPolicyOverride(o.role));
  });

withSettings(
  cli
    .command('run', { isDefault: true })
    .description('serve the CNI socket (the default command)')
    .option('--socket <path>', 'the CNI socket', '/var/run/openstack-cni/cni.sock')
    .option(
      '--node-name <name>',
      'this node as Neutron knows its chassis (binding:host_id; default: the hostname)',
    )
    .option('--state-dir <dir>', 'the journal (no secrets)', '/var/lib/openstack-port-daemon')
    .option('--allow-uid <uid>', 'a peer uid allowed on the socket, repeatable (default: 0 only)', uids)
    .option('--os-cloud <name>', 'cloud from clouds.yaml (default: $OS_CLOUD, else the OS_* environment)')
    .option(
      '--listen <addr>',
      '/healthz, /readyz, /metrics: unix:/path or HOST:PORT',
      'unix:/var/run/openstack-cni/health.sock',
    )
    .option('--neutron-concurrency <n>', 'Neutron calls in flight at most', count('--neutron-concurrency'), 8)
    .option('--pool', 'keep warm port pools')
    .option('--no-pool', 'no warm port pools (the default)')
    .option('--pool-min <n>', 'refill a pool when it has fewer ports', count('--pool-min'), 2)
    .option('--pool-batch <n>', 'ports per bulk create', count('--pool-batch'), 4)
    .option('--pool-max <n>', 'most ports in a pool (0: no limit)', count('--pool-max'), 8)
    .option(
      '--pool-network <spec>',
      'sizes for one network: NETWORK_ID:min=N,batch=N,max=N (repeatable; any subset)',
      (v: string, prev?: Record<string, Partial<PoolSizes>>) => {
        try {
          return parsePoolNetwork(v, prev);
        } catch (e) {
          throw new InvalidArgumentError((e as Error).message);
        }
      },
    )
    .option(
      '--reconcile-interval <s>',
      'seconds between reconciles with Neutron (0: never)',
      seconds('--reconcile-interval'),
      300,
    )
    .option(
      '--outbox-interval <s>',
      'seconds between passes over queued releases',
      seconds('--outbox-interval'),
      2,
    )
    .option('--status-interval <s>', 'seconds between readiness probes', seconds('--status-interval'), 10)
    .option(
      '--encap-overhead <bytes>',
      'host MTU minus this when Neutron gives no MTU (geneve/IPv4: 58)',
      count('--encap-overhead'),
      58,
    )
    .addOption(
      new Option(
        '--tags-on-create <mode>',
        'tags in the port create (auto: where Neutron keeps them; off: one tag call after each create)',
      )
        .choices(['auto', 'on', 'off'])
        .default('auto'),
    )
    .option(
      '--policy-server <url>',
      "the policy server's internal API (https://HOST:4003): ADDs with a policy_group_id get the app's security group",
    )
    .option('--policy-ca <file>', "the CA of the policy server's certificate (PEM)")
    .option('--policy-cert <file>', 'the client certificate for the policy server (PEM)')
    .option('--policy-key <file>', 'its key (PEM, mode 0600)')
    .option(
      '--policy-wait <s>',
      "seconds ADD waits for Neutron to carry the app's policies",
      seconds('--policy-wait'),
      30,
    ),
  { envPrefix: 'OPENSTACK_PORT_DAEMON' },
).action(async (o: Flags) => {
  const log = await cliLogger('openstack-port-daemon');
  const { runDaemon } = await import('../daemon/daemon.ts');
  const tls = [o.policyCa, o.policyCert, o.policyKey];
  if (o.policyServer && tls.some((f) => !f))
    throw new InvalidArgumentError('--policy-server needs --policy-ca, --policy-cert and --policy-key');
  if (!o.policyServer && tls.some((f) => f))
    throw new InvalidArgumentError('--policy-ca, --policy-cert and --policy-key go with --policy-server');
  const s: DaemonSettings = {
    socket: o.socket,
    nodeName: o.nodeName,
    stateDir: o.stateDir,
    allowUid: o.allowUid,
    osCloud: o.osCloud,
    listen: o.listen,
    neutronConcurrency: Math.max(1, o.neutronConcurrency),
    pool: {
      enabled: o.pool === true,
      min: o.poolMin,
      batch: Math.max(1, o.poolBatch),
      max: o.poolMax,
      networks: o.poolNetwork,
    },
    reconcileInterval: o.reconcileInterval * 1000,
    outboxInterval: o.outboxInterval * 1000,
    statusInterval: o.statusInterval * 1000,
    encapOverhead: o.encapOverhead,
    tagsOnCreate: o.tagsOnCreate as 'auto' | 'on' | 'off',
    policy: o.policyServer
      ? {
          server: o.policyServer,
          ca: o.policyCa!,
          cert: o.policyCert!,
          key: o.policyKey!,
          waitMs: Math.max(1, o.policyWait) * 1000,
        }
      : undefined,
  };
  process.exitCode = await runDaemon(s, log);
});

// No top-level await: every entry point stays loadable as CommonJS.
void runCli(cli);
