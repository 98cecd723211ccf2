import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// Smoke run of the benchmark on one sample: it runs end to end and prints a row of figures.
test('bench/guest.ts runs on one sample', () => {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'guest.ts');
  const r = spawnSync(
    process.execPath,
    [script, '--iterations', '1', '--only', 'ci-net-os-sample0-bridge-static'],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(r.status, 0, r.stderr);
  const row = r.stdout.split('\n').find((l) => l.startsWith('| ci-net-os-sample0-bridge-static |'));
  assert.ok(row, r.stdout);
  const cells = row.split('|').map((c) => c.trim());
  assert.match(cells[2]!, /^\d+\.\d\d$/, 'osnet-guest netplan time');
  assert.match(cells[3]!, /^\d+\.\d\d$/, 'cloud-init netplan time (cloudinit-oracle.py --bench)');
  assert.match(cells[6]!, /^\d+\.\d\d$/, 'cloud-init ENI time');
  assert.match(cells[8]!, /^\d+\.\d\d$/, 'render+apply time');
});
