import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import '../guest/error-codes.ts';
import { type ErrorCode, errorCodes, OsnetError } from '../lib/errors.ts';
import '../openstack/error-codes.ts';
import { CNI_ERR, CniError, cniErrorResult, codeForVersion, toCniError } from './errors.ts';
import { SUPPORTED_VERSIONS } from './versions.ts';

/** Per spec version, the reserved codes it defines (SPEC "Well-known Error Codes" of each tag). */
const DEFINED: Record<string, number[]> = {
  '0.3.0': [1, 2],
  '0.3.1': [1, 2],
  '0.4.0': [1, 2, 3, 11],
  '1.0.0': [1, 2, 3, 4, 5, 6, 7, 11],
  '1.1.0': [1, 2, 3, 4, 5, 6, 7, 11, 50, 51],
};
const ALL_CODES = Object.values(CNI_ERR);

describe('error result per version', () => {
  for (const v of SUPPORTED_VERSIONS) {
    it(`${v}: {cniVersion, code, msg, details}, with only the codes ${v} defines`, () => {
      for (const code of ALL_CODES) {
        const out = cniErrorResult(new CniError(code, 'short', { details: 'longer' }), v);
        const expected = code >= 100 || DEFINED[v]!.includes(code) ? code : 100 + code;
        assert.deepEqual(Object.keys(out), ['cniVersion', 'code', 'msg', 'details']);
        assert.equal(out.cniVersion, v);
        assert.equal(out.code, expected, `code ${code} in ${v}`);
        assert.equal(out.msg, 'short');
        assert.ok(out.details?.startsWith('longer'));
        if (expected !== code) assert.match(out.details!, new RegExp(`stands for code ${code} of CNI`));
        // never a reserved code the version does not define
        assert.ok(out.code >= 100 || DEFINED[v]!.includes(out.code));
        assert.doesNotThrow(() => JSON.parse(JSON.stringify(out)));
      }
    });
  }

  it('leaves details out when there is nothing to add', () => {
    assert.deepEqual(cniErrorResult(new CniError(7, 'bad'), '1.0.0'), {
      cniVersion: '1.0.0',
      code: 7,
      msg: 'bad',
    });
  });

  it('codeForVersion keeps plugin-specific codes as they are', () => {
    for (const v of SUPPORTED_VERSIONS) assert.equal(codeForVersion(142, v), 142);
  });
});

describe('OsnetError -> CNI error', () => {
  it('every registry code keeps its .cniCode, and details name the osnet code and field', () => {
    for (const code of errorCodes().map((c) => c.code as ErrorCode)) {
      const e = new OsnetError(code, `failed: ${code}`, { field: 'network_id' });
      const c = toCniError(e);
      assert.equal(c.code, e.cniCode, code);
      assert.equal(c.message, `failed: ${code}`);
      assert.equal(c.field, 'network_id');
      assert.match(c.details!, new RegExp(`^${code}: .*\\(field network_id\\)$`));
      const out = cniErrorResult(e, '1.1.0');
      assert.equal(out.code, e.cniCode);
    }
  });

  it('a Neutron conflict is "try again later" (11) in 1.x and 0.4.0, 111 in 0.3.x', () => {
    const e = new OsnetError('OSNET_ERR_OS_CONFLICT', 'port in use');
    assert.equal(cniErrorResult(e, '1.0.0').code, 11);
    assert.equal(cniErrorResult(e, '0.4.0').code, 11);
    assert.equal(cniErrorResult(e, '0.3.1').code, 111);
  });

  it('anything else thrown becomes 100 with its message; a CniError passes through unchanged', () => {
    assert.equal(toCniError(new TypeError('boom')).code, 100);
    assert.equal(toCniError(new TypeError('boom')).message, 'boom');
    assert.equal(toCniError('weird').message, 'weird');
    assert.equal(toCniError(undefined).message, 'undefined');
    const c = new CniError(3, 'gone');
    assert.equal(toCniError(c), c);
  });

  it('does not carry secrets from OsnetError details into the result', () => {
    const e = new OsnetError('OSNET_ERR_OS_UNAUTHORIZED', 'Keystone said no', { password: 's3cret' });
    assert.doesNotMatch(JSON.stringify(cniErrorResult(e, '1.1.0')), /s3cret/);
  });
});
