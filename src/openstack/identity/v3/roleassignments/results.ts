/**
 * One entry of GET /v3/role_assignments. Names appear only with `include_names`.
 *
 * @example
 *   const a: RoleAssignment = (await collect(roleassignments.list(identity, { userId })))[0];
 */

export interface NamedRef {
  id: string;
  name?: string;
  domain?: { id: string; name?: string };
}

export interface RoleAssignment {
  role: NamedRef;
  user?: NamedRef;
  group?: NamedRef;
  scope: {
    project?: NamedRef;
    domain?: NamedRef;
    system?: { all: boolean };
    'OS-INHERIT:inherited_to'?: string;
  };
  links: { assignment: string; membership?: string };
}
