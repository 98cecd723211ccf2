/**
 * Error codes of osnet-portal (src/portal/). Loading this module registers them.
 *
 * @example
 *   throw new OsnetError('OSNET_ERR_PORTAL_EXISTS', 'a staff user exists already');
 */
import { defineErrors } from '../lib/errors.ts';

export const PORTAL_ERRORS = defineErrors('portal', {
  OSNET_ERR_PORTAL_EXISTS: { http: 409, cni: 100, exit: 73, title: 'The object exists already' },
  OSNET_ERR_PORTAL_STATE: {
    http: 409,
    cni: 100,
    exit: 75,
    title: 'The OpenStack objects are not in a state that allows this',
  },
});

type PortalErrors = typeof PORTAL_ERRORS;

declare module '../lib/errors.ts' {
  interface ErrorCodes extends PortalErrors {}
}
