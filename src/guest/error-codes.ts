/**
 * osnet-guest's error codes (the generic ones are in src/lib/errors.ts). Loading this module registers them.
 *
 * @example
 *   throw new OsnetError('OSNET_ERR_NIC_NOT_FOUND', `link ${id}: no NIC has MAC ${mac}`);
 */
import { defineErrors } from '../lib/errors.ts';

export const GUEST_ERRORS = defineErrors('guest', {
  OSNET_ERR_NIC_NOT_FOUND: {
    http: 404,
    cni: 3,
    exit: 69,
    title: 'No NIC on the system has the MAC a link names',
  },
  OSNET_ERR_APPLY: {
    http: 500,
    cni: 100,
    exit: 75,
    title: 'Applying the network configuration failed (rolled back)',
  },
  OSNET_ERR_SOURCE: { http: 503, cni: 100, exit: 69, title: 'Network configuration source unavailable' },
});

type GuestErrors = typeof GUEST_ERRORS;

declare module '../lib/errors.ts' {
  interface ErrorCodes extends GuestErrors {}
}
