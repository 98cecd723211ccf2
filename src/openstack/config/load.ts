/**
 * Loads a cloud's settings with openstacksdk's rules: OS_CLOUD (or an explicit name) picks a cloud from the
 * first clouds.yaml / clouds.yml / clouds.json found as $OS_CLIENT_CONFIG_FILE, then in ./,
 * $XDG_CONFIG_HOME/openstack, ~/.config/openstack, $XDG_CONFIG_DIRS/openstack (/etc/xdg/openstack) and
 * /etc/openstack, with secure.yaml (.yml, .json) from the same places merged over it. Without a cloud name,
 * OS_AUTH_URL and friends form the cloud. Errors name the missing or wrong setting.
 *
 * @example
 *   const cfg = await loadCloudConfig({ cloud: 'lab-admin' });
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { OsnetError } from '../../lib/errors.ts';
import { registerSecret } from '../../lib/redact.ts';
import type { ProxySettings } from '../http/dispatcher.ts';
import {
  AUTH_TYPES,
  type AuthSettings,
  type AuthType,
  type CloudConfig,
  type EndpointInterface,
  INTERFACES,
} from './types.ts';

export interface LoadOptions {
  /** Cloud name; defaults to $OS_CLOUD. */
  cloud?: string | undefined;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  home?: string;
}

type Yaml = Record<string, unknown>;

const DEFAULT_TIMEOUT_MS = 60_000;

const SUFFIXES = ['.yaml', '.yml', '.json'];

/** Every place openstacksdk looks for `clouds` or `secure` files, in order (first found wins). */
export function configSearchPaths(
  base: 'clouds' | 'secure',
  env: NodeJS.ProcessEnv,
  cwd: string,
  home: string,
): string[] {
  const override = base === 'clouds' ? env.OS_CLIENT_CONFIG_FILE : env.OS_CLIENT_SECURE_FILE;
  const userDir = env.XDG_CONFIG_HOME ? resolve(env.XDG_CONFIG_HOME) : join(home, '.config');
  const siteDir = env.XDG_CONFIG_DIRS?.split(':').find((d) => d.startsWith('/')) ?? '/etc/xdg';
  const dirs = [
    ...new Set([
      cwd,
      join(userDir, 'openstack'),
      join(home, '.config', 'openstack'),
      join(siteDir, 'openstack'),
      '/etc/openstack',
    ]),
  ];
  return [
    ...(override ? [resolve(cwd, override)] : []),
    ...dirs.flatMap((d) => SUFFIXES.map((s) => join(d, `${base}${s}`))),
  ];
}

async function firstYaml(paths: string[]): Promise<{ path: string; doc: Yaml } | undefined> {
  for (const p of paths) {
    let text: string;
    try {
      text = await readFile(p, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new OsnetError('OSNET_ERR_CONFIG', `cannot read ${p}: ${(e as Error).message}`, { field: p });
    }
    let doc: unknown;
    const json = extname(p) === '.json';
    try {
      doc = json ? JSON.parse(text) : parseYaml(text);
    } catch (e) {
      throw new OsnetError(
        'OSNET_ERR_CONFIG',
        `${p} is not valid ${json ? 'JSON' : 'YAML'}: ${(e as Error).message}`,
        { field: p },
      );
    }
    if (doc !== null && doc !== undefined && (typeof doc !== 'object' || Array.isArray(doc))) {
      throw new OsnetError('OSNET_ERR_CONFIG', `${p} must hold a mapping with a "clouds" key`, { field: p });
    }
    return { path: p, doc: (doc ?? {}) as Yaml };
  }
  return undefined;
}

function deepMerge(base: Yaml, over: Yaml): Yaml {
  const out: Yaml = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isMap(b) && isMap(v) ? deepMerge(b, v) : v;
  }
  return out;
}

function isMap(v: unknown): v is Yaml {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export async function loadCloudConfig(opts: LoadOptions = {}): Promise<CloudConfig> {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const home = opts.home ?? env.HOME ?? homedir();
  const name = opts.cloud ?? (env.OS_CLOUD || undefined);
  if (name === undefined) {
    if (env.OS_AUTH_URL) return fromEnv(env);
    const found = await firstYaml(configSearchPaths('clouds', env, cwd, home));
    const names = found && isMap(found.doc.clouds) ? Object.keys(found.doc.clouds) : [];
    throw new OsnetError(
      'OSNET_ERR_CONFIG',
      `no cloud selected: set OS_CLOUD or --os-cloud${names.length ? ` (clouds in ${found?.path}: ${names.join(', ')})` : ''}, or set OS_AUTH_URL and the other OS_* variables`,
      { field: 'OS_CLOUD' },
    );
  }
  const clouds = await firstYaml(configSearchPaths('clouds', env, cwd, home));
  if (!clouds) {
    throw new OsnetError(
      'OSNET_ERR_CONFIG',
      `cloud "${name}" requested but no clouds.yaml, .yml or .json found (looked in ${configSearchPaths('clouds', env, cwd, home).join(', ')})`,
      { field: 'OS_CLOUD' },
    );
  }
  const secure = await firstYaml(configSearchPaths('secure', env, cwd, home));
  const all = isMap(clouds.doc.clouds) ? clouds.doc.clouds : {};
  const secureClouds = secure && isMap(secure.doc.clouds) ? secure.doc.clouds : {};
  const entry = all[name];
  if (!isMap(entry)) {
    throw new OsnetError(
      'OSNET_ERR_CONFIG',
      `cloud "${name}" not found in ${clouds.path} (clouds: ${Object.keys(all).join(', ') || 'none'})`,
      { field: 'OS_CLOUD' },
    );
  }
  const sec = secureClouds[name];
  const merged = isMap(sec) ? deepMerge(entry, sec) : entry;
  const source = secure && isMap(sec) ? `${clouds.path} + ${secure.path}` : clouds.path;
  return fromYaml(name, source, merged, env);
}

function fromYaml(name: string, source: string, cloud: Yaml, env: NodeJS.ProcessEnv): CloudConfig {
  const where = (k: string) => `clouds.${name}.${k}`;
  const regions = regionList(cloud.regions, where('regions'));
  let regionName = str(cloud.region_name) ?? (env.OS_REGION_NAME || undefined);
  let c = cloud;
  if (regions.length > 0) {
    const region = regionName ? regions.find((r) => r.name === regionName) : regions[0];
    if (!region) {
      throw new OsnetError(
        'OSNET_ERR_CONFIG',
        `${where('region_name')} "${regionName}" is not one of ${where('regions')} (${regions.map((r) => r.name).join(', ')}); names are case-sensitive`,
        { field: where('region_name') },
      );
    }
    regionName = region.name;
    // a region's own values override the cloud's for that region (openstacksdk's regions: [{name, values}])
    c = deepMerge(cloud, region.values);
  }
  const authRaw = c.auth;
  if (!isMap(authRaw))
    throw new OsnetError('OSNET_ERR_CONFIG', `${where('auth')} is missing in ${source}`, {
      field: where('auth'),
    });
  const auth: Record<string, string> = {};
  for (const [k, v] of Object.entries(authRaw)) {
    if (typeof v === 'string' || typeof v === 'number') auth[k] = String(v);
    else if (v !== null && v !== undefined) {
      throw new OsnetError('OSNET_ERR_CONFIG', `${where(`auth.${k}`)} must be a string`, {
        field: where(`auth.${k}`),
      });
    }
  }
  const defaultDomain = str(c.default_domain);
  if (defaultDomain && !auth.default_domain_id && !auth.default_domain_name)
    auth.default_domain_id = defaultDomain;
  const overrides: Record<string, string> = {};
  for (const [k, v] of Object.entries(c)) {
    const m = /^(.+)_endpoint_override$/.exec(k);
    if (m?.[1] && typeof v === 'string') overrides[m[1].replaceAll('_', '-')] = v;
  }
  const timeout = c.api_timeout ?? env.OS_API_TIMEOUT;
  return finish(
    {
      name,
      source,
      authType: authType(c.auth_type, auth, where('auth_type')),
      auth: auth as unknown as AuthSettings,
      regionName,
      regions: regions.map((r) => r.name),
      interface: iface(c.interface ?? c.endpoint_type, where('interface')),
      verify: bool(c.verify, true, where('verify')) && !bool(c.insecure, false, where('insecure')),
      cacert: str(c.cacert),
      cert: str(c.cert),
      key: str(c.key),
      proxy: proxyFromEnv(env),
      timeoutMs: timeoutMs(timeout, where('api_timeout')),
      endpointOverrides: overrides,
    },
    (k) => where(`auth.${k}`),
  );
}

const ENV_AUTH: Record<string, keyof AuthSettings> = {
  OS_AUTH_URL: 'auth_url',
  OS_USERNAME: 'username',
  OS_USER_ID: 'user_id',
  OS_PASSWORD: 'password',
  OS_USER_DOMAIN_NAME: 'user_domain_name',
  OS_USER_DOMAIN_ID: 'user_domain_id',
  OS_PROJECT_NAME: 'project_name',
  OS_TENANT_NAME: 'project_name',
  OS_PROJECT_ID: 'project_id',
  OS_TENANT_ID: 'project_id',
  OS_PROJECT_DOMAIN_NAME: 'project_domain_name',
  OS_PROJECT_DOMAIN_ID: 'project_domain_id',
  OS_DOMAIN_NAME: 'domain_name',
  OS_DOMAIN_ID: 'domain_id',
  OS_SYSTEM_SCOPE: 'system_scope',
  OS_DEFAULT_DOMAIN_ID: 'default_domain_id',
  OS_DEFAULT_DOMAIN: 'default_domain_id',
  OS_DEFAULT_DOMAIN_NAME: 'default_domain_name',
  OS_APPLICATION_CREDENTIAL_ID: 'application_credential_id',
  OS_APPLICATION_CREDENTIAL_NAME: 'application_credential_name',
  OS_APPLICATION_CREDENTIAL_SECRET: 'application_credential_secret',
  OS_TOKEN: 'token',
};

function fromEnv(env: NodeJS.ProcessEnv): CloudConfig {
  const auth: Record<string, string> = {};
  for (const [v, k] of Object.entries(ENV_AUTH)) {
    const val = env[v];
    if (val && auth[k] === undefined) auth[k] = val;
  }
  const overrides: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    const m = /^OS_(.+)_ENDPOINT_OVERRIDE$/.exec(k);
    if (m?.[1] && v) overrides[m[1].toLowerCase().replaceAll('_', '-')] = v;
  }
  const envName = (k: string) => Object.keys(ENV_AUTH).find((e) => ENV_AUTH[e] === k) ?? k;
  return finish(
    {
      name: undefined,
      source: 'environment',
      authType: authType(env.OS_AUTH_TYPE, auth, 'OS_AUTH_TYPE'),
      auth: auth as unknown as AuthSettings,
      regionName: env.OS_REGION_NAME || undefined,
      regions: [],
      interface: iface(env.OS_INTERFACE ?? env.OS_ENDPOINT_TYPE, 'OS_INTERFACE'),
      verify: !bool(env.OS_INSECURE, false, 'OS_INSECURE'),
      cacert: env.OS_CACERT || undefined,
      cert: env.OS_CERT || undefined,
      key: env.OS_KEY || undefined,
      proxy: proxyFromEnv(env),
      timeoutMs: timeoutMs(env.OS_API_TIMEOUT, 'OS_API_TIMEOUT'),
      endpointOverrides: overrides,
    },
    envName,
  );
}

/** Checks that the auth settings are complete for the auth type and remembers every secret for redaction. */
function finish(cfg: CloudConfig, fieldName: (k: string) => string): CloudConfig {
  const a = cfg.auth;
  const need = (k: keyof AuthSettings, why: string) => {
    if (!a[k]) {
      throw new OsnetError('OSNET_ERR_CONFIG', `${fieldName(k)} is missing (${why}; from ${cfg.source})`, {
        field: fieldName(k),
      });
    }
  };
  fillDomains(a);
  need('auth_url', 'Keystone URL');
  try {
    const u = new URL(a.auth_url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new OsnetError(
      'OSNET_ERR_CONFIG',
      `${fieldName('auth_url')} is not an http(s) URL: "${a.auth_url}"`,
      {
        field: fieldName('auth_url'),
      },
    );
  }
  if (cfg.authType === 'password') {
    if (!a.username && !a.user_id) need('username', 'password auth needs username or user_id');
    need('password', 'password auth');
    if (a.username && !a.user_id && !a.user_domain_name && !a.user_domain_id) {
      throw new OsnetError(
        'OSNET_ERR_CONFIG',
        `${fieldName('user_domain_name')} is missing (a user named by name needs its domain, or default_domain_id; from ${cfg.source})`,
        { field: fieldName('user_domain_name') },
      );
    }
    if (a.project_name && !a.project_id && !a.project_domain_name && !a.project_domain_id) {
      throw new OsnetError(
        'OSNET_ERR_CONFIG',
        `${fieldName('project_domain_name')} is missing (a project named by name needs its domain, or default_domain_id; from ${cfg.source})`,
        { field: fieldName('project_domain_name') },
      );
    }
  } else if (cfg.authType === 'v3applicationcredential') {
    if (!a.application_credential_id)
      need('application_credential_name', 'an application credential needs its id or name');
    need('application_credential_secret', 'application credential auth');
    if (!a.application_credential_id && !a.username && !a.user_id) {
      need('username', 'an application credential named by name needs its user');
    }
  } else {
    need('token', 'token auth');
  }
  registerSecret(a.password);
  registerSecret(a.application_credential_secret);
  registerSecret(a.token);
  return cfg;
}

/**
 * openstacksdk's and keystoneauth's domain shorthands: for a project-scoped login, `domain_id`/`domain_name`
 * name the user's and the project's domain (not a domain scope); `default_domain_id`/`_name` fill in
 * whichever of the two is still missing.
 */
function fillDomains(a: AuthSettings): void {
  const projectScoped = Boolean(a.project_id || a.project_name);
  const fallbacks: [string | undefined, string | undefined][] = [];
  if (projectScoped && (a.domain_id || a.domain_name)) {
    fallbacks.push([a.domain_id, a.domain_name]);
    delete a.domain_id;
    delete a.domain_name;
  }
  fallbacks.push([a.default_domain_id, a.default_domain_name]);
  for (const [id, name] of fallbacks) {
    if (!a.user_id && !a.user_domain_id && !a.user_domain_name) {
      if (id) a.user_domain_id = id;
      else if (name) a.user_domain_name = name;
    }
    if (a.project_name && !a.project_id && !a.project_domain_id && !a.project_domain_name) {
      if (id) a.project_domain_id = id;
      else if (name) a.project_domain_name = name;
    }
  }
}

interface Region {
  name: string;
  values: Yaml;
}

/** clouds.yaml `regions`: names, or `{ name, values }` maps whose values override the cloud's. */
function regionList(v: unknown, field: string): Region[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    throw new OsnetError('OSNET_ERR_CONFIG', `${field} must be a list of region names`, { field });
  }
  return v.map((r, i) => {
    if (typeof r === 'string' && r) return { name: r, values: {} };
    if (isMap(r) && typeof r.name === 'string' && r.name) {
      if (r.values !== undefined && !isMap(r.values)) {
        throw new OsnetError('OSNET_ERR_CONFIG', `${field}[${i}].values must be a mapping`, {
          field: `${field}[${i}].values`,
        });
      }
      return { name: r.name, values: isMap(r.values) ? r.values : {} };
    }
    throw new OsnetError('OSNET_ERR_CONFIG', `${field}[${i}] must be a region name or { name, values }`, {
      field: `${field}[${i}]`,
    });
  });
}

/** Proxy settings the way python-requests reads them (lower-case names first). */
function proxyFromEnv(env: NodeJS.ProcessEnv): ProxySettings {
  const pick = (n: string) => env[n.toLowerCase()] || env[n] || undefined;
  const proxy = { http: pick('HTTP_PROXY'), https: pick('HTTPS_PROXY'), noProxy: pick('NO_PROXY') };
  for (const u of [proxy.http, proxy.https]) {
    try {
      if (u) registerSecret(decodeURIComponent(new URL(u).password));
    } catch {
      // not a URL: undici reports it when the first request is made through it
    }
  }
  return proxy;
}

function authType(v: unknown, auth: Record<string, string>, field: string): AuthType {
  if (v === undefined || v === null || v === '') {
    if (auth.application_credential_secret) return 'v3applicationcredential';
    if (auth.token && !auth.password) return 'token';
    return 'password';
  }
  const s = String(v).toLowerCase();
  const norm =
    s === 'v3password'
      ? 'password'
      : s === 'v3token'
        ? 'token'
        : s === 'applicationcredential'
          ? 'v3applicationcredential'
          : s;
  if ((AUTH_TYPES as readonly string[]).includes(norm)) return norm as AuthType;
  throw new OsnetError(
    'OSNET_ERR_CONFIG',
    `${field} "${s}" is not supported (use ${AUTH_TYPES.join(', ')})`,
    { field },
  );
}

function iface(v: unknown, field: string): EndpointInterface {
  if (v === undefined || v === null || v === '') return 'public';
  const s = String(v).toLowerCase().replace(/url$/, '');
  if ((INTERFACES as readonly string[]).includes(s)) return s as EndpointInterface;
  throw new OsnetError(
    'OSNET_ERR_CONFIG',
    `${field} "${String(v)}" must be one of ${INTERFACES.join(', ')}`,
    { field },
  );
}

function bool(v: unknown, dflt: boolean, field: string): boolean {
  if (v === undefined || v === null || v === '') return dflt;
  if (typeof v === 'boolean') return v;
  const s = String(v).toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off'].includes(s)) return false;
  throw new OsnetError('OSNET_ERR_CONFIG', `${field} "${String(v)}" is not a boolean`, { field });
}

function timeoutMs(v: unknown, field: string): number {
  if (v === undefined || v === null || v === '') return DEFAULT_TIMEOUT_MS;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) {
    throw new OsnetError('OSNET_ERR_CONFIG', `${field} "${String(v)}" must be a positive number of seconds`, {
      field,
    });
  }
  return Math.round(n * 1000);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}
