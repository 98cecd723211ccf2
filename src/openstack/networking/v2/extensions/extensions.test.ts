// Integration: real Neutron in the lab (scripts/lab/up). Fails, never skips, when the lab is down.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Cloud } from '../../../client/cloud.ts';
import { NotFoundError } from '../../../client/errors.ts';
import { collect } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import { labCloud } from '../../../testing/lab.ts';
import * as extensions from './index.ts';

let demo: Cloud;
let net: ServiceClient;

before(async () => {
  demo = await labCloud('lab-demo');
  net = await demo.network();
});

after(async () => {
  await demo?.close();
});

test('list and get: the extensions osnet relies on are there, an unknown alias is NotFound', async () => {
  const all = await collect(extensions.list(net));
  const aliases = new Set(all.map((e) => e.alias));
  for (const a of ['binding', 'standard-attr-tag', 'port-security', 'revision-if-match', 'pagination']) {
    assert.ok(aliases.has(a), `${a} listed`);
  }
  const binding = await extensions.get(net, 'binding');
  assert.equal(binding.alias, 'binding');
  assert.ok(binding.name.length > 0);
  await assert.rejects(extensions.get(net, 'osnet-no-such-extension'), NotFoundError);
  assert.deepEqual(await extensions.missingExtensions(net, ['binding', 'osnet-no-such-extension', 'trunk']), [
    'osnet-no-such-extension',
  ]);
});
