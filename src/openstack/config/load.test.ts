import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { OsnetError } from '../../lib/errors.ts';
import { redactText } from '../../lib/redact.ts';
import { loadCloudConfig } from './load.ts';

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'osnet-cfg-'));
  for (const [p, text] of Object.entries(files)) {
    await mkdir(join(root, p, '..'), { recursive: true });
    await writeFile(join(root, p), text);
  }
  return root;
}

const CLOUDS = `
clouds:
  lab:
    auth:
      auth_url: http://127.0.0.1:5000/v3
      username: admin
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: internal
    api_timeout: 5
    network_endpoint_override: http://127.0.0.1:9696
  appcred:
    auth_type: v3applicationcredential
    auth:
      auth_url: http://127.0.0.1:5000
      application_credential_id: abc
`;
const SECURE = `
clouds:
  lab:
    auth:
      password: from-secure-yaml
  appcred:
    auth:
      application_credential_secret: app-secret-value
`;

test('OS_CLOUD picks a cloud from ./clouds.yaml and secure.yaml is merged over it', async () => {
  const cwd = await tree({ 'clouds.yaml': CLOUDS, 'secure.yaml': SECURE });
  const cfg = await loadCloudConfig({ env: { OS_CLOUD: 'lab' }, cwd, home: join(cwd, 'nohome') });
  assert.equal(cfg.name, 'lab');
  assert.equal(cfg.authType, 'password');
  assert.equal(cfg.auth.password, 'from-secure-yaml');
  assert.equal(cfg.auth.username, 'admin');
  assert.equal(cfg.interface, 'internal');
  assert.equal(cfg.regionName, 'RegionOne');
  assert.equal(cfg.timeoutMs, 5000);
  assert.equal(cfg.endpointOverrides.network, 'http://127.0.0.1:9696');
  assert.match(cfg.source, /clouds\.yaml \+ .*secure\.yaml/);
  // the password is now registered as a secret
  assert.equal(redactText('pw=from-secure-yaml'), 'pw=***');
});

test('search order: OS_CLIENT_CONFIG_FILE, then ./, then ~/.config/openstack, then /etc/openstack', async () => {
  const home = await tree({
    '.config/openstack/clouds.yaml': CLOUDS,
    '.config/openstack/secure.yaml': SECURE,
  });
  const cwd = await tree({});
  const fromHome = await loadCloudConfig({ cloud: 'appcred', env: {}, cwd, home });
  assert.match(fromHome.source, /\.config\/openstack\/clouds\.yaml \+ /);
  // ./clouds.yaml wins over the home one
  await writeFile(join(cwd, 'clouds.yaml'), CLOUDS.replace('appcred:', 'other:'));
  await assert.rejects(
    loadCloudConfig({ cloud: 'appcred', env: {}, cwd, home }),
    /not found in .*osnet-cfg-/,
  );
  const explicit = await tree({ 'x/my.yaml': CLOUDS.replace('lab:', 'mine:') });
  await assert.rejects(
    loadCloudConfig({
      cloud: 'mine',
      env: { OS_CLIENT_CONFIG_FILE: join(explicit, 'x/my.yaml') },
      cwd,
      home,
    }),
    // found, but its password is missing: proves the explicit file was the one read
    (e: OsnetError) => e.code === 'OSNET_ERR_CONFIG' && e.field === 'clouds.mine.auth.password',
  );
});

test('application credential: auth type inferred, auth_url without /v3 accepted', async () => {
  const cwd = await tree({ 'clouds.yaml': CLOUDS, 'secure.yaml': SECURE });
  const cfg = await loadCloudConfig({ cloud: 'appcred', env: {}, cwd, home: cwd });
  assert.equal(cfg.authType, 'v3applicationcredential');
  assert.equal(cfg.auth.application_credential_secret, 'app-secret-value');
  assert.equal(cfg.timeoutMs, 60_000);
  assert.equal(cfg.interface, 'public');
  assert.equal(cfg.verify, true);
});

test('OS_* environment forms the cloud when no cloud is named', async () => {
  const cfg = await loadCloudConfig({
    env: {
      OS_AUTH_URL: 'https://keystone.example:5000/v3',
      OS_USERNAME: 'u',
      OS_PASSWORD: 'env-password-1',
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_NAME: 'p',
      OS_PROJECT_DOMAIN_ID: 'default',
      OS_REGION_NAME: 'R2',
      OS_INTERFACE: 'admin',
      OS_INSECURE: 'true',
      OS_CACERT: '/tmp/ca.pem',
      OS_API_TIMEOUT: '2.5',
      OS_NETWORK_ENDPOINT_OVERRIDE: 'http://n:9696',
    },
    cwd: '/nonexistent',
    home: '/nonexistent',
  });
  assert.equal(cfg.source, 'environment');
  assert.equal(cfg.name, undefined);
  assert.equal(cfg.auth.project_domain_id, 'default');
  assert.equal(cfg.regionName, 'R2');
  assert.equal(cfg.interface, 'admin');
  assert.equal(cfg.verify, false);
  assert.equal(cfg.cacert, '/tmp/ca.pem');
  assert.equal(cfg.timeoutMs, 2500);
  assert.equal(cfg.endpointOverrides.network, 'http://n:9696');
});

test('errors name the missing or wrong setting', async () => {
  const cwd = await tree({ 'clouds.yaml': CLOUDS });
  const cases: [Parameters<typeof loadCloudConfig>[0], string, RegExp][] = [
    [{ env: {}, cwd, home: cwd }, 'OS_CLOUD', /no cloud selected.*clouds in .*: lab, appcred/],
    [
      { cloud: 'nope', env: {}, cwd, home: cwd },
      'OS_CLOUD',
      /cloud "nope" not found .*\(clouds: lab, appcred\)/,
    ],
    [{ cloud: 'lab', env: {}, cwd, home: cwd }, 'clouds.lab.auth.password', /password is missing/],
    [{ env: { OS_AUTH_URL: 'http://k/v3', OS_USERNAME: 'u' } }, 'OS_PASSWORD', /OS_PASSWORD is missing/],
    [
      { env: { OS_AUTH_URL: 'http://k/v3', OS_USERNAME: 'u', OS_PASSWORD: 'p' } },
      'OS_USER_DOMAIN_NAME',
      /needs its domain/,
    ],
    [{ env: { OS_AUTH_URL: 'keystone:5000', OS_TOKEN: 'tok-1234' } }, 'OS_AUTH_URL', /not an http\(s\) URL/],
    [
      { env: { OS_AUTH_URL: 'http://k', OS_AUTH_TYPE: 'saml2', OS_TOKEN: 't' } },
      'OS_AUTH_TYPE',
      /not supported/,
    ],
    [
      { env: { OS_AUTH_URL: 'http://k', OS_TOKEN: 't', OS_INTERFACE: 'private' } },
      'OS_INTERFACE',
      /must be one of/,
    ],
    [{ env: { OS_AUTH_URL: 'http://k', OS_TOKEN: 't', OS_API_TIMEOUT: '-1' } }, 'OS_API_TIMEOUT', /positive/],
  ];
  for (const [opts, field, msg] of cases) {
    await assert.rejects(
      loadCloudConfig({ cwd: '/nonexistent', home: '/nonexistent', ...opts }),
      (e: OsnetError) => {
        assert.equal(e.code, 'OSNET_ERR_CONFIG');
        assert.equal(e.field, field);
        assert.match(e.message, msg);
        return true;
      },
    );
  }
});

test('a broken clouds.yaml is reported with its path', async () => {
  const cwd = await tree({ 'clouds.yaml': 'clouds: [unclosed' });
  await assert.rejects(
    loadCloudConfig({ cloud: 'x', env: {}, cwd, home: cwd }),
    /clouds\.yaml is not valid YAML/,
  );
});

test('clouds.yml and clouds.json are found like clouds.yaml, also under $XDG_CONFIG_HOME/openstack', async () => {
  const cwd = await tree({
    'clouds.yml': CLOUDS,
    'secure.json': JSON.stringify({ clouds: { lab: { auth: { password: 'pw-from-json' } } } }),
  });
  const yml = await loadCloudConfig({ cloud: 'lab', env: {}, cwd, home: '/nonexistent' });
  assert.match(yml.source, /clouds\.yml \+ .*secure\.json$/);
  assert.equal(yml.auth.password, 'pw-from-json');

  const xdg = await tree({
    'openstack/clouds.json': JSON.stringify({
      clouds: { j: { auth: { auth_url: 'http://k:5000', token: 'tok-from-json' } } },
    }),
  });
  const empty = await tree({});
  const fromXdg = await loadCloudConfig({
    cloud: 'j',
    env: { XDG_CONFIG_HOME: xdg },
    cwd: empty,
    home: '/nonexistent',
  });
  assert.equal(fromXdg.source, join(xdg, 'openstack', 'clouds.json'));
  assert.equal(fromXdg.authType, 'token');

  // per directory .yaml comes before .yml
  await writeFile(join(cwd, 'clouds.yaml'), CLOUDS.replace('lab:', 'yaml-only:'));
  await assert.rejects(
    loadCloudConfig({ cloud: 'lab', env: {}, cwd, home: '/nonexistent' }),
    /not found in .*clouds\.yaml/,
  );
  const bad = await tree({ 'clouds.json': '{"clouds": ' });
  await assert.rejects(
    loadCloudConfig({ cloud: 'x', env: {}, cwd: bad, home: bad }),
    /clouds\.json is not valid JSON/,
  );
});

test('regions: the first is the default, region_name must be one of them, a region may override values', async () => {
  const cwd = await tree({
    'clouds.yaml': `
clouds:
  multi:
    auth: { auth_url: 'http://k:5000/v3', token: 'tok-regions' }
    interface: public
    regions:
      - RegionOne
      - name: RegionTwo
        values:
          interface: internal
          network_endpoint_override: http://r2:9696
`,
  });
  const dflt = await loadCloudConfig({ cloud: 'multi', env: {}, cwd, home: cwd });
  assert.equal(dflt.regionName, 'RegionOne');
  assert.deepEqual(dflt.regions, ['RegionOne', 'RegionTwo']);
  assert.equal(dflt.interface, 'public');
  const two = await loadCloudConfig({ cloud: 'multi', env: { OS_REGION_NAME: 'RegionTwo' }, cwd, home: cwd });
  assert.equal(two.regionName, 'RegionTwo');
  assert.equal(two.interface, 'internal');
  assert.equal(two.endpointOverrides.network, 'http://r2:9696');
  await assert.rejects(
    loadCloudConfig({ cloud: 'multi', env: { OS_REGION_NAME: 'regionone' }, cwd, home: cwd }),
    (e: OsnetError) =>
      e.field === 'clouds.multi.region_name' &&
      /not one of clouds\.multi\.regions \(RegionOne, RegionTwo\)/.test(e.message),
  );
});

test('default_domain (and domain_id for a project login) fill in the user and project domains', async () => {
  const cwd = await tree({
    'clouds.yaml': `
clouds:
  dd:
    auth: { auth_url: 'http://k/v3', username: u, password: pw-dd-1, project_name: p, default_domain_id: d1 }
  top:
    default_domain: d2
    auth: { auth_url: 'http://k/v3', username: u, password: pw-dd-2, project_name: p }
  dom:
    auth: { auth_url: 'http://k/v3', username: u, password: pw-dd-3, project_name: p, domain_name: Acme }
`,
  });
  const dd = await loadCloudConfig({ cloud: 'dd', env: {}, cwd, home: cwd });
  assert.equal(dd.auth.user_domain_id, 'd1');
  assert.equal(dd.auth.project_domain_id, 'd1');
  const top = await loadCloudConfig({ cloud: 'top', env: {}, cwd, home: cwd });
  assert.equal(top.auth.user_domain_id, 'd2');
  const dom = await loadCloudConfig({ cloud: 'dom', env: {}, cwd, home: cwd });
  assert.equal(dom.auth.user_domain_name, 'Acme');
  assert.equal(dom.auth.project_domain_name, 'Acme');
  assert.equal(dom.auth.domain_name, undefined, 'a project login is not domain-scoped');
  const env = await loadCloudConfig({
    env: {
      OS_AUTH_URL: 'http://k/v3',
      OS_USERNAME: 'u',
      OS_PASSWORD: 'pw-dd-4',
      OS_PROJECT_NAME: 'p',
      OS_DEFAULT_DOMAIN: 'default',
    },
  });
  assert.equal(env.auth.user_domain_id, 'default');
  assert.equal(env.auth.project_domain_id, 'default');
});

test('client cert/key and the proxy variables are read', async () => {
  const cwd = await tree({
    'clouds.yaml': `
clouds:
  mtls:
    auth: { auth_url: 'https://k:5000/v3', token: 'tok-mtls' }
    cacert: /etc/ca.pem
    cert: /etc/client.pem
    key: /etc/client.key
`,
  });
  const cfg = await loadCloudConfig({
    cloud: 'mtls',
    env: { HTTPS_PROXY: 'http://user:proxy-pass-1@proxy:3128', no_proxy: 'localhost,127.0.0.1' },
    cwd,
    home: cwd,
  });
  assert.equal(cfg.cert, '/etc/client.pem');
  assert.equal(cfg.key, '/etc/client.key');
  assert.deepEqual(cfg.proxy, {
    http: undefined,
    https: 'http://user:proxy-pass-1@proxy:3128',
    noProxy: 'localhost,127.0.0.1',
  });
  assert.equal(redactText('via proxy-pass-1'), 'via ***');
  const env = await loadCloudConfig({
    env: {
      OS_AUTH_URL: 'https://k/v3',
      OS_TOKEN: 'tok-env-mtls',
      OS_CERT: '/c.pem',
      OS_KEY: '/c.key',
      http_proxy: 'http://p:1',
    },
  });
  assert.equal(env.cert, '/c.pem');
  assert.equal(env.key, '/c.key');
  assert.equal(env.proxy?.http, 'http://p:1');
});
