// portInfo offline: what ADD answers from a port, its subnets and its network's MTU.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import type { Port } from '../openstack/networking/v2/ports/index.ts';
import type { Subnet } from '../openstack/networking/v2/subnets/results.ts';
import { hostMtu, type NeutronCache, portInfo } from './neutron.ts';

const S4 = {
  id: 's4',
  cidr: '10.1.0.0/24',
  ip_version: 4,
  gateway_ip: '10.1.0.1',
  host_routes: [{ destination: '192.168.0.0/16', nexthop: '10.1.0.254' }],
  dns_nameservers: ['10.1.0.53', '10.1.0.54'],
} as Subnet;
const S6 = {
  id: 's6',
  cidr: 'fd00:1::/64',
  ip_version: 6,
  gateway_ip: null,
  host_routes: [],
  dns_nameservers: ['10.1.0.53'],
} as unknown as Subnet;
const PORT = {
  id: 'p1',
  network_id: 'n1',
  mac_address: 'fa:16:3e:00:00:01',
  fixed_ips: [
    { subnet_id: 's4', ip_address: '10.1.0.5' },
    { subnet_id: 's6', ip_address: 'fd00:1::5' },
  ],
} as Port;

function cache(mtu: number): NeutronCache {
  const subnets: Record<string, Subnet> = { s4: S4, s6: S6 };
  return {
    subnet: async (id: string) => subnets[id]!,
    networkMtu: async () => mtu,
  } as unknown as NeutronCache;
}

describe('portInfo', () => {
  it('gives every fixed IP with its prefix and gateway, host routes, a default route per gateway, DNS once', async () => {
    const info = await portInfo(cache(1442), PORT, { overhead: 58 }, false);
    assert.deepEqual(info, {
      port_id: 'p1',
      network_id: 'n1',
      mac: 'fa:16:3e:00:00:01',
      mtu: 1442,
      ips: [
        { address: '10.1.0.5/24', gateway: '10.1.0.1', subnet_id: 's4', version: 4 },
        { address: 'fd00:1::5/64', subnet_id: 's6', version: 6 },
      ],
      routes: [
        { dst: '0.0.0.0/0', gw: '10.1.0.1' },
        { dst: '192.168.0.0/16', gw: '10.1.0.254' },
      ],
      dns: { nameservers: ['10.1.0.53', '10.1.0.54'] },
    });
  });

  it("takes the config's MTU first, else the network's, else the host's minus the overhead", async () => {
    assert.equal((await portInfo(cache(1442), PORT, { overhead: 58, override: 1300 }, true)).mtu, 1300);
    assert.equal((await portInfo(cache(0), PORT, { overhead: 58 }, true)).mtu, (await hostMtu()) - 58);
    assert.equal((await portInfo(cache(0), PORT, { overhead: 50 }, true)).existing, true);
  });

  it("reads the host MTU of the default route's interface, as ip(8) reports it", async () => {
    const [route] = JSON.parse(
      execFileSync('ip', ['-j', 'route', 'show', 'default'], { encoding: 'utf8' }),
    ) as {
      dev: string;
    }[];
    const want = route
      ? (
          JSON.parse(execFileSync('ip', ['-j', 'link', 'show', 'dev', route.dev], { encoding: 'utf8' })) as {
            mtu: number;
          }[]
        )[0]!.mtu
      : 1500;
    assert.equal(await hostMtu(), want);
  });
});
