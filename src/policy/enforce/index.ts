/**
 * Policy enforcement through Neutron security groups (docs/policy-enforcement.md).
 *
 * @example
 *   import { createReconciler } from './policy/enforce/index.ts';
 */
export type { Report } from './apply.ts';
export { ETHERTYPES, GROUP_TAG, groupName, isGroupOf, policyRules, ruleKey } from './naming.ts';
export { createReconciler, type Reconciler, type ReconcilerOptions } from './reconciler.ts';
