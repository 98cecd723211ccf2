/**
 * The lab as a portal provider (tests only): ProviderSettings of the lab's admin user, read from the lab's
 * clouds.yaml through the client core's own loader (the password stays in memory, never printed).
 *
 * @example
 *   const settings = await labProviderSettings({ api_timeout: 5 });
 *   const cloud = await openProviderCloud(settings);
 */

import type { Cloud } from '../../openstack/client/cloud.ts';
import { loadCloudConfig } from '../../openstack/config/load.ts';
import { networks, subnets } from '../../openstack/networking/v2/index.ts';
import type { ProviderSettings } from '../../portal/backend/contract.ts';
import type { Cleanup } from '../openstack/cleanup.ts';
import { testName, useLabConfig } from '../openstack/lab.ts';

export async function labProviderSettings(over: Partial<ProviderSettings> = {}): Promise<ProviderSettings> {
  useLabConfig();
  const c = await loadCloudConfig({ cloud: 'lab-admin' });
  return {
    backend_url: c.auth.auth_url,
    username: c.auth.username ?? 'admin',
    password: c.auth.password ?? '',
    tenant_name: c.auth.project_name ?? 'admin',
    domain: 'default',
    external_network_id: '',
    verify_ssl: true,
    availability_zone: 'nova',
    default_internal_network_mtu: 0,
    storage_mode: 'fixed',
    access_url: '',
    api_timeout: 60,
    ...over,
  };
}

/**
 * A throwaway external network (with a DHCP-less /24 in 198.18/16) for a provider's routers and floating
 * IPs, removed by `cleanup`; the lab has none of its own.
 */
export async function labExternalNetwork(cloud: Cloud, cleanup: Cleanup, tag: string): Promise<string> {
  const net = await cloud.network();
  const ext = await networks.create(net, { name: testName(tag), 'router:external': true });
  cleanup.defer(() => networks.removeIfExists(net, ext.id));
  await subnets.create(net, {
    network_id: ext.id,
    ip_version: 4,
    cidr: `198.18.${Math.floor(Math.random() * 250)}.0/24`,
    enable_dhcp: false,
  });
  return ext.id;
}
