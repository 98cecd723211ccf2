/**
 * openstack-port-daemon on the service skeleton (src/service/service.ts): the OpenStack connection
 * (credentials from OS_* or clouds.yaml, in memory only), the journal, pools, the CNI socket, and the
 * background work: outbox retries, the periodic reconcile, readiness (Keystone and Neutron answer).
 *
 * @example
 *   process.exitCode = await runDaemon(settings, log);
 */
import { hostname } from 'node:os';
import type { StatusResponse } from '../cni/protocol.ts';
import { OsnetError } from '../lib/errors.ts';
import type { Logger } from '../lib/log.ts';
import { type Cloud, openCloud } from '../openstack/client/cloud.ts';
import type { ServiceClient } from '../openstack/client/service-client.ts';
import { runService, type ServiceContext } from '../service/service.ts';
import { Attachments } from './attachments.ts';
import { Journal } from './journal.ts';
import { withPolicyGroup } from './policy-groups.ts';
import { openPolicyGroups, type PolicySettings } from './policy-settings.ts';
import { type PoolSettings, Pools } from './pool.ts';
import { parseAdd, parseCheck, parseDel, parseGc } from './requests.ts';
import { listenCni } from './socket.ts';
import { tagsOnCreate as probeTagsOnCreate } from './tags-on-create.ts';

export interface DaemonSettings {
  socket: string;
  nodeName?: string | undefined;
  stateDir: string;
  allowUid?: number[] | undefined;
  osCloud?: string | undefined;
  listen?: string | undefined;
  neutronConcurrency: number;
  pool: PoolSettings;
  reconcileInterval: number;
  outboxInterval: number;
  statusInterval: number;
  encapOverhead: number;
  /** Tags in the port create: `auto` asks Neutron (tags-on-create.ts); default auto. */
  tagsOnCreate?: 'auto' | 'on' | 'off' | undefined;
  /** The policy server's internal API (mutual TLS): ADDs naming an app get its security group. */
  policy?: PolicySettings | undefined;
}

const VERBS = { add: 'ADD', del: 'DEL', check: 'CHECK', gc: 'GC', status: 'STATUS' } as const;

/** Keystone answers (its version document) and Neutron answers an authenticated list. */
async function probe(cloud: Cloud, net: ServiceClient): Promise<StatusResponse> {
  const auth = cloud.config.auth.auth_url;
  const keystone = await fetch(String(auth), { signal: AbortSignal.timeout(5000) }).then(
    (r) => r.status < 500,
    () => false,
  );
  const neutron = await net.get('networks', { query: { limit: 1, fields: 'id' } }).then(
    () => true,
    () => false,
  );
  const ready = keystone && neutron;
  const down = [keystone ? '' : 'Keystone', neutron ? '' : 'Neutron'].filter(Boolean).join(' and ');
  return { ready, keystone, neutron, ...(ready ? {} : { message: `${down} not answering` }) };
}

function every(ms: number, signal: AbortSignal, fn: () => Promise<unknown>): void {
  if (ms <= 0) return;
  let running = false;
  const t = setInterval(() => {
    if (running) return;
    running = true;
    void fn().finally(() => {
      running = false;
    });
  }, ms);
  t.unref();
  signal.addEventListener('abort', () => clearInterval(t), { once: true });
}

async function start(s: DaemonSettings, ctx: ServiceContext) {
  const { log, prom, metrics } = ctx;
  const node = s.nodeName || hostname();
  const allow = s.allowUid?.length ? s.allowUid : [0];
  const cloud = await openCloud({
    ...(s.osCloud ? { cloud: s.osCloud } : {}),
    logger: log,
    concurrency: { network: s.neutronConcurrency },
  });
  const net = await cloud.network().catch(async (e) => {
    await cloud.close();
    throw e;
  });
  const journal = await Journal.open(s.stateDir);
  const policy = s.policy ? await openPolicyGroups(s.policy, net, log) : undefined;

  const latency = new prom.Histogram({
    name: 'osnet_cni_request_seconds',
    help: 'CNI requests served on the socket, by verb and outcome',
    labelNames: ['verb', 'outcome'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [metrics],
  });
  const neutronErrors = new prom.Counter({
    name: 'osnet_cni_neutron_errors_total',
    help: 'Failed Neutron calls, by error code',
    labelNames: ['code'],
    registers: [metrics],
  });
  // Neutron that keeps a create body's tags saves a tag call per port (pool refills, creates)
  const tagsOnCreate =
    s.tagsOnCreate === 'on' ||
    (s.tagsOnCreate !== 'off' && (await probeTagsOnCreate(net).catch(() => false)));
  const pools = new Pools(net, s.pool, node, log, {
    tagsOnCreate,
    owned: (portId) => journal.byPort(portId) !== undefined,
  });
  new prom.Gauge({
    name: 'osnet_cni_pool_ports',
    help: 'Warm ports ready in each pool',
    labelNames: ['pool'],
    registers: [metrics],
    collect() {
      this.reset();
      for (const [id, n] of pools.sizes()) this.set({ pool: id }, n);
    },
  });
  new prom.Gauge({
    name: 'osnet_cni_outbox_depth',
    help: 'Releases waiting for Neutron',
    registers: [metrics],
    collect() {
      this.set(journal.outbox.size);
    },
  });
  const att = new Attachments({
    net,
    journal,
    pools,
    node,
    log,
    mtu: { overhead: s.encapOverhead },
    tagsOnCreate,
    onNeutronError: (code) => neutronErrors.inc({ code }),
  });

  let status: StatusResponse = { ready: false, keystone: false, neutron: false, message: 'starting' };
  const refreshStatus = async () => {
    status = await probe(cloud, net);
    ctx.setReady(status.ready, status.message);
    return status;
  };
  let recovered = false;
  const recover = async () => {
    if (recovered) return;
    const n = await pools.recover();
    const strays = await att.scan();
    recovered = true;
    const finished = await att.finishPending();
    log.info(
      { pooled: n, strays, finished, attachments: journal.attachments.size, queued: journal.outbox.size },
      'state recovered',
    );
  };
  await refreshStatus();
  await recover().catch((e) => log.warn({ err: (e as Error).message }, 'pool recovery postponed'));

  const sock = await listenCni({
    path: s.socket,
    allowUids: allow,
    log,
    async handle(route, method, body) {
      const verb = VERBS[route as keyof typeof VERBS];
      if (!verb)
        throw new OsnetError(
          'OSNET_ERR_UNSUPPORTED',
          `no route /${route} (POST /add, /del, /check, /gc; GET /status)`,
          {
            field: 'path',
          },
        );
      if (method !== 'POST' && !(verb === 'STATUS' && method === 'GET'))
        throw new OsnetError('OSNET_ERR_UNSUPPORTED', `${method} /${route}: use POST`, { field: 'method' });
      const end = latency.startTimer({ verb });
      try {
        const out = await (async () => {
          switch (verb) {
            case 'ADD':
              return att.add(await withPolicyGroup(parseAdd(body), policy?.groups));
            case 'DEL':
              return att.del(parseDel(body));
            case 'CHECK':
              return att.check(parseCheck(body));
            case 'GC':
              return att.gc(parseGc(body));
            case 'STATUS': {
              const st = await refreshStatus();
              if (!st.ready) throw new OsnetError('OSNET_ERR_NOT_READY', st.message ?? 'not ready');
              return st;
            }
          }
        })();
        end({ outcome: 'ok' });
        // the tests read where the answer falls among the Neutron calls (a warm ADD's come after it)
        log.debug({ verb }, 'answered');
        return out;
      } catch (e) {
        end({ outcome: 'error' });
        log.warn({ verb, err: (e as Error).message, code: (e as OsnetError).code }, 'request failed');
        throw e;
      }
    },
  });

  every(s.outboxInterval, ctx.signal, async () => {
    await att.flushOutbox().catch((e) => log.warn({ err: (e as Error).message }, 'outbox pass failed'));
    if (recovered)
      await att.finishPending().catch((e) => log.warn({ err: (e as Error).message }, 'claim pass failed'));
  });
  every(s.statusInterval, ctx.signal, () => refreshStatus().catch(() => undefined));
  every(s.reconcileInterval, ctx.signal, async () => {
    try {
      await recover();
      await att.reconcile();
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'reconcile failed');
    }
  });
  log.info({ node, socket: s.socket, state_dir: s.stateDir, pool: s.pool.enabled }, 'daemon ready');
  return {
    async stop() {
      pools.stop();
      await sock.close();
      // claims after answers and releases queued behind them finish before the exit
      await att.settle();
      await pools.settle();
      await policy?.close();
      await cloud.close();
    },
  };
}

export function runDaemon(s: DaemonSettings, log: Logger): Promise<number> {
  return runService({ name: 'openstack-port-daemon', log, listen: s.listen, start: (ctx) => start(s, ctx) });
}
