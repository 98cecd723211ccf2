import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeArgs } from './args.ts';
import { DEFAULT_SOCKET_PATH, decodeStdin, PLUGIN_TYPE, parseConfig } from './config.ts';
import { parseCniArgs } from './env.ts';
import { CNI_ERR, CniError } from './errors.ts';
import type { JsonObject } from './fields.ts';
import { errorOutput, parseInvocation } from './invocation.ts';

const NET = '5b1d1a2e-3c4f-4a5b-8c6d-7e8f9a0b1c2d';
const SUBNET = '6c2e2b3f-4d50-4b6c-9d7e-8f9a0b1c2d3e';
const SG1 = '7d3f3c40-5e61-4c7d-ae8f-9a0b1c2d3e4f';
const SG2 = '8e404d51-6f72-4d8e-bf90-ab1c2d3e4f50';

/** Seed 000's example NetworkAttachmentDefinition config. */
const SEED: JsonObject = {
  cniVersion: '0.4.0',
  name: 'pods',
  type: 'openstack-port-cni',
  socket_file: 'unix:/var/snap/microovn/common/run/switch/db.sock',
  network_id: NET,
  subnet_id: SUBNET,
  delegate_plugin: 'ovs',
  bridge: 'br-int',
};

const ATTACH = {
  CNI_CONTAINERID: 'c0ffee',
  CNI_NETNS: '/run/netns/pod',
  CNI_IFNAME: 'eth0',
  CNI_PATH: '/opt/cni/bin',
};

function configError(field: string, code: number = CNI_ERR.INVALID_CONFIG) {
  return (e: unknown) =>
    e instanceof CniError && e.code === code && e.field === field && e.message.includes(field);
}

describe('the plugin configuration', () => {
  it("reads seed 000's example, with the defaults for what it leaves out", () => {
    const c = parseConfig(SEED, 'ADD');
    assert.equal(c.type, PLUGIN_TYPE);
    assert.equal(c.cniVersion, '0.4.0');
    assert.equal(c.networkId, NET);
    assert.equal(c.subnetId, SUBNET);
    assert.equal(c.delegatePlugin, 'ovs');
    assert.equal(c.bridge, 'br-int');
    assert.equal(c.socketFile, 'unix:/var/snap/microovn/common/run/switch/db.sock');
    assert.equal(c.socketPath, DEFAULT_SOCKET_PATH);
    assert.equal(DEFAULT_SOCKET_PATH, '/var/run/openstack-cni/cni.sock');
    assert.equal(c.securityGroupIds, undefined);
    assert.equal(c.mtu, undefined);
  });

  it('reads socket_path, security_group_ids, mtu, and defaults the delegate to ovs', () => {
    const { delegate_plugin: _, ...noDelegate } = SEED;
    const c = parseConfig(
      { ...noDelegate, socket_path: '/run/osnet/cni.sock', security_group_ids: [SG1, SG2], mtu: 1442 },
      'ADD',
    );
    assert.equal(c.socketPath, '/run/osnet/cni.sock');
    assert.deepEqual(c.securityGroupIds, [SG1, SG2]);
    assert.equal(c.mtu, 1442);
    assert.equal(c.delegatePlugin, 'ovs');
  });

  it('keeps the delegate object and top-level metadata verbatim, and unknown keys in raw', () => {
    const delegate = { type: 'ovs', vlan: 100, trunk: [{ id: 42 }], metadata: { app_id: 'd5bb' } };
    const metadata = { app_id: 'd5bbc5ed', space_id: '4246c57d' };
    const c = parseConfig({ ...SEED, delegate, metadata, vendor_key: [1, 2] }, 'ADD');
    assert.deepEqual(c.delegate, delegate);
    assert.deepEqual(c.metadata, metadata);
    assert.deepEqual(c.raw.vendor_key, [1, 2]);
    const { delegate_plugin: _, ...noPlugin } = SEED;
    assert.equal(
      parseConfig({ ...noPlugin, delegate: { type: 'ovs-mirror' } }, 'ADD').delegatePlugin,
      'ovs-mirror',
    );
  });

  it('refuses a delegate key the thin plugin sets itself (code 2, key and value in the message)', () => {
    for (const key of ['ipam', 'cniVersion', 'name', 'args', 'prevResult', 'runtimeConfig', 'cni.dev/x']) {
      assert.throws(
        () => parseConfig({ ...SEED, delegate: { [key]: 'v' } }, 'ADD'),
        (e: unknown) =>
          e instanceof CniError &&
          e.code === CNI_ERR.UNSUPPORTED_FIELD &&
          e.field === `delegate.${key}` &&
          e.message.includes('"v"'),
        key,
      );
    }
    assert.throws(
      () => parseConfig({ ...SEED, delegate: { type: 'bridge' } }, 'ADD'),
      configError('delegate.type'),
    );
  });

  it('runtimeConfig: mac and ips are checked, other capabilities kept', () => {
    const c = parseConfig(
      {
        ...SEED,
        runtimeConfig: { mac: 'fa:16:3e:aa:bb:cc', ips: ['10.0.0.5/24', '2001:db8::5'], portMappings: [] },
      },
      'ADD',
    );
    assert.equal(c.runtimeConfig?.mac, 'fa:16:3e:aa:bb:cc');
    assert.deepEqual(c.runtimeConfig?.ips, ['10.0.0.5/24', '2001:db8::5']);
    assert.deepEqual(c.runtimeConfig?.raw.portMappings, []);
    assert.throws(
      () => parseConfig({ ...SEED, runtimeConfig: { mac: 'nope' } }, 'ADD'),
      configError('runtimeConfig.mac'),
    );
    assert.throws(
      () => parseConfig({ ...SEED, runtimeConfig: { ips: ['x'] } }, 'ADD'),
      configError('runtimeConfig.ips[0]'),
    );
  });

  it('prevResult is read in the config version; CHECK needs one, DEL does not', () => {
    const prevResult = { cniVersion: '0.4.0', ips: [{ version: '4', address: '10.0.0.5/24' }] };
    const c = parseConfig({ ...SEED, prevResult }, 'CHECK');
    assert.equal(c.prevResult?.version, '0.4.0');
    assert.deepEqual(c.prevResult?.result.ips, [{ address: '10.0.0.5/24' }]);
    assert.throws(() => parseConfig(SEED, 'CHECK'), configError('prevResult'));
    assert.equal(parseConfig(SEED, 'DEL').prevResult, undefined);
    assert.throws(
      () => parseConfig({ ...SEED, prevResult: { ips: [{ address: 'bad' }] } }, 'DEL'),
      configError('prevResult.ips[0].address'),
    );
  });

  it('GC reads cni.dev/valid-attachments, falls back to cni.dev/attachments, and refuses neither', () => {
    const gc = { ...SEED, cniVersion: '1.1.0' };
    const list = [{ containerID: 'c1', ifname: 'eth0' }];
    assert.deepEqual(parseConfig({ ...gc, 'cni.dev/valid-attachments': list }, 'GC').validAttachments, list);
    assert.deepEqual(parseConfig({ ...gc, 'cni.dev/attachments': list }, 'GC').validAttachments, list);
    assert.deepEqual(
      parseConfig({ ...gc, 'cni.dev/valid-attachments': [], 'cni.dev/attachments': list }, 'GC')
        .validAttachments,
      [],
    );
    assert.throws(() => parseConfig(gc, 'GC'), configError('cni.dev/valid-attachments'));
    assert.throws(
      () => parseConfig({ ...gc, 'cni.dev/valid-attachments': [{ containerID: 'c1' }] }, 'GC'),
      configError('cni.dev/valid-attachments[0].ifname'),
    );
  });

  it('the version: missing or unknown is code 1; CHECK before 0.4.0 and GC/STATUS before 1.1.0 too', () => {
    const { cniVersion: _, ...noVersion } = SEED;
    assert.throws(
      () => parseConfig(noVersion, 'ADD'),
      configError('cniVersion', CNI_ERR.INCOMPATIBLE_VERSION),
    );
    assert.throws(() => parseConfig({ ...SEED, cniVersion: '0.2.0' }, 'ADD'), configError('cniVersion', 1));
    assert.throws(() => parseConfig({ ...SEED, cniVersion: 1 }, 'ADD'), configError('cniVersion', 7));
    assert.throws(
      () => parseConfig({ ...SEED, cniVersion: '0.3.1', prevResult: {} }, 'CHECK'),
      configError('cniVersion', 1),
    );
    for (const verb of ['GC', 'STATUS'] as const) {
      assert.throws(() => parseConfig({ ...SEED, cniVersion: '1.0.0' }, verb), configError('cniVersion', 1));
    }
    assert.equal(parseConfig({ ...SEED, cniVersion: '1.1.0' }, 'STATUS').cniVersion, '1.1.0');
  });

  const badFields: [string, unknown][] = [
    ['name', ''],
    ['name', '-pods'],
    ['name', 7],
    ['type', ''],
    ['type', 'a/b'],
    ['network_id', 'not-a-uuid'],
    ['network_id', undefined],
    ['subnet_id', 'x'],
    ['security_group_ids', SG1],
    ['security_group_ids', [SG1, 'x']],
    ['security_group_ids', [SG1, SG1]],
    ['delegate_plugin', '../ovs'],
    ['delegate', 'ovs'],
    ['bridge', 'br int'],
    ['bridge', 'b'.repeat(16)],
    ['socket_file', 'db.sock'],
    ['socket_path', 'relative.sock'],
    ['socket_path', `/${'x'.repeat(107)}`],
    ['mtu', 67],
    ['mtu', 65536],
    ['mtu', '1500'],
    ['runtimeConfig', []],
    ['args', 'x'],
    ['metadata', 1],
    ['cniVersions', '1.0.0'],
  ];
  for (const [key, value] of badFields) {
    it(`refuses ${key} = ${JSON.stringify(value)?.slice(0, 40)} naming it`, () => {
      const input: JsonObject = { ...SEED, [key]: value };
      if (value === undefined) delete input[key];
      assert.throws(
        () => parseConfig(input, 'ADD'),
        (e: unknown) =>
          e instanceof CniError &&
          e.code === CNI_ERR.INVALID_CONFIG &&
          (e.field ?? '').startsWith(key) &&
          e.message.includes(key),
      );
    });
  }
});

describe('stdin decoding', () => {
  it('empty, non-JSON and non-object stdin are code 6 naming stdin', () => {
    for (const s of ['', '  \n', '{', '"x"', '[]', 'null', '42']) {
      assert.throws(() => decodeStdin(s), configError('stdin', CNI_ERR.DECODE), JSON.stringify(s));
    }
    assert.deepEqual(decodeStdin(new TextEncoder().encode('{"a":1}')), { a: 1 });
  });
});

describe('args: args.cni wins over CNI_ARGS (CONVENTIONS)', () => {
  const POD = 'K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-0;K8S_POD_UID=0b7b3a3c-1111-2222-3333-444455556666';

  it('reads the pod from CNI_ARGS', () => {
    const a = mergeArgs(parseCniArgs(`IgnoreUnknown=1;${POD};K8S_POD_INFRA_CONTAINER_ID=c0ffee`), undefined);
    assert.deepEqual(a.k8s, {
      namespace: 'default',
      name: 'web-0',
      uid: '0b7b3a3c-1111-2222-3333-444455556666',
      infraContainerId: 'c0ffee',
    });
    assert.equal(a.cniArgs.IgnoreUnknown, '1');
  });

  it('args.cni.ips replaces CNI_ARGS IP, args.cni.mac replaces MAC, a same-named key replaces the field', () => {
    const env = parseCniArgs(`IP=10.0.0.9;MAC=fa:16:3e:00:00:09;${POD}`);
    const a = mergeArgs(env, {
      cni: { ips: ['10.0.0.5/24'], mac: 'fa:16:3e:00:00:05', K8S_POD_NAME: 'db-1' },
    });
    assert.deepEqual(a.ips, ['10.0.0.5/24']);
    assert.equal(a.mac, 'fa:16:3e:00:00:05');
    assert.equal(a.k8s.name, 'db-1');
    assert.equal(a.k8s.namespace, 'default');
    assert.equal(a.cniArgs.IP, undefined);
    assert.equal(a.cniArgs.MAC, undefined);
    assert.equal(a.cniArgs.K8S_POD_NAME, undefined);
    // without args.cni the CNI_ARGS fields count
    const b = mergeArgs(parseCniArgs('IP=10.0.0.9,2001:db8::9;MAC=fa:16:3e:00:00:09'), {});
    assert.deepEqual(b.ips, ['10.0.0.9', '2001:db8::9']);
    assert.equal(b.mac, 'fa:16:3e:00:00:09');
  });

  it('an invalid CNI_ARGS field the args.cni replaces is ignored, not an error', () => {
    const a = mergeArgs(parseCniArgs('IP=garbage;MAC=garbage'), {
      cni: { ips: ['10.0.0.5'], mac: 'fa:16:3e:00:00:05' },
    });
    assert.deepEqual(a.ips, ['10.0.0.5']);
  });

  it("K8S_POD_* in CNI_ARGS that are not Kubernetes' (podman's container names) name no pod, and are no error", () => {
    for (const raw of [
      'IgnoreUnknown=1;K8S_POD_NAMESPACE=happy_turing;K8S_POD_NAME=happy_turing;K8S_POD_INFRA_CONTAINER_ID=ab12',
      'K8S_POD_NAMESPACE=Default;K8S_POD_NAME=web-0',
      'K8S_POD_NAME=web-0;K8S_POD_UID=123',
    ]) {
      assert.deepEqual(mergeArgs(parseCniArgs(raw), undefined).k8s, {}, raw);
    }
    assert.deepEqual(mergeArgs(parseCniArgs('K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-0'), undefined).k8s, {
      namespace: 'default',
      name: 'web-0',
    });
  });

  it('bad values name their source: CNI_ARGS (code 4) or args.cni (code 7)', () => {
    const cases: [string, JsonObject | undefined, string, number][] = [
      ['', { cni: { K8S_POD_NAME: 'web_0' } }, 'args.cni.K8S_POD_NAME', 7],
      ['', { cni: { K8S_POD_NAMESPACE: 'Default' } }, 'args.cni.K8S_POD_NAMESPACE', 7],
      ['IP=10.0.0.300', undefined, 'CNI_ARGS.IP', 4],
      ['MAC=fa:16', undefined, 'CNI_ARGS.MAC', 4],
      ['', { cni: { ips: '10.0.0.1' } }, 'args.cni.ips', 7],
      ['', { cni: { mac: 5 } }, 'args.cni.mac', 7],
      ['', { cni: { K8S_POD_UID: 'x' } }, 'args.cni.K8S_POD_UID', 7],
    ];
    for (const [raw, args, field, code] of cases) {
      assert.throws(
        () => mergeArgs(parseCniArgs(raw), args),
        (e: unknown) => e instanceof CniError && e.code === code && e.field?.startsWith(field) === true,
        field,
      );
    }
  });
});

describe('parseInvocation and errorOutput', () => {
  it('ADD: env, config and merged args together', () => {
    const inv = parseInvocation(
      { ...ATTACH, CNI_COMMAND: 'ADD', CNI_ARGS: 'K8S_POD_NAMESPACE=kube-system;K8S_POD_NAME=dns-0' },
      JSON.stringify(SEED),
    );
    assert.ok(inv.command === 'ADD');
    assert.equal(inv.config.networkId, NET);
    assert.equal(inv.args.k8s.name, 'dns-0');
    assert.equal(inv.env.ifname, 'eth0');
  });

  it('VERSION never reads the config: garbage stdin still answers', () => {
    const inv = parseInvocation({ CNI_COMMAND: 'VERSION' }, 'garbage');
    assert.ok(inv.command === 'VERSION');
    assert.equal(inv.answer.supportedVersions.length, 5);
  });

  it('errors come out in the config version, or the newest when stdin has none', () => {
    const stdin = JSON.stringify({ ...SEED, network_id: 'x' });
    try {
      parseInvocation({ ...ATTACH, CNI_COMMAND: 'ADD' }, stdin);
      assert.fail('accepted a bad network_id');
    } catch (e) {
      assert.deepEqual(errorOutput(e, stdin), {
        cniVersion: '0.4.0',
        code: 107,
        msg: 'network_id must be a UUID, not the string "x"',
        details: 'code 107 stands for code 7 of CNI 1.0.0 and later',
      });
    }
    assert.equal(errorOutput(new CniError(4, 'x'), 'not json').cniVersion, '1.1.0');
    assert.equal(errorOutput(new CniError(4, 'x'), '{"cniVersion":"9.0.0"}').cniVersion, '1.1.0');
    assert.equal(errorOutput(new CniError(4, 'x'), undefined).cniVersion, '1.1.0');
  });
});
