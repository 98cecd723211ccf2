// Offline: every networking kind's schemas and backend agree, and the schemas refuse what they should.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Compile } from 'typebox/compile';
import { OsnetError } from '../../../lib/errors.ts';
import { NETWORKING_KINDS } from './index.ts';

const byKind = new Map(NETWORKING_KINDS.map((k) => [k.backend.kind, k]));

test('the kinds are the issue’s seven, each action has a schema and each schema an action', () => {
  assert.deepEqual(
    [...byKind.keys()],
    ['networks', 'subnets', 'routers', 'ports', 'floating-ips', 'sgp', 'network-rbac-policies'],
  );
  for (const { backend, schemas } of NETWORKING_KINDS) {
    assert.deepEqual(
      Object.keys(backend.actions ?? {}).sort(),
      Object.keys(schemas.actions ?? {}).sort(),
      backend.kind,
    );
    assert.equal(backend.update !== undefined, schemas.patch !== undefined, `${backend.kind}: PATCH`);
    for (const op of Object.keys(schemas.check ?? {})) {
      assert.ok(
        op === 'create' || op === 'patch' || op in (schemas.actions ?? {}),
        `${backend.kind}: check ${op}`,
      );
    }
    for (const [field, kind] of Object.entries(schemas.refs ?? {})) {
      assert.ok(kind === 'tenants' || byKind.has(kind), `${backend.kind}: ref ${field} → ${kind}`);
    }
  }
});

/** Whether the schema accepts the body. */
function accepts(kind: string, which: 'create' | 'patch' | string, body: unknown): boolean {
  const s = byKind.get(kind)!.schemas;
  const schema = which === 'create' ? s.create : which === 'patch' ? s.patch! : s.actions![which]!;
  return Compile(schema).Check(body);
}

test('schemas: MTU 68–9000, IP versions, protocols, port numbers, unknown fields', () => {
  const tenant = 'http://portal/api/openstack-tenants/abc/';
  assert.equal(accepts('networks', 'create', { tenant, name: 'n', mtu: 1500 }), true);
  assert.equal(accepts('networks', 'create', { tenant, name: 'n', mtu: 67 }), false);
  assert.equal(accepts('networks', 'set_mtu', { mtu: 9001 }), false);
  assert.equal(accepts('networks', 'create', { tenant, name: 'n', colour: 'red' }), false);
  assert.equal(accepts('subnets', 'create', { network: 'x', cidr: '10.0.0.0/24', ip_version: 5 }), false);
  assert.equal(accepts('subnets', 'create', { network: 'x', cidr: 'ten/24' }), false);
  assert.equal(accepts('sgp', 'add_rule', { protocol: 'sctp' }), false);
  assert.equal(accepts('sgp', 'add_rule', { protocol: 'tcp', from_port: 65536 }), false);
  assert.equal(
    accepts('sgp', 'add_rule', { protocol: 'tcp', from_port: 22, to_port: 22, cidr: '0.0.0.0/0' }),
    true,
  );
  assert.equal(accepts('ports', 'create', { network: 'x', mac_address: 'fa:16:3e:00:00' }), false);
  assert.equal(
    accepts('network-rbac-policies', 'create', { network: 'x', target_tenant: 'y', policy_type: 'all' }),
    false,
  );
  assert.equal(
    accepts('routers', 'set_routes', { routes: [{ destination: '10.0.0.0/8', nexthop: '10.0.0.1' }] }),
    true,
  );
});

test('checks name the field of a body the schema lets through', () => {
  const check = (kind: string, op: string, body: Record<string, unknown>) =>
    byKind.get(kind)!.schemas.check![op]!(body);
  const field = (f: string) => (e: unknown) =>
    e instanceof OsnetError && e.code === 'OSNET_ERR_VALIDATION' && e.field === f;
  assert.throws(() => check('subnets', 'create', { cidr: '10.0.0.0/24', ip_version: 6 }), field('body.cidr'));
  assert.throws(
    () => check('networks', 'create_subnet', { cidr: '10.0.0.0/24', gateway_ip: '10.0.9.1' }),
    field('body.gateway_ip'),
  );
  assert.throws(() => check('routers', 'add_interface', {}), field('body.subnet'));
  assert.throws(
    () => check('ports', 'create', { allowed_address_pairs: [{ ip_address: '10.0.0.0/40' }] }),
    field('body.allowed_address_pairs[0].ip_address'),
  );
  assert.throws(
    () => check('sgp', 'set_rules', { rules: [{ protocol: 'tcp', from_port: 90, to_port: 80 }] }),
    field('body.rules[0].from_port'),
  );
});
