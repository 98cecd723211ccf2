import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };
const entry = (name: string) => join(repo, 'src', 'cmd', `${name}.ts`);

function node(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, ...env } });
}

test('the CLI pattern loads no logger, metrics or YAML library until asked (the thin CNI plugin starts on it)', () => {
  const script = `
    const { createRequire } = await import('node:module');
    const m = await import(${JSON.stringify(join(here, 'program.ts'))});
    const loaded = () => Object.keys(createRequire(import.meta.url).cache).filter((k) => /node_modules\\/(pino|prom-client|yaml)\\//.test(k)).length;
    const before = loaded();
    await m.cliLogger('t');
    console.log(JSON.stringify({ before, after: loaded() }));`;
  const r = node(['--input-type=module', '-e', script]);
  assert.equal(r.status, 0, r.stderr);
  const { before, after } = JSON.parse(r.stdout) as { before: number; after: number };
  assert.equal(before, 0, 'nothing heavy at load');
  assert.ok(after > 0, 'the logger loads pino when asked (the check can see a load)');
});

test('every executable prints the package.json version', () => {
  for (const name of ['osnet', 'osnet-guest']) {
    const r = node([entry(name), '--version']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), pkg.version, name);
  }
});

test('usage errors exit 64 in the failure shape of every executable; JSON on request', () => {
  for (const name of ['osnet', 'osnet-guest']) {
    const r = node([entry(name), 'no-such-command']);
    assert.equal(r.status, 64, name);
    assert.match(r.stderr, new RegExp(`^${name}: OSNET_ERR_USAGE: unknown command 'no-such-command'$`, 'm'));
    assert.doesNotMatch(r.stderr, /^\{/m, 'no JSON unless asked');
  }
  const j = node([entry('osnet'), 'doctor', '--no-such-flag'], { OSNET_LOG_FORMAT: 'json' });
  assert.equal(j.status, 64);
  const line = j.stderr.split('\n').find((l) => l.startsWith('{'));
  assert.deepEqual(JSON.parse(line!), {
    code: 'OSNET_ERR_USAGE',
    message: "unknown option '--no-such-flag'",
  });
});

test('a failure prints `<prog>: CODE: message`, exits with the code’s status, and adds JSON with OSNET_LOG_FORMAT=json', () => {
  const args = [entry('osnet-guest'), 'validate', '--input', '/nonexistent/nd.json'];
  const plain = node(args);
  assert.equal(plain.status, 74);
  assert.equal(plain.stderr, 'osnet-guest: OSNET_ERR_IO: cannot read /nonexistent/nd.json\n');
  const json = node(args, { OSNET_LOG_FORMAT: 'json' });
  assert.equal(json.status, 74);
  const [line, obj] = json.stderr.trim().split('\n');
  assert.equal(line, 'osnet-guest: OSNET_ERR_IO: cannot read /nonexistent/nd.json');
  assert.deepEqual(JSON.parse(obj!), {
    code: 'OSNET_ERR_IO',
    message: 'cannot read /nonexistent/nd.json',
    field: '--input',
  });
});

test('the CLI logger is the redacting one: secrets never reach stderr', () => {
  const script = `
    const { cliLogger } = await import(${JSON.stringify(join(here, 'program.ts'))});
    const { registerSecret } = await import(${JSON.stringify(join(repo, 'src', 'lib', 'redact.ts'))});
    registerSecret('cli-secret-value-9');
    const log = await cliLogger('osnet-t');
    log.info({ auth: { password: 'pw-1234' } }, 'logging in with cli-secret-value-9');`;
  const r = node(['--input-type=module', '-e', script]);
  assert.equal(r.status, 0, r.stderr);
  const rec = JSON.parse(r.stderr.trim()) as { name: string; msg: string; auth: { password: string } };
  assert.equal(rec.name, 'osnet-t');
  assert.equal(rec.msg, 'logging in with ***');
  assert.equal(rec.auth.password, '***');
});
