import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCniArgs, parseEnv } from './env.ts';
import { CNI_ERR, CniError } from './errors.ts';

const ATTACH = {
  CNI_CONTAINERID: 'c0ffee',
  CNI_NETNS: '/run/netns/pod',
  CNI_IFNAME: 'eth0',
  CNI_PATH: '/opt/cni/bin',
};

function envError(field: RegExp) {
  return (e: unknown) =>
    e instanceof CniError &&
    e.code === CNI_ERR.INVALID_ENV &&
    field.test(e.field ?? '') &&
    field.test(e.message);
}

describe('CNI_COMMAND', () => {
  it('is required and must be a verb of the spec', () => {
    assert.throws(() => parseEnv({}), envError(/CNI_COMMAND/));
    assert.throws(() => parseEnv({ CNI_COMMAND: '' }), envError(/CNI_COMMAND/));
    assert.throws(() => parseEnv({ CNI_COMMAND: 'add' }), envError(/CNI_COMMAND/));
    assert.throws(() => parseEnv({ CNI_COMMAND: 'FINALIZE' }), envError(/CNI_COMMAND/));
  });
});

describe('what each verb needs', () => {
  it('ADD and CHECK need CNI_CONTAINERID, CNI_NETNS and CNI_IFNAME, all named when missing', () => {
    for (const verb of ['ADD', 'CHECK']) {
      for (const name of ['CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME']) {
        const env: Record<string, string | undefined> = { ...ATTACH, CNI_COMMAND: verb, [name]: undefined };
        assert.throws(() => parseEnv(env), envError(new RegExp(name)), `${verb} without ${name}`);
        assert.throws(() => parseEnv({ ...env, [name]: '' }), envError(new RegExp(name)));
      }
      assert.throws(
        () => parseEnv({ CNI_COMMAND: verb }),
        (e: unknown) => e instanceof CniError && e.field === 'CNI_CONTAINERID,CNI_NETNS,CNI_IFNAME',
      );
    }
  });

  it('DEL tolerates a missing netns (the pod may be gone), not a missing container or ifname', () => {
    const { CNI_NETNS: _, ...noNetns } = ATTACH;
    const e = parseEnv({ ...noNetns, CNI_COMMAND: 'DEL' });
    assert.equal(e.netns, undefined);
    assert.equal(e.containerId, 'c0ffee');
    assert.equal(parseEnv({ ...ATTACH, CNI_COMMAND: 'DEL', CNI_NETNS: '' }).netns, undefined);
    assert.throws(() => parseEnv({ CNI_COMMAND: 'DEL', CNI_IFNAME: 'eth0' }), envError(/CNI_CONTAINERID/));
    assert.throws(() => parseEnv({ CNI_COMMAND: 'DEL', CNI_CONTAINERID: 'a' }), envError(/CNI_IFNAME/));
  });

  it('GC needs CNI_PATH and no container; STATUS and VERSION need nothing more', () => {
    assert.throws(() => parseEnv({ CNI_COMMAND: 'GC' }), envError(/CNI_PATH/));
    assert.throws(() => parseEnv({ CNI_COMMAND: 'GC', CNI_PATH: ':::' }), envError(/CNI_PATH/));
    assert.deepEqual(parseEnv({ CNI_COMMAND: 'GC', CNI_PATH: '/opt/cni/bin::/usr/lib/cni' }).path, [
      '/opt/cni/bin',
      '/usr/lib/cni',
    ]);
    for (const verb of ['STATUS', 'VERSION']) {
      const e = parseEnv({ CNI_COMMAND: verb });
      assert.equal(e.command, verb);
      assert.equal(e.containerId, undefined);
    }
  });

  it('a container id follows the spec alphabet', () => {
    for (const id of ['a', 'A9', '0abc_def.ghi-jkl', 'f'.repeat(64)]) {
      assert.equal(parseEnv({ ...ATTACH, CNI_COMMAND: 'ADD', CNI_CONTAINERID: id }).containerId, id);
    }
    for (const id of ['-a', '_a', '.a', 'a b', 'a/b', 'a;b', 'é']) {
      assert.throws(
        () => parseEnv({ ...ATTACH, CNI_COMMAND: 'ADD', CNI_CONTAINERID: id }),
        envError(/CNI_CONTAINERID/),
        id,
      );
    }
  });

  it('an interface name is 1-15 bytes, not . or .., without / : or whitespace', () => {
    for (const ifname of ['eth0', 'net1', 'a'.repeat(15), 'v-1.2_x']) {
      assert.equal(parseEnv({ ...ATTACH, CNI_COMMAND: 'ADD', CNI_IFNAME: ifname }).ifname, ifname);
    }
    for (const ifname of ['.', '..', 'a'.repeat(16), 'é'.repeat(8), 'a/b', 'a:b', 'a b', 'a\tb']) {
      assert.throws(
        () => parseEnv({ ...ATTACH, CNI_COMMAND: 'ADD', CNI_IFNAME: ifname }),
        envError(/CNI_IFNAME/),
        ifname,
      );
    }
  });
});

describe('CNI_ARGS', () => {
  it('parses K=V pairs; a value keeps later "="; a trailing ";" is fine; the last duplicate wins', () => {
    assert.deepEqual(
      { ...parseCniArgs('IgnoreUnknown=1;K8S_POD_NAMESPACE=default;X=a=b;;X=c;') },
      { IgnoreUnknown: '1', K8S_POD_NAMESPACE: 'default', X: 'c' },
    );
    assert.deepEqual({ ...parseCniArgs('') }, {});
    assert.deepEqual({ ...parseCniArgs(undefined) }, {});
    assert.deepEqual({ ...parseCniArgs('EMPTY=') }, { EMPTY: '' });
  });

  it('a pair without "=", or with an empty or odd key, names CNI_ARGS', () => {
    for (const raw of ['novalue', '=v', 'A=1;broken', 'a b=1', 'K\n=1']) {
      assert.throws(() => parseCniArgs(raw), envError(/CNI_ARGS/), raw);
    }
  });

  it('a key named __proto__ is data, not a prototype change', () => {
    const a = parseCniArgs('__proto__=x;constructor=y');
    assert.equal(Object.getOwnPropertyDescriptor(a, '__proto__')?.value, 'x');
    assert.equal(Object.getPrototypeOf(a), null);
  });

  it('is read for ADD/CHECK/DEL only', () => {
    assert.equal(parseEnv({ ...ATTACH, CNI_COMMAND: 'ADD', CNI_ARGS: 'A=1' }).args.A, '1');
    assert.equal(parseEnv({ CNI_COMMAND: 'STATUS', CNI_ARGS: 'broken' }).args.A, undefined);
  });
});
