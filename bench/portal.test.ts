/**
 * bench/portal.ts run small as a process (2 networks, 5 ports on the lab; 200 rows on both stores): every
 * row is printed with its figures, the pull imported what was made out-of-band, and each list answered
 * the rows it should (a page, one tenant's tenth, one name, the small organisation's 100 at most).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { LAB_DIR, REPO_ROOT } from '../src/testing/openstack/lab.ts';

const skip = !existsSync(`${LAB_DIR}/clouds.yaml`) ? 'the lab is not up' : false;

it('bench/portal.ts prints the pull and every list row with figures', { skip }, () => {
  const args = ['--networks', '2', '--ports', '5', '--rows', '200', '--requests', '5'];
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bench', 'portal.ts'), ...args], {
    encoding: 'utf8',
    timeout: 400_000,
    env: { ...process.env, OS_CLIENT_CONFIG_FILE: `${LAB_DIR}/clouds.yaml` },
  });
  const out = `${r.stdout}${r.stderr}`;
  assert.equal(r.status, 0, out);
  assert.match(out, /^pull: made out-of-band 2 networks, 5 ports in \d+ ms/m);
  const pull =
    /^pull: tenant with 2 networks, 5 ports: \d+ ms, (\d+) OpenStack calls \((.+)\); seed ~2N\+1 = 15; portal now has (\d+) networks, (\d+) ports$/m.exec(
      out,
    );
  assert.ok(pull, out);
  assert.ok(Number(pull[1]) > 0 && /network GET \d+/.test(pull[2]!), pull[0]);
  // the tenant's own network and its router port are there too
  assert.ok(Number(pull[3]) >= 3 && Number(pull[4]) >= 5, pull[0]);
  assert.match(out, /^pull: clean-up .* \d+ ms$/m);

  const fig = '(\\d+) req/s, p50 [\\d.]+ ms, p99 [\\d.]+ ms, (\\d+) rows';
  for (const store of ['sqlite', 'postgres']) {
    assert.match(out, new RegExp(`^lists ${store}: seeded 200 ports in \\d+ ms$`, 'm'));
    const rows = (name: string) => {
      const m = new RegExp(`^lists ${store}: ${name}: ${fig}$`, 'm').exec(out);
      assert.ok(m, `${store} ${name}\n${out}`);
      assert.ok(Number(m[1]) > 0, m[0]);
      return Number(m[2]);
    };
    assert.equal(rows('ports page 1 \\(staff\\)'), 200);
    assert.equal(rows('ports page 10 \\(staff\\)'), 200);
    assert.equal(rows('ports page 10 by Link next \\(staff\\)'), 200);
    assert.ok(rows('ports of one tenant \\(staff\\)') <= 20);
    assert.equal(rows('ports name contains \\(staff\\)'), 1);
    assert.equal(rows('ports name_exact \\(staff\\)'), 1);
    const own = rows('ports \\(owner of the small organisation\\)');
    assert.ok(own > 0 && own <= 100, String(own));
  }
});
