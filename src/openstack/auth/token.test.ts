/**
 * Token issue against the lab's real Keystone: issued tokens are registered for redaction, and their life is
 * judged from Keystone's issued_at/expires_at even when the local clock is hours off.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { redactText } from '../../lib/redact.ts';
import { useLabConfig } from '../../testing/openstack/lab.ts';
import { loadCloudConfig } from '../config/load.ts';
import { Transport } from '../http/transport.ts';
import { issueToken } from './token.ts';
import { TokenManager } from './token-manager.ts';

const transport = new Transport({ timeoutMs: 30_000 });
after(() => transport.close());

test('a token Keystone issued is masked in any text, not only in X-Auth-Token headers', async () => {
  useLabConfig();
  const cfg = await loadCloudConfig({ cloud: 'lab-demo' });
  const token = await issueToken(transport, cfg);
  assert.ok(token.value.length > 20);
  const line = `GET /v2.0/ports?token=${token.value} failed; body said ${JSON.stringify({ id: token.value })}`;
  const out = redactText(line);
  assert.ok(!out.includes(token.value), out);
  assert.match(out, /token=\*\*\* failed/);
});

test('with the local clock 2 h ahead of Keystone, calls share one real 1 h token', async () => {
  useLabConfig();
  const cfg = await loadCloudConfig({ cloud: 'lab-demo' });
  const ahead = () => Date.now() + 2 * 3_600_000;
  const tm = new TokenManager(() => issueToken(transport, cfg, { now: ahead }), { now: ahead });
  const first = await tm.get();
  const life = first.expiresAt.getTime() - first.issuedAt.getTime();
  assert.ok(life > 10 * 60_000, `the lab issues tokens of ${life} ms`);
  for (let i = 0; i < 4; i++) assert.equal((await tm.get()).value, first.value);
  assert.equal(tm.issued, 1);
});
