// Whether Neutron keeps a create body's tags: against the lab (ML2/OVN with the driver, alias hidden), and
// offline (undici MockAgent) for the Neutrons the lab is not: alias listed, attribute refused.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Cloud } from '../openstack/client/cloud.ts';
import type { ServiceClient } from '../openstack/client/service-client.ts';
import * as ports from '../openstack/networking/v2/ports/index.ts';
import { labCloud } from '../testing/openstack/lab.ts';
import { mockServicePerTest } from '../testing/openstack/mock-service.ts';
import { NO_NETWORK, TAG_ON_CREATE, tagsOnCreate } from './tags-on-create.ts';

const serve = mockServicePerTest();
const NEUTRON = 'http://neutron.test:9696/v2.0/';
const extensions = (aliases: string[]) => ({
  body: { extensions: aliases.map((alias) => ({ alias, name: alias })) },
});

test('alias listed: true, without a probe', async () => {
  const mock = serve('network', NEUTRON).on(
    'GET',
    '/v2.0/extensions',
    extensions(['binding', TAG_ON_CREATE]),
  );
  assert.equal(await tagsOnCreate(mock.client), true);
  assert.deepEqual(
    mock.requests.map((r) => r.method),
    ['GET'],
  );
});

test('alias missing and the attribute refused (400): false', async () => {
  const mock = serve('network', NEUTRON)
    .on('GET', '/v2.0/extensions', extensions(['binding']))
    .on('POST', '/v2.0/ports', {
      status: 400,
      body: { NeutronError: { message: "Unrecognized attribute(s) 'tags'" } },
    });
  assert.equal(await tagsOnCreate(mock.client), false);
  assert.deepEqual(mock.requests[1]?.body, { port: { network_id: NO_NETWORK, tags: ['osnet-tag-probe'] } });
});

test('alias missing, body accepted (404 for the network): true', async () => {
  const mock = serve('network', NEUTRON)
    .on('GET', '/v2.0/extensions', extensions(['binding']))
    .on('POST', '/v2.0/ports', {
      status: 404,
      body: { NeutronError: { message: 'Network could not be found.' } },
    });
  assert.equal(await tagsOnCreate(mock.client), true);
});

test('extensions unreadable: the probe decides (here: 500, so false)', async () => {
  const mock = serve('network', NEUTRON)
    .on('GET', '/v2.0/extensions', { status: 403, body: {} })
    .on('POST', '/v2.0/ports', { status: 500, body: {} });
  assert.equal(await tagsOnCreate(mock.client), false);
});

describe('the lab (ML2/OVN loads tag_ports_during_bulk_creation, its alias hidden)', () => {
  let cloud: Cloud;
  let net: ServiceClient;
  before(async () => {
    cloud = await labCloud('lab-cni');
    net = await cloud.network();
  });
  after(() => cloud?.close());

  test('the probe says true and makes nothing', async () => {
    assert.equal(await tagsOnCreate(net), true);
    const left = [];
    for await (const p of ports.list(net, { tags: ['osnet-tag-probe'] })) left.push(p.id);
    assert.deepEqual(left, []);
  });
});
