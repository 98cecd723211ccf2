import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OsnetError } from '../lib/errors.ts';
import { parseAdd, parseCheck, parseDel, parseGc } from './requests.ts';

const NET = '5b1d1a2e-3c4f-4a5b-8c6d-7e8f9a0b1c2d';
const KEY = { container_id: 'abc', ifname: 'eth0', network_id: NET };

function refuses(fn: () => unknown, code: string, field: string): void {
  assert.throws(fn, (e: OsnetError) => {
    assert.equal(e.code, code);
    assert.equal(e.field, field);
    assert.ok(e.message.startsWith(field), e.message);
    return true;
  });
}

describe('protocol bodies', () => {
  it('reads a full ADD and keeps only what it knows', () => {
    const add = {
      ...KEY,
      netns: '/run/netns/p',
      subnet_id: NET,
      security_group_ids: [NET],
      mac: 'FA:16:3E:00:00:01',
      ips: ['10.0.0.5/24', 'fd00::5'],
      pod: { namespace: 'default', name: 'web-0', uid: 'a1b2' },
      policy_group_id: 'app-1',
      labels: [
        { key: 'app', value: 'web' },
        { key: 'tier', value: '' },
      ],
      mtu: 1400,
    };
    assert.deepEqual(parseAdd(add), { ...add, mac: 'fa:16:3e:00:00:01' });
    // Kubernetes apps are `namespace/app` on the policy server: the daemon takes what the server takes
    assert.equal(parseAdd({ ...KEY, policy_group_id: 'shop/web' }).policy_group_id, 'shop/web');
    assert.deepEqual(parseDel(KEY), KEY);
    assert.deepEqual(parseCheck({ ...KEY, ips: ['10.0.0.5/24'] }), { ...KEY, ips: ['10.0.0.5/24'] });
    assert.deepEqual(
      parseGc({ network_id: NET, valid_attachments: [{ containerID: 'abc', ifname: 'eth0' }] }),
      {
        network_id: NET,
        valid_attachments: [{ containerID: 'abc', ifname: 'eth0' }],
      },
    );
  });

  it('names the field of every refusal', () => {
    refuses(() => parseAdd([]), 'OSNET_ERR_VALIDATION', 'body');
    refuses(() => parseAdd({ ifname: 'eth0', network_id: NET }), 'OSNET_ERR_VALIDATION', 'container_id');
    refuses(() => parseAdd({ ...KEY, ifname: 'a-very-long-name0' }), 'OSNET_ERR_VALIDATION', 'ifname');
    refuses(() => parseAdd({ ...KEY, network_id: '../ports' }), 'OSNET_ERR_VALIDATION', 'network_id');
    refuses(() => parseAdd({ ...KEY, ips: ['10.0.0.5/24', '10.0.0.300'] }), 'OSNET_ERR_VALIDATION', 'ips[1]');
    refuses(() => parseAdd({ ...KEY, pod: { name: 'Web' } }), 'OSNET_ERR_VALIDATION', 'pod.name');
    refuses(() => parseAdd({ ...KEY, pod: { node: 'x' } }), 'OSNET_ERR_UNSUPPORTED', 'pod.node');
    refuses(() => parseAdd({ ...KEY, labels: [{ key: 'a' }] }), 'OSNET_ERR_VALIDATION', 'labels[0].value');
    refuses(
      () => parseAdd({ ...KEY, labels: [{ key: '', value: 'v' }] }),
      'OSNET_ERR_VALIDATION',
      'labels[0].key',
    );
    refuses(
      () => parseAdd({ ...KEY, labels: [{ key: 'a', value: 'v', x: 1 }] }),
      'OSNET_ERR_UNSUPPORTED',
      'labels[0].x',
    );
    refuses(() => parseAdd({ ...KEY, 'binding:host_id': 'x' }), 'OSNET_ERR_UNSUPPORTED', 'binding:host_id');
    refuses(() => parseAdd({ ...KEY, mtu: 67 }), 'OSNET_ERR_VALIDATION', 'mtu');
    refuses(() => parseDel({ ...KEY, mac: 'fa:16:3e:00:00:01' }), 'OSNET_ERR_UNSUPPORTED', 'mac');
    refuses(() => parseGc({ network_id: NET }), 'OSNET_ERR_VALIDATION', 'valid_attachments');
    refuses(
      () => parseGc({ network_id: NET, valid_attachments: [{ containerID: 'a' }] }),
      'OSNET_ERR_VALIDATION',
      'valid_attachments[0].ifname',
    );
  });
});
