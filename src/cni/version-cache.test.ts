// The delegate VERSION cache with a real executable (a fake delegate: a shell script that answers VERSION
// and counts how often it was run): asked once per binary, again when the binary changes.
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { delegateVersion, openDelegate } from './delegate.ts';

let dir: string;
const script = (versions: string) =>
  `#!/bin/sh\necho run >> "${'$'}{0}.runs"\necho '{"cniVersion":"1.0.0","supportedVersions":${versions}}'\n`;
const runs = async () =>
  (await readFile(join(dir, 'bin', 'fake-delegate.runs'), 'utf8')).split('\n').length - 1;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osnet-vcache-'));
  await mkdir(join(dir, 'bin'));
  await writeFile(join(dir, 'bin', 'fake-delegate'), script('["0.4.0","1.0.0"]'));
  await chmod(join(dir, 'bin', 'fake-delegate'), 0o755);
});
after(() => rm(dir, { recursive: true, force: true }));

describe('delegate VERSION cache', () => {
  it('runs the delegate for VERSION once, however many calls ask', async () => {
    const env = { OSNET_CNI_CACHE_DIR: join(dir, 'cache'), PATH: '/usr/bin:/bin' };
    for (let i = 0; i < 3; i++) {
      const d = await openDelegate('fake-delegate', [join(dir, 'bin')], env);
      assert.equal(await delegateVersion(d, '1.1.0', 'ADD'), '1.0.0');
    }
    assert.equal(await runs(), 1);
  });

  it('asks again when the binary changes', async () => {
    const env = { OSNET_CNI_CACHE_DIR: join(dir, 'cache'), PATH: '/usr/bin:/bin' };
    await writeFile(join(dir, 'bin', 'fake-delegate'), script('["0.4.0"]'));
    const d = await openDelegate('fake-delegate', [join(dir, 'bin')], env);
    assert.equal(await delegateVersion(d, '1.1.0', 'ADD'), '0.4.0');
    assert.equal(await runs(), 2);
  });
});
