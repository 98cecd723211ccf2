/**
 * The Kubernetes manifests in deploy/kubernetes agree with the code: every NetworkAttachmentDefinition config
 * is accepted by the plugin's own config parser, the DaemonSet serves the socket the thin plugin dials by
 * default, puts the plugin where kubelet looks, and takes its credentials from the Secret, not from the image.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_SOCKET_PATH, PLUGIN_TYPE, parseConfig } from './config.ts';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'deploy', 'kubernetes');

interface Mount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}
interface Container {
  name: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  volumeMounts?: Mount[];
}
interface Volume {
  name: string;
  hostPath?: { path: string };
  secret?: { secretName: string };
}
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes: Volume[];
}
interface Doc {
  kind?: string;
  metadata?: { name?: string };
  spec?: { config?: string; template?: { spec: PodSpec } };
  stringData?: Record<string, string>;
}

async function manifests(): Promise<Doc[]> {
  const out: Doc[] = [];
  for (const f of (await readdir(DIR)).filter((n) => n.endsWith('.yaml')).sort()) {
    for (const d of parseAllDocuments(await readFile(join(DIR, f), 'utf8'))) {
      assert.deepEqual(d.errors, [], `${f}: YAML errors`);
      out.push(d.toJS() as Doc);
    }
  }
  return out;
}

test('every NetworkAttachmentDefinition config is a valid openstack-port-cni config', async () => {
  const nads = (await manifests()).filter((d) => d.kind === 'NetworkAttachmentDefinition');
  assert.ok(nads.length >= 2, 'an ovs-cni and a built-in delegate example');
  const delegates = new Set<string>();
  for (const nad of nads) {
    const conf = JSON.parse(String(nad.spec?.config));
    const parsed = parseConfig(conf, 'ADD');
    assert.equal(parsed.type, PLUGIN_TYPE);
    assert.equal(parsed.name, nad.metadata?.name, 'the CNI network is named as the NAD');
    assert.equal(parsed.socketPath, DEFAULT_SOCKET_PATH);
    delegates.add(parsed.delegatePlugin);
  }
  assert.deepEqual([...delegates].sort(), ['osnet-ovs', 'ovs']);
});

test('the DaemonSet serves the default socket, installs the plugin into /opt/cni/bin and reads the Secret', async () => {
  const docs = await manifests();
  const ds = docs.find((d) => d.kind === 'DaemonSet');
  const secret = docs.find((d) => d.kind === 'Secret');
  assert.ok(ds && secret);
  const pod = ds.spec?.template?.spec as PodSpec;
  const volume = (name: string | undefined): Volume => {
    const v = pod.volumes.find((x) => x.name === name);
    assert.ok(v, `volume ${name}`);
    return v;
  };
  const mountFor = (c: Container, path: string): Mount => {
    const m = c.volumeMounts?.find((x) => path.startsWith(`${x.mountPath}/`));
    assert.ok(m, `${c.name} mounts something over ${path}`);
    return m;
  };
  const daemon = pod.containers.find((c) => c.name === 'daemon') as Container;
  const args = daemon.args ?? [];
  assert.ok(args.includes(`--socket=${DEFAULT_SOCKET_PATH}`));
  const sockMount = mountFor(daemon, DEFAULT_SOCKET_PATH);
  assert.equal(
    volume(sockMount.name).hostPath?.path,
    dirname(DEFAULT_SOCKET_PATH),
    'socket dir shared with the host',
  );
  const install = pod.initContainers?.find((c) => c.name === 'install-cni') as Container;
  const binMount = install.volumeMounts?.[0] as Mount;
  assert.equal(volume(binMount.name).hostPath?.path, '/opt/cni/bin');
  assert.match((install.command ?? []).join(' '), new RegExp(`openstack-port-cni .*${binMount.mountPath}`));
  // credentials: the Secret mounted where OS_CLIENT_CONFIG_FILE points, read-only; none in the image or args
  const env = new Map((daemon.env ?? []).map((e) => [e.name, e]));
  const cfg = env.get('OS_CLIENT_CONFIG_FILE')?.value as string;
  const credMount = mountFor(daemon, cfg);
  assert.equal(credMount.readOnly, true);
  assert.equal(volume(credMount.name).secret?.secretName, secret.metadata?.name);
  assert.ok(Object.keys(secret.stringData ?? {}).includes(cfg.split('/').pop() as string));
  assert.doesNotMatch(JSON.stringify(daemon), /password/i, 'no secret in the container spec');
  assert.equal(
    env.get('NODE_NAME')?.valueFrom?.fieldRef?.fieldPath,
    'spec.nodeName',
    'binding:host_id is the node name',
  );
  assert.ok(args.includes('--node-name=$(NODE_NAME)'));
});
