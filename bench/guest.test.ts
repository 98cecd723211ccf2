import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const FIGURE = /^\d+\.\d\d$/;
/** `min / median / max` whole-process milliseconds. */
const SPREAD = /^\d+ \/ \d+ \/ \d+$/;

before(() => {
  // the whole-process figures time the bundle as shipped
  const b = spawnSync(process.execPath, [join(here, '..', 'scripts', 'build.ts')], { encoding: 'utf8' });
  assert.equal(b.status, 0, b.stderr);
});

// Smoke run of the benchmark on one sample: it runs end to end and prints rows of figures.
test('bench/guest.ts runs on one sample', () => {
  const r = spawnSync(
    process.execPath,
    [
      join(here, 'guest.ts'),
      ...['--iterations', '1', '--process-runs', '2', '--only', 'ci-net-os-sample0-bridge-static'],
    ],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  const [row, whole] = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('| ci-net-os-sample0-bridge-static |'));
  assert.ok(row && whole, r.stdout);
  const cells = row.split('|').map((c) => c.trim());
  assert.match(cells[2]!, FIGURE, 'osnet-guest netplan time');
  assert.match(cells[3]!, FIGURE, 'cloud-init netplan time (cloudinit-oracle.py --bench)');
  assert.match(cells[6]!, FIGURE, 'cloud-init ENI time');
  assert.match(cells[8]!, FIGURE, 'render+apply time');

  // whole processes: columns by header name, since the single executable's appear only when it is built
  const header = r.stdout.split('\n').find((l) => l.startsWith('| sample | osnet-guest wall'));
  assert.ok(header, r.stdout);
  const names = header.split('|').map((c) => c.trim());
  const at = (name: string, nth = 0) => whole.split('|').map((c) => c.trim())[names.indexOf(name) + nth]!;
  assert.match(at('osnet-guest wall'), SPREAD, 'osnet-guest whole-process wall ms');
  assert.match(at('osnet-guest wall', 1), SPREAD, 'osnet-guest whole-process CPU ms');
  assert.match(at('osnet-guest wall', 2), /^\d+\.\d$/, 'osnet-guest peak RSS MiB');
  assert.match(at('cloud-init wall'), SPREAD, 'cloud-init net-convert whole-process wall ms');
  assert.match(at('cloud-init wall', 2), /^\d+\.\d$/, 'cloud-init peak RSS MiB');
  assert.match(at('ratio'), /^\d+\.\dx \/ \d+\.\dx$/, 'wall and CPU ratios');
  assert.match(at('node -e 0 wall'), SPREAD, 'bare node wall ms');
  assert.match(at('node -e 0 wall', 2), /^\d+\.\d$/, 'bare node peak RSS MiB');
});
