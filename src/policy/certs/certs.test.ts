import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../testing/openstack/lab.ts';

const run = promisify(execFile);
const osnet = (args: string[]) =>
  run(process.execPath, [join(REPO_ROOT, 'src/cmd/osnet.ts'), ...args], { cwd: REPO_ROOT });
const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

test('osnet policy certs makes a CA, a server and a client certificate; keys 0600; no overwrite without --force', async () => {
  const base = await mkdtemp(join(tmpdir(), 'osnet-certs-'));
  dirs.push(base);
  const out = join(base, 'certs');
  await osnet(['policy', 'certs', '--out', out, '--days', '30', '--server-name', 'policy.example,10.1.2.3']);
  const pem = async (f: string) => readFile(join(out, f), 'utf8');
  const ca = new X509Certificate(await pem('ca.crt'));
  const server = new X509Certificate(await pem('server.crt'));
  const client = new X509Certificate(await pem('client.crt'));
  assert.ok(ca.ca, 'the CA is a CA');
  assert.ok(!server.ca && !client.ca);
  assert.ok(server.checkIssued(ca) && server.verify(ca.publicKey), 'server signed by the CA');
  assert.ok(client.checkIssued(ca) && client.verify(ca.publicKey), 'client signed by the CA');
  assert.equal(server.publicKey.asymmetricKeyType, 'rsa', 'RSA for the ECDHE-RSA suite');
  for (const n of ['policy.example', 'localhost']) assert.ok(server.checkHost(n), n);
  for (const ip of ['10.1.2.3', '127.0.0.1']) assert.ok(server.checkIP(ip), ip);
  assert.equal(server.checkHost('other.example'), undefined);
  const days = (c: X509Certificate) => (Date.parse(c.validTo) - Date.parse(c.validFrom)) / 86_400_000;
  assert.equal(Math.round(days(server)), 30);
  assert.ok(days(ca) >= 3650, 'the CA outlives the certificates it signs');
  assert.match(server.keyUsage?.join(',') ?? '', /1\.3\.6\.1\.5\.5\.7\.3\.1/, 'serverAuth');
  assert.match(client.keyUsage?.join(',') ?? '', /1\.3\.6\.1\.5\.5\.7\.3\.2/, 'clientAuth');
  for (const f of ['ca.key', 'server.key', 'client.key'])
    assert.equal((await stat(join(out, f))).mode & 0o777, 0o600, f);
  assert.equal((await stat(join(out, 'ca.crt'))).mode & 0o777, 0o644);

  const caBefore = await pem('ca.crt');
  await assert.rejects(osnet(['policy', 'certs', '--out', out]), (e: { code?: number; stderr?: string }) => {
    assert.equal(e.code, 65);
    assert.match(e.stderr ?? '', /OSNET_ERR_VALIDATION: .*already has ca\.crt.*--force/);
    return true;
  });
  assert.equal(await pem('ca.crt'), caBefore, 'nothing replaced');
  await osnet(['policy', 'certs', '--out', out, '--force']);
  assert.notEqual(await pem('ca.crt'), caBefore, '--force replaces');
});
