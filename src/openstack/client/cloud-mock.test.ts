/**
 * Request shapes offline, with undici's MockAgent injected as the Cloud's dispatcher: the token call, the
 * catalog-derived endpoint, and the headers every service call carries.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { MockAgent } from 'undici';
import type { CloudConfig } from '../config/types.ts';
import { Cloud } from './cloud.ts';

const CONFIG: CloudConfig = {
  name: 'mock',
  source: 'test',
  authType: 'password',
  auth: {
    auth_url: 'http://keystone.test:5000/v3',
    username: 'u',
    password: 'mock-password-1',
    user_domain_name: 'Default',
    project_name: 'p',
    project_domain_name: 'Default',
  },
  regionName: undefined,
  interface: 'public',
  verify: true,
  cacert: undefined,
  timeoutMs: 1000,
  endpointOverrides: {},
};

test('a Cloud sends its calls through an injected MockAgent, which close() leaves open', async () => {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
  const agent = new MockAgent();
  agent.disableNetConnect();
  const now = new Date();
  agent
    .get('http://keystone.test:5000')
    .intercept({ path: '/v3/auth/tokens', method: 'POST' })
    .reply(
      201,
      {
        token: {
          issued_at: now.toISOString(),
          expires_at: new Date(now.getTime() + 3_600_000).toISOString(),
          user: { id: 'u1', name: 'u' },
          project: { id: 'p1', name: 'p' },
          catalog: [
            {
              id: 's',
              type: 'network',
              endpoints: [
                {
                  id: 'e',
                  interface: 'public',
                  region: 'R',
                  region_id: 'R',
                  url: 'http://neutron.test:9696',
                },
              ],
            },
          ],
        },
      },
      { headers: { 'content-type': 'application/json', 'x-subject-token': 'mock-token-123' } },
    );
  let seen: Record<string, string> = {};
  agent
    .get('http://neutron.test:9696')
    .intercept({ path: '/v2.0/networks?limit=1', method: 'GET' })
    .reply(
      200,
      (opts) => {
        seen = opts.headers as Record<string, string>;
        return { networks: [] };
      },
      { headers: { 'content-type': 'application/json' } },
    );
  const cloud = new Cloud(CONFIG, { dispatcher: agent });
  const net = await cloud.network();
  assert.equal(net.endpoint, 'http://neutron.test:9696/v2.0/');
  const res = await net.get('networks', { query: { limit: 1 } });
  assert.deepEqual(res.body, { networks: [] });
  assert.equal(seen['x-auth-token'], 'mock-token-123');
  assert.equal(seen['user-agent'], `osnet/${pkg.version}`);
  await cloud.close();
  agent.assertNoPendingInterceptors();
  await agent.close(); // would throw had the Cloud closed it already
});
