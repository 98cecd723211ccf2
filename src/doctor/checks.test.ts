import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { promisify } from 'node:util';
import { LAB_CLOUDS, REPO_ROOT, useLabConfig } from '../testing/openstack/lab.ts';
import { formatReport, runDoctor } from './checks.ts';

const run = promisify(execFile);

before(() => useLabConfig());

test('doctor against the lab as admin: every check ok', async () => {
  const r = await runDoctor({ cloud: 'lab-admin' });
  assert.deepEqual(
    r.checks.map((c) => [c.name, c.status]),
    [
      ['config', 'ok'],
      ['auth', 'ok'],
      ['catalog', 'ok'],
      ['neutron', 'ok'],
      ['extensions', 'ok'],
    ],
    formatReport(r),
  );
  assert.ok(r.ok);
  assert.match(r.checks[0]!.detail, /cloud "lab-admin" from .*clouds\.yaml/);
  assert.match(r.checks[2]!.detail, /network endpoint http:\/\/127\.0\.0\.1:9696\/v2\.0\//);
});

test('wrong password: auth fails with a hint, later checks skipped, the password never printed', async () => {
  const env = {
    OS_AUTH_URL: 'http://127.0.0.1:5000/v3',
    OS_USERNAME: 'demo',
    OS_PASSWORD: 'wrong-password-for-doctor',
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_NAME: 'demo',
    OS_PROJECT_DOMAIN_NAME: 'Default',
  };
  const r = await runDoctor({ env });
  assert.equal(r.ok, false);
  assert.deepEqual(
    r.checks.map((c) => c.status),
    ['ok', 'fail', 'skip', 'skip', 'skip'],
  );
  const text = formatReport(r);
  assert.match(text, /fail {2}auth .*authentication as demo \(project demo\) failed/);
  assert.match(text, /hint: check username, password/);
  assert.doesNotMatch(text, /wrong-password-for-doctor/);
});

test('a required extension missing is a failure naming it', async () => {
  const r = await runDoctor({ cloud: 'lab-admin', extensions: ['binding', 'no-such-extension'] });
  assert.equal(r.ok, false);
  const ext = r.checks.find((c) => c.name === 'extensions')!;
  assert.equal(ext.status, 'fail');
  assert.equal(ext.detail, 'missing: no-such-extension');
});

test('the built CLI: exit 0 and all green for lab-admin, exit 1 naming the cloud for an unknown one', async () => {
  const bin = join(REPO_ROOT, 'dist', 'bin', 'osnet');
  const env = { ...process.env, OS_CLIENT_CONFIG_FILE: LAB_CLOUDS };
  const ok = await run(process.execPath, [bin, 'doctor', '--os-cloud', 'lab-admin'], { env });
  assert.match(ok.stdout, /^ok {4}extensions /m);
  assert.match(ok.stdout, /all checks passed/);
  await assert.rejects(
    run(process.execPath, [bin, 'doctor', '--os-cloud', 'nope'], { env }),
    (e: { code: number; stdout: string }) => {
      assert.equal(e.code, 1);
      assert.match(e.stdout, /cloud "nope" not found/);
      return true;
    },
  );
  const json = await run(process.execPath, [bin, 'doctor', '--os-cloud', 'lab-admin', '--json'], { env });
  assert.equal(JSON.parse(json.stdout).ok, true);
});
