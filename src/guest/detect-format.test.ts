import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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

test('Debian picks the stack that is installed: NetworkManager without ifupdown, ifupdown when ifup is there', async () => {
  const root = await mkdtemp(join(tmpdir(), 'osg-os-'));
  const debian = { ID: 'debian', VERSION_ID: '12' };
  try {
    // The Debian 12 network-manager image: NetworkManager's binary and config, no ifupdown. A bare
    // /etc/network/interfaces (left by netbase or an old install) is no sign of ifup.
    await mkdir(join(root, 'etc/NetworkManager'), { recursive: true });
    await mkdir(join(root, 'usr/sbin'), { recursive: true });
    await writeFile(join(root, 'usr/sbin/NetworkManager'), '');
    await mkdir(join(root, 'etc/network'), { recursive: true });
    await writeFile(join(root, 'etc/network/interfaces'), 'source-directory /etc/network/interfaces.d\n');
    assert.equal(formatFor(debian, root), 'networkmanager');
    // Both installed: ifupdown stays the Debian default.
    await mkdir(join(root, 'sbin'), { recursive: true });
    await writeFile(join(root, 'sbin/ifup'), '');
    assert.equal(formatFor(debian, root), 'ifupdown');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
