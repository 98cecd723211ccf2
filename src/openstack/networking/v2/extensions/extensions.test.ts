// Integration: real Neutron in the lab (scripts/lab/up). Fails, never skips, when the lab is down.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { labFixture } from '../../../../testing/openstack/fixture.ts';
import { NotFoundError } from '../../../client/errors.ts';
import { collect } from '../../../client/pagination.ts';
import type { ServiceClient } from '../../../client/service-client.ts';
import * as extensions from './index.ts';

const lab = labFixture(['lab-demo'], 'network');
let net: ServiceClient;

before(async () => {
  [, [net]] = await lab.open();
});

after(() => lab.close());

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
