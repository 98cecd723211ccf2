/**
 * The lab as a portal provider (tests only): ProviderSettings of the lab's admin user, read from the lab's
 * clouds.yaml through the client core's own loader (the password stays in memory, never printed).
 *
 * @example
 *   const settings = await labProviderSettings({ api_timeout: 5 });
 *   const cloud = await openProviderCloud(settings);
 */
import { loadCloudConfig } from '../../openstack/config/load.ts';
import type { ProviderSettings } from '../../portal/backend/contract.ts';
import { useLabConfig } from '../openstack/lab.ts';

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
