import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CNI_ERR, CniError } from './errors.ts';
import {
  compareVersions,
  LATEST_VERSION,
  negotiateVersion,
  parseVersionAnswer,
  SUPPORTED_VERSIONS,
  verbAllowed,
  versionAnswer,
} from './versions.ts';

const REFERENCE = '/usr/lib/cni';

function isCniError(code: number, field?: RegExp) {
  return (e: unknown) =>
    e instanceof CniError && e.code === code && (field === undefined || field.test(e.field ?? ''));
}

describe('VERSION answer', () => {
  it('echoes the cniVersion given on stdin and lists every spoken version', () => {
    for (const v of SUPPORTED_VERSIONS) {
      assert.deepEqual(versionAnswer(JSON.stringify({ cniVersion: v })), {
        cniVersion: v,
        supportedVersions: ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'],
      });
    }
    // an unknown but well-formed version is still echoed: the answer says what we speak
    assert.equal(versionAnswer('{"cniVersion":"0.2.0"}').cniVersion, '0.2.0');
  });

  it('answers in the newest version when stdin is empty, not JSON or has no usable cniVersion', () => {
    for (const stdin of ['', 'garbage', 'null', '[]', '{"cniVersion":7}', '{"cniVersion":"1.0"}', '{}']) {
      assert.equal(versionAnswer(stdin).cniVersion, LATEST_VERSION, stdin);
    }
  });
});

describe('verbs per version', () => {
  it('CHECK needs 0.4.0, GC and STATUS need 1.1.0, ADD/DEL/VERSION exist in all', () => {
    const table = Object.fromEntries(
      SUPPORTED_VERSIONS.map((v) => [
        v,
        (['ADD', 'DEL', 'CHECK', 'GC', 'STATUS', 'VERSION'] as const).filter((verb) => verbAllowed(verb, v)),
      ]),
    );
    assert.deepEqual(table, {
      '0.3.0': ['ADD', 'DEL', 'VERSION'],
      '0.3.1': ['ADD', 'DEL', 'VERSION'],
      '0.4.0': ['ADD', 'DEL', 'CHECK', 'VERSION'],
      '1.0.0': ['ADD', 'DEL', 'CHECK', 'VERSION'],
      '1.1.0': ['ADD', 'DEL', 'CHECK', 'GC', 'STATUS', 'VERSION'],
    });
  });

  it('compares numerically, not as text', () => {
    assert.ok(compareVersions('0.10.0', '0.4.0') > 0);
    assert.ok(compareVersions('1.0.0', '0.4.0') > 0);
    assert.equal(compareVersions('1.1.0', '1.1.0'), 0);
    assert.ok(Number.isNaN(compareVersions('1.0', '1.0.0')));
  });
});

describe('parseVersionAnswer', () => {
  it('reads supportedVersions; a 0.2.0 answer without it means 0.1.0 and 0.2.0 (as libcni)', () => {
    assert.deepEqual(parseVersionAnswer('{"cniVersion":"1.0.0","supportedVersions":["0.4.0","1.0.0"]}'), [
      '0.4.0',
      '1.0.0',
    ]);
    assert.deepEqual(parseVersionAnswer('{"cniVersion":"0.2.0"}'), ['0.1.0', '0.2.0']);
  });

  it('refuses malformed answers with code 6 naming the field', () => {
    const cases: [string, RegExp][] = [
      ['not json', /VERSION$/],
      ['[]', /VERSION$/],
      ['{"supportedVersions":["1.0.0"]}', /cniVersion$/],
      ['{"cniVersion":"1.0.0"}', /supportedVersions$/],
      ['{"cniVersion":"1.0.0","supportedVersions":"1.0.0"}', /supportedVersions$/],
      ['{"cniVersion":"1.0.0","supportedVersions":[1]}', /supportedVersions$/],
    ];
    for (const [text, field] of cases) {
      assert.throws(() => parseVersionAnswer(text), isCniError(CNI_ERR.DECODE, field), text);
    }
  });
});

describe('negotiateVersion', () => {
  it('keeps the requested version when the delegate speaks it', () => {
    for (const v of SUPPORTED_VERSIONS) assert.equal(negotiateVersion(v, SUPPORTED_VERSIONS), v);
  });

  it('else takes the newest common version below, then the oldest above', () => {
    assert.equal(negotiateVersion('1.1.0', ['0.3.1', '0.4.0', '1.0.0']), '1.0.0');
    assert.equal(negotiateVersion('0.4.0', ['0.3.0', '1.0.0']), '0.3.0');
    assert.equal(negotiateVersion('0.3.0', ['0.4.0', '1.0.0']), '0.4.0');
  });

  it('counts only versions that have the verb', () => {
    // a delegate speaking only <= 0.3.1 cannot CHECK; one speaking <= 1.0.0 cannot GC
    assert.throws(() => negotiateVersion('0.4.0', ['0.3.0', '0.3.1'], 'CHECK'), isCniError(1, /cniVersion/));
    assert.equal(negotiateVersion('1.0.0', ['0.3.1', '0.4.0'], 'CHECK'), '0.4.0');
    assert.throws(
      () => negotiateVersion('1.1.0', ['0.4.0', '1.0.0'], 'GC'),
      (e: unknown) =>
        e instanceof CniError && e.code === 1 && /GC/.test(e.message) && /1\.0\.0/.test(e.message),
    );
  });

  it('ignores versions osnet does not speak (0.1.0, 0.2.0, future ones)', () => {
    assert.throws(() => negotiateVersion('1.0.0', ['0.1.0', '0.2.0', '2.0.0']), isCniError(1));
  });
});

describe("against Debian's reference plugins", {
  skip: !existsSync(`${REFERENCE}/bridge`) && 'no /usr/lib/cni',
}, () => {
  const plugins = ['bridge', 'host-local', 'static', 'tuning', 'portmap', 'loopback'];
  /** A plugin's VERSION answer. One that exits before reading stdin makes the write fail (EPIPE): not its answer's fault. */
  const version = (file: string) => {
    const r = spawnSync(file, {
      env: { CNI_COMMAND: 'VERSION' },
      input: JSON.stringify({ cniVersion: '1.1.0' }),
      encoding: 'utf8',
    });
    if (r.error && (r.error as NodeJS.ErrnoException).code !== 'EPIPE') throw r.error;
    assert.equal(r.status, 0, `${file}: ${r.stderr}`);
    return r.stdout;
  };

  for (const name of plugins) {
    it(`parses ${name}'s VERSION answer and negotiates every version with it`, () => {
      const out = version(`${REFERENCE}/${name}`);
      const theirs = parseVersionAnswer(out, name);
      assert.ok(theirs.includes('0.4.0'), out);
      for (const v of SUPPORTED_VERSIONS) {
        const pick = negotiateVersion(v, theirs);
        assert.ok(theirs.includes(pick), `${v} -> ${pick}`);
        if (theirs.includes(v)) assert.equal(pick, v);
        else assert.ok(compareVersions(pick, v) < 0 || !theirs.some((t) => compareVersions(t, v) < 0));
      }
    });
  }

  it('a runtime asking 1.1.0 of a 1.0.0 bridge: the delegate call runs at the newest version bridge speaks', () => {
    const out = execFileSync(`${REFERENCE}/bridge`, {
      env: { CNI_COMMAND: 'VERSION' },
      input: '',
      encoding: 'utf8',
    });
    const theirs = parseVersionAnswer(out, 'bridge');
    const newest = theirs
      .filter((t) => SUPPORTED_VERSIONS.includes(t as never))
      .sort(compareVersions)
      .at(-1);
    assert.equal(negotiateVersion('1.1.0', theirs), theirs.includes('1.1.0') ? '1.1.0' : newest);
  });
});
