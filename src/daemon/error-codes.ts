/**
 * Error codes of the CNI node daemon (openstack-port-daemon). Loading this module registers them; the
 * generic codes are in src/lib/errors.ts, OpenStack's in src/openstack/error-codes.ts.
 *
 * @example
 *   import '../daemon/error-codes.ts'; // in the daemon's entry point
 */
import { defineErrors } from '../lib/errors.ts';

export const DAEMON_ERRORS = defineErrors('daemon', {
  // CHECK found the port, but not as the runtime believes it is: the runtime must tear the attachment down.
  OSNET_ERR_ATTACHMENT_MISMATCH: {
    http: 409,
    cni: 100,
    exit: 1,
    title: 'The attachment does not match its Neutron port',
  },
  // STATUS: CNI's "plugin not available" (50) while Keystone or Neutron does not answer.
  OSNET_ERR_NOT_READY: { http: 503, cni: 50, exit: 69, title: 'Keystone or Neutron does not answer' },
  // Another daemon holds the socket: the new one refuses to start rather than steal it.
  OSNET_ERR_SOCKET_IN_USE: { http: 409, cni: 11, exit: 75, title: 'The daemon socket is in use' },
});

type DaemonErrors = typeof DAEMON_ERRORS;

declare module '../lib/errors.ts' {
  interface ErrorCodes extends DaemonErrors {}
}
