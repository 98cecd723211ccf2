/**
 * OpenStack.Tenant components (no lab, no store): the seed's defaults per storage mode, a provider's
 * narrowed limits, an order's limits mapped to tenant quotas (MB → GB per volume type) and refused out of
 * range, naming the field.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { OsnetError } from '../../lib/errors.ts';
import { checkQuotasAgainstComponents, componentQuotas, tenantComponents } from './components.ts';

const fieldOf = (f: () => unknown) => {
  try {
    f();
    return 'accepted';
  } catch (e) {
    return e instanceof OsnetError ? e.field : String(e);
  }
};

it('fixed mode offers cores, ram and storage with the seed defaults; dynamic one component per volume type', () => {
  assert.deepEqual(
    tenantComponents('fixed').map((c) => [c.type, c.measured_unit, c.default_limit]),
    [
      ['cores', 'cores', 20],
      ['ram', 'MB', 51200],
      ['storage', 'MB', 1048576],
    ],
  );
  assert.deepEqual(
    tenantComponents('dynamic', ['ssd', 'hdd']).map((c) => c.type),
    ['cores', 'ram', 'volume_type_ssd', 'volume_type_hdd'],
  );
});

it('a provider narrows limits; an unknown component or a default above the maximum names the field', () => {
  const cs = tenantComponents('fixed', [], [{ type: 'cores', max_value: 8, default_limit: 4 }]);
  assert.equal(cs[0]!.max_value, 8);
  assert.equal(cs[0]!.default_limit, 4);
  assert.equal(
    fieldOf(() => tenantComponents('fixed', [], [{ type: 'gpu' }])),
    'body.components[0].type',
  );
  assert.equal(
    fieldOf(() =>
      tenantComponents('fixed', [], [{ type: 'ram' }, { type: 'cores', max_value: 2, default_limit: 3 }]),
    ),
    'body.components[1].default_limit',
  );
});

it('an order maps to quotas (defaults for what it leaves out, volume types MB to GB rounded up)', () => {
  const cs = tenantComponents('dynamic', ['ssd']);
  assert.deepEqual(componentQuotas({ cores: 4, volume_type_ssd: 1500 }, cs, 'body.limits'), {
    vcpu: 4,
    ram: 51200,
    gigabytes_ssd: 2,
  });
  assert.deepEqual(componentQuotas({}, tenantComponents('fixed'), 'body.limits'), {
    vcpu: 20,
    ram: 51200,
    storage: 1048576,
  });
  assert.equal(
    fieldOf(() => componentQuotas({ cores: 201 }, cs, 'body.limits')),
    'body.limits.cores',
  );
  assert.equal(
    fieldOf(() => componentQuotas({ storage: 1 }, cs, 'body.limits')),
    'body.limits.storage',
  );
  assert.equal(
    fieldOf(() => componentQuotas({ ram: -1 }, cs, 'body.limits')),
    'body.limits.ram',
  );
});

it('quotas within the components pass; above, or unlimited where a component limits, name the field', () => {
  const cs = tenantComponents(
    'dynamic',
    ['ssd'],
    [{ type: 'volume_type_ssd', max_value: 10240, default_limit: 1024 }],
  );
  assert.equal(
    fieldOf(() => checkQuotasAgainstComponents({ gigabytes_ssd: 10, port_count: -1 }, cs, 'q')),
    'accepted',
  );
  assert.equal(
    fieldOf(() => checkQuotasAgainstComponents({ gigabytes_ssd: 11 }, cs, 'q')),
    'q.gigabytes_ssd',
  );
  assert.equal(
    fieldOf(() => checkQuotasAgainstComponents({ vcpu: -1 }, cs, 'q')),
    'q.vcpu',
  );
});
