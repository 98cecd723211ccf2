/**
 * The least-privilege alternative to running the daemon as admin. Neutron's default policy lets only admins
 * set or read a port's `binding:host_id` (and read `binding:vif_type`); this override, dropped into Neutron's
 * `policy.d`, lets one dedicated role do exactly that, and only on ports of the project the role is held on.
 * Everything else the daemon does (create, update, tag, delete its project's ports) a `member` may do already.
 *
 * @example
 *   openstack-port-daemon policy > /etc/neutron/policy.d/50-openstack-port-cni.yaml
 *   openstack role create osnet-port-binder
 *   openstack role add --user cni --project k8s osnet-port-binder   # besides member
 */

/** The role the override names (Keystone role names compare case-insensitively). */
export const BINDER_ROLE = 'osnet-port-binder';

/** The file name the lab and the docs use in policy.d (sorted after Neutron's own 00_default_policy.yaml). */
export const POLICY_FILE = '50-openstack-port-cni.yaml';

/** Neutron rules the daemon needs beyond `member`. */
export const BINDER_RULES = [
  'create_port:binding:host_id',
  'update_port:binding:host_id',
  'get_port:binding:host_id',
  'get_port:binding:vif_type',
] as const;

/** The policy.d YAML: each rule stays open to admins, and opens to `role` on the port's own project. */
export function neutronPolicyOverride(role: string = BINDER_ROLE): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(role)) throw new TypeError(`role name ${role} cannot go into a policy rule`);
  const check = `rule:admin_only or (role:${role} and project_id:%(project_id)s)`;
  return [
    '# openstack-port-daemon: lets the port-binder role bind ports to a node (binding:host_id) and read',
    '# the binding, on ports of the project it holds the role on. Nothing else changes.',
    ...BINDER_RULES.map((r) => `"${r}": "${check}"`),
    '',
  ].join('\n');
}
