/**
 * Inputs for fuzzing the CNI plugin (tests only): a seeded generator, a valid base config and
 * environment, and mutations of JSON documents, JSON text and the environment.
 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const NET = '5b1d1a2e-3c4f-4a5b-8c6d-7e8f9a0b1c2d';
export const PREV = {
  cniVersion: '1.1.0',
  interfaces: [
    { name: 'tap1', mac: 'fa:16:3e:00:00:01' },
    { name: 'eth0', mac: 'fa:16:3e:00:00:02', sandbox: '/run/netns/p', mtu: 1450 },
  ],
  ips: [
    { address: '10.0.0.5/24', gateway: '10.0.0.1', interface: 1 },
    { address: '2001:db8::5/64', interface: 1 },
  ],
  routes: [{ dst: '0.0.0.0/0', gw: '10.0.0.1', table: 5 }],
  dns: { nameservers: ['10.0.0.2'], search: ['a.test'] },
};
export const BASE = {
  cniVersion: '1.1.0',
  cniVersions: ['0.4.0', '1.0.0', '1.1.0'],
  name: 'pods',
  type: 'openstack-port-cni',
  network_id: NET,
  subnet_id: '6c2e2b3f-4d50-4b6c-9d7e-8f9a0b1c2d3e',
  security_group_ids: ['7d3f3c40-5e61-4c7d-ae8f-9a0b1c2d3e4f'],
  delegate_plugin: 'ovs',
  delegate: { type: 'ovs', vlan: 10, metadata: { k: 'v' } },
  bridge: 'br-int',
  socket_file: 'unix:/run/ovs/db.sock',
  socket_path: '/var/run/openstack-cni/cni.sock',
  mtu: 1450,
  runtimeConfig: { mac: 'fa:16:3e:00:00:02', ips: ['10.0.0.5/24'] },
  args: { cni: { ips: ['10.0.0.5/24'], mac: 'fa:16:3e:00:00:02', K8S_POD_NAME: 'web-0' } },
  metadata: { app: 'x' },
  prevResult: PREV,
  'cni.dev/valid-attachments': [{ containerID: 'c1', ifname: 'eth0' }],
};
export const ENV = {
  CNI_COMMAND: 'ADD',
  CNI_CONTAINERID: 'c0ffee',
  CNI_NETNS: '/run/netns/p',
  CNI_IFNAME: 'eth0',
  CNI_PATH: '/opt/cni/bin',
  CNI_ARGS:
    'IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-0;K8S_POD_UID=0b7b3a3c-1111-2222-3333-444455556666',
};

export type Rand = () => number;
export const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const STRINGS = [
  '',
  ' ',
  'x',
  '-',
  '/',
  '..',
  '0.0.0',
  '1.1.0',
  '9.9.9',
  'fa:16:3e:00:00:0',
  '10.0.0.1',
  '10.0.0.1/33',
  '::1/129',
  'fe80::1%eth0/64',
  'unix:',
  '\u0000',
  '\ud800',
  'é'.repeat(20),
  'a'.repeat(5000),
  '__proto__',
  'constructor',
  NET,
  NET.toUpperCase(),
];

export function randomValue(r: Rand, depth = 0): unknown {
  const k = Math.floor(r() * 11);
  switch (k) {
    case 0:
      return null;
    case 1:
      return r() < 0.5;
    case 2:
      return pick(r, [0, -1, 1.5, 68, 65535, 65536, 2 ** 53, -0, 1e308, 4294967296]);
    case 3:
    case 4:
      return pick(r, STRINGS);
    case 5:
      return depth > 3 ? [] : Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
    case 6:
      return depth > 3
        ? {}
        : Object.fromEntries(
            Array.from({ length: Math.floor(r() * 4) }, () => [pick(r, STRINGS), randomValue(r, depth + 1)]),
          );
    case 7:
      return structuredClone(PREV);
    case 8:
      return [{ containerID: pick(r, STRINGS), ifname: pick(r, STRINGS) }];
    default:
      return String(Math.floor(r() * 1000));
  }
}

/** Every container (object or list) inside v, with v itself. */
function containers(
  v: unknown,
  out: (Record<string, unknown> | unknown[])[] = [],
): (Record<string, unknown> | unknown[])[] {
  if (v !== null && typeof v === 'object') {
    out.push(v as Record<string, unknown>);
    for (const child of Object.values(v)) containers(child, out);
  }
  return out;
}

export function mutate(r: Rand, doc: Record<string, unknown>): Record<string, unknown> {
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const target = pick(r, containers(doc));
    const keys = Object.keys(target);
    const op = Math.floor(r() * 4);
    if (Array.isArray(target)) {
      if (op === 0 && target.length > 0) target.splice(Math.floor(r() * target.length), 1);
      else if (op === 1 || target.length === 0) target.push(randomValue(r));
      else target[Math.floor(r() * target.length)] = randomValue(r);
    } else if (op === 0 && keys.length > 0) {
      delete target[pick(r, keys)];
    } else if (op === 1 || keys.length === 0) {
      target[pick(r, [...STRINGS, 'cni.dev/attachments', 'ipam', 'type'])] = randomValue(r);
    } else {
      target[pick(r, keys)] = randomValue(r);
    }
  }
  return doc;
}

export function mutateText(r: Rand, text: string): string {
  const at = Math.floor(r() * text.length);
  switch (Math.floor(r() * 4)) {
    case 0:
      return text.slice(0, at);
    case 1:
      return text.slice(0, at) + pick(r, ['{', '}', '"', ',', '\\', '\u0000', 'ÿ', ']']) + text.slice(at);
    case 2:
      return text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 5));
    default:
      return pick(r, ['', 'null', '[]', '"s"', '1', 'true', '{}', ' \n ', '\uFEFF{}']);
  }
}

export function mutateEnv(r: Rand): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {
    ...ENV,
    CNI_COMMAND: pick(r, ['ADD', 'DEL', 'CHECK', 'GC', 'STATUS']),
  };
  const n = Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const key = pick(r, Object.keys(ENV));
    env[key] =
      r() < 0.3
        ? undefined
        : pick(r, [...STRINGS, 'A=1;B', '=x', 'K8S_POD_UID=1', 'IP=1.2.3.4,zz', 'MAC=zz', 'x'.repeat(16)]);
  }
  return env;
}
