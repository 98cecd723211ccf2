/**
 * Result conversion checked against a real plugin: Debian's reference `bridge` (static IPAM, fixed MAC)
 * runs in throwaway network namespaces, so every version's output is produced by the real thing and our
 * conversion of one version must equal the plugin's own output in another. Its CHECK then validates the
 * interfaces and addresses of a prevResult we converted against the real container.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parseErrorResult } from './errors.ts';
import type { JsonObject } from './fields.ts';
import { convertResult, parseResult } from './result.ts';
import type { CniVersion } from './versions.ts';

const BRIDGE = '/usr/lib/cni/bridge';
const skip = !existsSync(BRIDGE) ? `${BRIDGE} missing (Debian package containernetworking-plugins)` : false;

const tag = `${process.pid % 100000}`;
const HOST_NS = `osnet-cnit-h${tag}`;
const POD_NS = `osnet-cnit-p${tag}`;
const POD_MAC = '0a:58:0a:63:00:0a';
/** The versions Debian's plugins speak that osnet speaks too. */
const REAL_VERSIONS: CniVersion[] = ['0.3.0', '0.3.1', '0.4.0', '1.0.0'];

function config(version: string, extra: JsonObject = {}): JsonObject {
  return {
    cniVersion: version,
    name: 'osnet-cnit',
    type: 'bridge',
    bridge: `osb${tag}`,
    runtimeConfig: { mac: POD_MAC },
    dns: { nameservers: ['10.99.0.53'], domain: 'pods.test', search: ['pods.test'], options: ['ndots:2'] },
    ipam: {
      type: 'static',
      addresses: [
        { address: '10.99.0.10/24', gateway: '10.99.0.1' },
        { address: 'fd99::10/64', gateway: 'fd99::1' },
      ],
      routes: [{ dst: '0.0.0.0/0' }, { dst: '192.0.2.0/24', gw: '10.99.0.254' }],
    },
    ...extra,
  };
}

function run(command: string, conf: JsonObject): { code: number | null; stdout: string } {
  const r = spawnSync('ip', ['netns', 'exec', HOST_NS, BRIDGE], {
    input: JSON.stringify(conf),
    encoding: 'utf8',
    env: {
      CNI_COMMAND: command,
      CNI_CONTAINERID: `osnet-cnit-${tag}`,
      CNI_NETNS: `/run/netns/${POD_NS}`,
      CNI_IFNAME: 'eth0',
      CNI_PATH: '/usr/lib/cni',
      PATH: process.env.PATH,
    },
  });
  return { code: r.status, stdout: r.stdout };
}

function add(version: string): JsonObject {
  const r = run('ADD', config(version));
  assert.equal(r.code, 0, r.stdout);
  return JSON.parse(r.stdout) as JsonObject;
}

function del(version: string, prevResult?: JsonObject): void {
  const r = run('DEL', config(version, prevResult ? { prevResult } : {}));
  assert.equal(r.code, 0, r.stdout);
}

/** The host side (bridge, veth) gets a new name and MAC on every ADD; everything else is fixed. */
function normalized(result: JsonObject): JsonObject {
  const copy = structuredClone(result) as { interfaces?: Record<string, unknown>[] };
  copy.interfaces?.forEach((i, n) => {
    if (i.sandbox === undefined) {
      i.name = `host${n}`;
      i.mac = 'host-mac';
    }
  });
  return copy as JsonObject;
}

describe('conversion against the real bridge plugin', { skip }, () => {
  const outputs = new Map<CniVersion, JsonObject>();

  before(() => {
    execFileSync('ip', ['netns', 'add', HOST_NS]);
    execFileSync('ip', ['netns', 'add', POD_NS]);
    for (const v of REAL_VERSIONS) {
      outputs.set(v, add(v));
      del(v);
    }
  });

  after(() => {
    spawnSync('ip', ['netns', 'del', HOST_NS]);
    spawnSync('ip', ['netns', 'del', POD_NS]);
  });

  it("parses the plugin's own output in every version", () => {
    for (const [v, out] of outputs) {
      const { version, result } = parseResult(out);
      assert.equal(version, v);
      assert.equal(result.ips?.length, 2);
      assert.equal(result.interfaces?.find((i) => i.sandbox)?.mac, POD_MAC);
    }
  });

  for (const from of REAL_VERSIONS) {
    for (const to of REAL_VERSIONS) {
      it(`our ${from} -> ${to} equals bridge's own ${to} output`, () => {
        const converted = convertResult(outputs.get(from), to);
        assert.deepEqual(normalized(converted), normalized(outputs.get(to)!));
      });
    }
  }

  it('bridge CHECK accepts a prevResult we converted 1.0.0 -> 0.4.0 (and back), and DEL takes it', () => {
    const r = add('1.0.0');
    try {
      const down = convertResult(r, '0.4.0');
      const check04 = run('CHECK', config('0.4.0', { prevResult: down }));
      assert.equal(check04.code, 0, check04.stdout);
      const up = convertResult(down, '1.0.0');
      const check10 = run('CHECK', config('1.0.0', { prevResult: up }));
      assert.equal(check10.code, 0, check10.stdout);

      // CHECK really compares: a prevResult with another pod MAC is refused
      const wrong = structuredClone(down) as { interfaces: { mac?: string; sandbox?: string }[] };
      for (const i of wrong.interfaces) if (i.sandbox) i.mac = '0a:58:0a:63:00:0b';
      const bad = run('CHECK', config('0.4.0', { prevResult: wrong }));
      assert.notEqual(bad.code, 0);
      const err = parseErrorResult(bad.stdout);
      assert.ok(err, bad.stdout);
      assert.match(err.message, /mac|hardware|0a:58:0a:63:00:0b/i);
    } finally {
      del('0.4.0', convertResult(r, '0.4.0'));
    }
  });

  it("bridge's error output reads back as a CniError with its code", () => {
    const r = run('ADD', config('9.9.9'));
    assert.notEqual(r.code, 0);
    const err = parseErrorResult(r.stdout);
    assert.equal(err?.code, 1);
    assert.match(err?.details ?? '', /9\.9\.9/);
  });
});
