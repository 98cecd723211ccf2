/**
 * The WireGuard capability's error codes (the generic ones are in src/lib/errors.ts). Loading this module
 * registers them.
 *
 * @example
 *   throw new OsnetError('OSNET_ERR_WG_UAPI', `wg-0123: ${errno}`);
 */
import { defineErrors } from '../lib/errors.ts';

export const WIREGUARD_ERRORS = defineErrors('wireguard', {
  OSNET_ERR_WG_UAPI: { http: 502, cni: 100, exit: 75, title: 'The WireGuard device refused a configuration' },
  OSNET_ERR_WG_RECONCILE: {
    http: 500,
    cni: 100,
    exit: 75,
    title: 'A WireGuard agent pass failed for some hubs',
  },
});

type WireguardErrors = typeof WIREGUARD_ERRORS;

declare module '../lib/errors.ts' {
  interface ErrorCodes extends WireguardErrors {}
}
