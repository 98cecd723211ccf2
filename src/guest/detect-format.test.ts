import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatFor, parseOsRelease } from './detect-format.ts';

test('os-release parsing strips quotes and ignores comments', () => {
  assert.deepEqual(
    parseOsRelease('# c\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID=\'9.3\'\nbad line\n'),
    {
      ID: 'rocky',
      ID_LIKE: 'rhel centos fedora',
      VERSION_ID: '9.3',
    },
  );
});

test('distribution → format', async () => {
  const root = await mkdtemp(join(tmpdir(), 'osg-os-'));
  try {
    const cases: [Record<string, string>, string | undefined][] = [
      [{ ID: 'ubuntu', VERSION_ID: '22.04' }, 'netplan'],
      [{ ID: 'ubuntu', VERSION_ID: '16.04' }, 'ifupdown'],
      [{ ID: 'debian', VERSION_ID: '12' }, 'ifupdown'],
      [{ ID: 'rhel', VERSION_ID: '8.9' }, 'sysconfig'],
      [{ ID: 'rocky', ID_LIKE: 'rhel centos fedora', VERSION_ID: '9.3' }, 'networkmanager'],
      [{ ID: 'centos', VERSION_ID: '7' }, 'sysconfig'],
      [{ ID: 'fedora', VERSION_ID: '40' }, 'networkmanager'],
      [{ ID: 'plan9' }, undefined],
    ];
    for (const [os, want] of cases) assert.equal(formatFor(os, root), want, JSON.stringify(os));
    // An unknown distribution falls back to the stack that is installed.
    await mkdir(join(root, 'etc/NetworkManager'), { recursive: true });
    assert.equal(formatFor({ ID: 'plan9' }, root), 'networkmanager');
    // Debian with netplan installed (Debian 13 cloud images) uses it.
    await mkdir(join(root, 'etc/netplan'), { recursive: true });
    await mkdir(join(root, 'usr/sbin/netplan'), { recursive: true });
    assert.equal(formatFor({ ID: 'debian', VERSION_ID: '13' }, root), 'netplan');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
