import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TokenManager } from '../auth/token-manager.ts';
import { Transport } from '../http/transport.ts';
import { ServiceClient } from './service-client.ts';

const transport = new Transport({ timeoutMs: 1000 });
const tokens = new TokenManager(async () => {
  throw new Error('not used');
});
const net = new ServiceClient('network', 'http://127.0.0.1:9696/v2.0/', transport, tokens);

test('paths resolve under the versioned endpoint; arrays become repeated keys; nulls are dropped', () => {
  assert.equal(
    net.url('ports', {
      network_id: 'n1',
      fields: ['id', 'name'],
      limit: 3,
      admin_state_up: true,
      name: undefined,
      x: null,
    }),
    'http://127.0.0.1:9696/v2.0/ports?network_id=n1&fields=id&fields=name&limit=3&admin_state_up=true',
  );
  assert.equal(net.url('/ports/abc'), 'http://127.0.0.1:9696/v2.0/ports/abc');
  assert.equal(
    net.url('http://127.0.0.1:9696/v2.0/ports?limit=3&marker=m'),
    'http://127.0.0.1:9696/v2.0/ports?limit=3&marker=m',
  );
  assert.equal(
    net.url('ports', { fixed_ips: 'ip_address=10.0.0.5' }),
    'http://127.0.0.1:9696/v2.0/ports?fixed_ips=ip_address%3D10.0.0.5',
  );
});

test('the token is never sent to another origin (a pagination link pointing elsewhere is refused)', () => {
  assert.throws(
    () => net.url('http://evil.example:9696/v2.0/ports'),
    (e: { code: string; message: string }) =>
      e.code === 'OSNET_ERR_OS_UNEXPECTED' &&
      /not on the network endpoint http:\/\/127\.0\.0\.1:9696/.test(e.message),
  );
});
