// countingClient against the lab's Neutron: every call is counted once, updates (which go through
// request()) included.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Cloud } from '../../openstack/client/cloud.ts';
import { NotFoundError } from '../../openstack/client/errors.ts';
import type { ServiceClient } from '../../openstack/client/service-client.ts';
import * as networks from '../../openstack/networking/v2/networks/index.ts';
import * as ports from '../../openstack/networking/v2/ports/index.ts';
import { countingClient } from './counting-client.ts';
import { labCloud } from './lab.ts';

let cloud: Cloud;
let net: ServiceClient;
before(async () => {
  cloud = await labCloud('lab-admin');
  net = await cloud.network();
});
after(() => cloud?.close());

describe('countingClient', () => {
  it('counts an update (request()) and a list (get()) once each', async () => {
    const { client, calls, urls } = countingClient(net);
    const missing = '00000000-0000-4000-8000-000000000000';
    await assert.rejects(ports.update(client, missing, { name: 'x' }), NotFoundError);
    for await (const _ of networks.list(client, { limit: 1, ids: [missing] })) break;
    assert.equal(calls.length, 2, calls.join('\n'));
    assert.equal(calls[0], `PUT ports/${missing}`);
    assert.match(calls[1]!, /^GET \S*networks\b/);
    assert.equal(urls.length, 1);
  });
});
