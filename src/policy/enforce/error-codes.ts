/**
 * Error codes of policy enforcement on the pod path: the CNI daemon asking the policy server's internal API
 * and waiting for Neutron to carry the app's policies. Loading this module registers them.
 *
 * @example
 *   import '../policy/enforce/error-codes.ts'; // in an entry point that attaches pods with a policy group
 */
import { defineErrors } from '../../lib/errors.ts';

export const POLICY_ENFORCE_ERRORS = defineErrors('policy-enforce', {
  // ADD named an app (policy_group_id) but the daemon has no --policy-server: attaching without the app's
  // group would silently drop its policies, so it refuses.
  OSNET_ERR_POLICY_NOT_CONFIGURED: {
    http: 400,
    cni: 7,
    exit: 78,
    title: 'A policy group was given but no policy server is configured',
  },
  // The internal API refused the TLS handshake, did not answer, or answered something else than its shape.
  OSNET_ERR_POLICY_SERVER: {
    http: 502,
    cni: 11,
    exit: 69,
    title: 'The policy server did not answer as expected',
  },
  // Neutron did not show the app's group and the rules of its policies within the wait: ADD fails rather
  // than start the app before its policies hold.
  OSNET_ERR_POLICY_NOT_ENFORCED: {
    http: 504,
    cni: 11,
    exit: 75,
    title: "The app's policies are not in Neutron yet",
  },
});

type PolicyEnforceErrors = typeof POLICY_ENFORCE_ERRORS;

declare module '../../lib/errors.ts' {
  interface ErrorCodes extends PolicyEnforceErrors {}
}
