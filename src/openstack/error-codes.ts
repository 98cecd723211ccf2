/**
 * Error codes of OpenStack answers, one per typed client error (client/errors.ts). Loading this module
 * registers them; the generic codes are in src/lib/errors.ts.
 *
 * @example
 *   import '../openstack/error-codes.ts'; // in an executable that talks to OpenStack
 */
import { defineErrors } from '../lib/errors.ts';

export const OPENSTACK_ERRORS = defineErrors('openstack', {
  OSNET_ERR_OS_BAD_REQUEST: { http: 400, cni: 7, exit: 65, title: 'OpenStack rejected the request' },
  OSNET_ERR_OS_UNAUTHORIZED: { http: 502, cni: 100, exit: 77, title: 'OpenStack authentication failed' },
  OSNET_ERR_OS_FORBIDDEN: { http: 403, cni: 100, exit: 77, title: 'OpenStack refused the operation' },
  OSNET_ERR_OS_NOT_FOUND: { http: 404, cni: 3, exit: 1, title: 'OpenStack resource not found' },
  OSNET_ERR_OS_CONFLICT: { http: 409, cni: 11, exit: 1, title: 'OpenStack conflict' },
  OSNET_ERR_OS_OVER_QUOTA: { http: 409, cni: 11, exit: 1, title: 'OpenStack quota exceeded' },
  OSNET_ERR_OS_PRECONDITION: { http: 412, cni: 11, exit: 1, title: 'OpenStack revision mismatch' },
  OSNET_ERR_OS_UNAVAILABLE: { http: 503, cni: 11, exit: 69, title: 'OpenStack service unavailable' },
  OSNET_ERR_OS_TIMEOUT: { http: 504, cni: 11, exit: 69, title: 'OpenStack request timed out' },
  OSNET_ERR_OS_UNEXPECTED: { http: 502, cni: 100, exit: 1, title: 'Unexpected OpenStack answer' },
  OSNET_ERR_OS_ENDPOINT: { http: 502, cni: 100, exit: 78, title: 'No matching endpoint in the catalog' },
});

type OpenStackErrors = typeof OPENSTACK_ERRORS;

declare module '../lib/errors.ts' {
  interface ErrorCodes extends OpenStackErrors {}
}
