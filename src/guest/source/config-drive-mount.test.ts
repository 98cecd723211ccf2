import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI } from '../../testing/guest/cli.ts';

// A real block device labelled config-2: an ext4 image (no ISO 9660 or VFAT tool is installed here; the
// lookup and mount path are the same) on a loop device, found by blkid (this host has no udev by-label
// tree) and mounted read-only by osnet-guest in a private mount namespace, so the host sees no mount.
const ND = { links: [{ id: 'l0', type: 'phy', ethernet_mac_address: 'fa:16:3e:70:00:01' }], networks: [] };

test('config drive: found by label, mounted read-only, read and unmounted; or read where mounted', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'osg-cd-'));
  let loop: string | undefined;
  try {
    await mkdir(join(dir, 'tree', 'openstack', 'latest'), { recursive: true });
    await writeFile(join(dir, 'tree', 'openstack', 'latest', 'network_data.json'), JSON.stringify(ND));
    try {
      execFileSync(
        'mke2fs',
        ['-q', '-t', 'ext4', '-L', 'config-2', '-d', join(dir, 'tree'), join(dir, 'img'), '4M'],
        {
          stdio: 'ignore',
        },
      );
      loop = execFileSync('losetup', ['-f', '--show', join(dir, 'img')], { encoding: 'utf8' }).trim();
    } catch {
      t.skip('cannot build a labelled image on a loop device here');
      return;
    }
    const work = join(dir, 'tmp');
    await mkdir(work);
    const env = { ...process.env, TMPDIR: work };
    const validate = `${process.execPath} ${CLI} validate --source config-drive`;
    const mounted = spawnSync(
      'unshare',
      ['-m', 'sh', '-c', `${validate} && grep -c ' ${work}/' /proc/self/mounts || true`],
      {
        env,
        encoding: 'utf8',
      },
    );
    assert.equal(mounted.status, 0, mounted.stderr);
    const [summary, leftMounts] = mounted.stdout.trim().split('\n');
    assert.equal(JSON.parse(summary!).origin, 'config-drive');
    assert.deepEqual(JSON.parse(summary!).links, ['l0:phy']);
    assert.equal(leftMounts, '0', 'unmounted after reading');
    assert.deepEqual(await readdir(work), [], 'temporary mount point removed');

    // Already mounted (by cloud-init, say): read in place. TMPDIR points nowhere, so a second mount
    // (which needs a temporary mount point) would fail the command.
    const pre = join(dir, 'premounted');
    await mkdir(pre);
    const inPlace = spawnSync('unshare', ['-m', 'sh', '-c', `mount -o ro ${loop} ${pre} && ${validate}`], {
      env: { ...process.env, TMPDIR: join(dir, 'does-not-exist') },
      encoding: 'utf8',
    });
    assert.equal(inPlace.status, 0, inPlace.stderr);
    assert.deepEqual(JSON.parse(inPlace.stdout).links, ['l0:phy']);
  } finally {
    if (loop) spawnSync('losetup', ['-d', loop]);
    await rm(dir, { recursive: true, force: true });
  }
});
