/**
 * Error codes of osnet-portal (src/portal/). Loading this module registers them.
 *
 * @example
 *   throw new OsnetError('OSNET_ERR_PORTAL_EXISTS', 'a staff user exists already');
 */
import { defineErrors } from '../lib/errors.ts';

export const PORTAL_ERRORS = defineErrors('portal', {
  OSNET_ERR_PORTAL_EXISTS: { http: 409, cni: 100, exit: 73, title: 'The object exists already' },
  OSNET_ERR_PORTAL_PROVIDER_AUTH: {
    http: 400,
    cni: 100,
    exit: 77,
    title: "The provider's Keystone refused its credentials",
  },
  OSNET_ERR_PORTAL_PROVIDER_UNREACHABLE: {
    http: 502,
    cni: 11,
    exit: 69,
    title: "The provider's Keystone did not answer in time",
  },
  OSNET_ERR_PORTAL_NO_SECRET_KEY: {
    http: 503,
    cni: 100,
    exit: 78,
    title: 'No secret key to seal provider secrets with',
  },
  OSNET_ERR_PORTAL_STATE: {
    http: 409,
    cni: 100,
    exit: 75,
    title: 'The resource is not in a state that allows this',
  },
});

type PortalErrors = typeof PORTAL_ERRORS;

declare module '../lib/errors.ts' {
  interface ErrorCodes extends PortalErrors {}
}
