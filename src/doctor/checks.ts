/**
 * `osnet doctor`: checks, in order, that a cloud can be used by osnet — settings found, authentication,
 * a network endpoint in the catalog, Neutron answering, and the API extensions osnet relies on.
 * Each check says ok or fail with a hint; later checks are skipped when one they need failed.
 *
 * @example
 *   const report = await runDoctor({ cloud: 'lab-admin' });
 *   process.exitCode = report.ok ? 0 : 1;
 */
import { toOsnetError } from '../lib/errors.ts';
import { type Cloud, openCloud } from '../openstack/client/cloud.ts';
import { OpenStackError } from '../openstack/client/errors.ts';
import type { ServiceClient } from '../openstack/client/service-client.ts';
import { loadCloudConfig } from '../openstack/config/load.ts';
import type { CloudConfig } from '../openstack/config/types.ts';

export type CheckStatus = 'ok' | 'fail' | 'skip';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
  hint?: string;
  ms?: number;
}

export interface DoctorReport {
  ok: boolean;
  checks: CheckResult[];
}

export interface DoctorOptions {
  cloud?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Extensions that must be present (Neutron aliases). */
  extensions?: readonly string[];
}

/** binding: binding:host_id for pods; standard-attr-tag: osnet tags what it owns; port-security: per-port SG toggling. */
export const REQUIRED_EXTENSIONS = [
  'binding',
  'standard-attr-tag',
  'port-security',
  'security-group',
] as const;

export async function runDoctor(opts: DoctorOptions = {}): Promise<DoctorReport> {
  const checks: CheckResult[] = [];
  const add = (c: CheckResult) => {
    checks.push(c);
    return c.status === 'ok';
  };
  const order = ['config', 'auth', 'catalog', 'neutron', 'extensions'];
  /** Records a failed check and skips every later one, since each needs the ones before it. */
  const fail = (name: string, e: unknown, hint: string, why: string, t0?: number): DoctorReport => {
    add({
      name,
      status: 'fail',
      detail: toOsnetError(e).message,
      hint,
      ...(t0 === undefined ? {} : { ms: ms(t0) }),
    });
    for (const later of order.slice(order.indexOf(name) + 1)) {
      add({ name: later, status: 'skip', detail: `skipped: ${why}` });
    }
    return { ok: false, checks };
  };

  let cfg: CloudConfig;
  try {
    cfg = await loadCloudConfig({ cloud: opts.cloud, ...(opts.env ? { env: opts.env } : {}) });
    add({
      name: 'config',
      status: 'ok',
      detail: `${cfg.name ? `cloud "${cfg.name}" from ${cfg.source}` : 'OS_* environment'}, auth ${cfg.authType}, interface ${cfg.interface}${cfg.regionName ? `, region ${cfg.regionName}` : ''}`,
    });
  } catch (e) {
    return fail(
      'config',
      e,
      'pass --os-cloud NAME (clouds.yaml in ./, ~/.config/openstack/, /etc/openstack/ or $OS_CLIENT_CONFIG_FILE) or source an openrc',
      'no usable configuration',
    );
  }

  const cloud: Cloud = await openCloud({ config: cfg, retry: { retries: 1 } });
  try {
    const t0 = performance.now();
    try {
      const token = await cloud.token();
      const scope = token.projectName
        ? `project ${token.projectName}`
        : token.domainId
          ? `domain ${token.domainId}`
          : 'unscoped';
      add({
        name: 'auth',
        status: 'ok',
        detail: `token for ${token.userName} (${scope}, roles ${token.roles.join(',') || 'none'}), expires ${token.expiresAt.toISOString()}`,
        ms: ms(t0),
      });
    } catch (e) {
      return fail('auth', e, authHint(e, cfg), 'authentication failed', t0);
    }

    let net: ServiceClient;
    try {
      net = await cloud.network();
      add({ name: 'catalog', status: 'ok', detail: `network endpoint ${net.endpoint}` });
    } catch (e) {
      return fail(
        'catalog',
        e,
        'register Neutron in Keystone (openstack endpoint create network ...) or set network_endpoint_override',
        'no network endpoint',
      );
    }

    const t1 = performance.now();
    try {
      await net.get('networks', { query: { limit: 1, fields: 'id' } });
      add({ name: 'neutron', status: 'ok', detail: `answers in ${ms(t1)} ms`, ms: ms(t1) });
    } catch (e) {
      return fail(
        'neutron',
        e,
        'is neutron-server running and reachable from here? (bash scripts/lab/status for the lab)',
        'Neutron does not answer',
        t1,
      );
    }

    const wanted = opts.extensions ?? REQUIRED_EXTENSIONS;
    try {
      const { body } = await net.get<{ extensions: { alias: string }[] }>('extensions');
      const have = new Set(body.extensions.map((x) => x.alias));
      const missing = wanted.filter((x) => !have.has(x));
      add(
        missing.length === 0
          ? { name: 'extensions', status: 'ok', detail: `${wanted.join(', ')} present (${have.size} in all)` }
          : {
              name: 'extensions',
              status: 'fail',
              detail: `missing: ${missing.join(', ')}`,
              hint: 'enable them in neutron.conf/ml2_conf.ini (extension_drivers, service_plugins)',
            },
      );
    } catch (e) {
      add({ name: 'extensions', status: 'fail', detail: toOsnetError(e).message });
    }
  } finally {
    await cloud.close();
  }
  return { ok: checks.every((c) => c.status === 'ok'), checks };
}

function ms(t0: number): number {
  return Math.round(performance.now() - t0);
}

function authHint(e: unknown, cfg: CloudConfig): string {
  if (e instanceof OpenStackError && e.status === 401) {
    return cfg.authType === 'v3applicationcredential'
      ? 'check application_credential_id/secret (the secret is shown once, at creation)'
      : 'check username, password, user and project domains';
  }
  if (e instanceof OpenStackError && e.status === 0) return `is Keystone running at ${cfg.auth.auth_url}?`;
  return `check auth settings in ${cfg.source}`;
}

/** Human-readable lines: `ok    auth        token for admin ...` then an indented hint on failures. */
export function formatReport(r: DoctorReport): string {
  const lines: string[] = [];
  for (const c of r.checks) {
    lines.push(`${c.status.padEnd(5)} ${c.name.padEnd(11)} ${c.detail}`);
    if (c.hint && c.status === 'fail') lines.push(`${' '.repeat(18)}hint: ${c.hint}`);
  }
  lines.push(
    r.ok ? 'all checks passed' : `${r.checks.filter((c) => c.status === 'fail').length} check(s) failed`,
  );
  return lines.join('\n');
}
