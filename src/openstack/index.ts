/** The typed OpenStack client core shared by every osnet capability. See README "src/openstack". */

export type { Token } from './auth/token.ts';
export { Cloud, type CloudOptions, type OpenCloudOptions, openCloud } from './client/cloud.ts';
export * from './client/errors.ts';
export { collect, paginate } from './client/pagination.ts';
export {
  type ApiResponse,
  type HttpMethod,
  type QueryValue,
  type RequestOptions,
  ServiceClient,
} from './client/service-client.ts';
export { type LoadOptions, loadCloudConfig } from './config/load.ts';
export type { AuthType, CloudConfig, EndpointInterface } from './config/types.ts';
export { createDispatcher, type DispatcherOptions, type ProxySettings } from './http/dispatcher.ts';
export { NEUTRON_RETRIABLE_CONFLICTS } from './networking/v2/retry.ts';
