/**
 * Cloud Foundry: the built openstack-port-cni run with exactly what garden-external-networker gives a CNI
 * plugin (cloudfoundry.fixture.json names the source files), over the config shipped in
 * deploy/cloudfoundry/cni/. The thin plugin must ask the daemon for the app's port with the app's
 * policy_group_id; the real daemon without a policy server must refuse it by code rather than attach the
 * app without its policies.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { builtPlugins, removeBuiltPlugins } from '../testing/cni/binaries.ts';
import { DaemonAnswer, startProtocolServer } from '../testing/cni/protocol-server.ts';
import { type CniCall, runCni } from '../testing/cni/run.ts';
import { startDaemon } from '../testing/daemon/daemon.ts';
import { LAB_DIR } from '../testing/openstack/lab.ts';
import { codeForVersion } from './errors.ts';

const here = dirname(fileURLToPath(import.meta.url));
const NETWORK = '5d3c7a51-2b1e-4f0a-9c44-0e6b1a2f3d4e';

interface Fixture {
  handle: string;
  bind_mount_dir: string;
  inject: { metadata: Record<string, string>; runtimeConfig: Record<string, unknown> };
}

/** The lab's OVSDB (DEL runs the delegate's DEL, which asks OVS). */
const OVSDB = `unix:${LAB_DIR}/run/ovs/db.sock`;

/**
 * What libcni sends one plugin of a conflist: the plugin with the list's name and cniVersion (InjectConf's
 * keys are added by the caller); the shipped placeholders filled in as an operator would.
 */
function stdinOf(
  list: { name: string; cniVersion: string; plugins: Record<string, unknown>[] },
  socket: string,
) {
  return {
    ...list.plugins[0],
    name: list.name,
    cniVersion: list.cniVersion,
    network_id: NETWORK,
    socket_path: socket,
    socket_file: OVSDB,
  };
}

describe('openstack-port-cni with garden-external-networker input', () => {
  let dir: string;
  let bin: string;
  let fx: Fixture;
  let list: { name: string; cniVersion: string; plugins: Record<string, unknown>[] };

  before(async () => {
    // the test's cni_plugin_dir: where it put the plugins, as the BOSH package would
    dir = await builtPlugins();
    bin = join(dir, 'openstack-port-cni');
    fx = JSON.parse(await readFile(join(here, 'cloudfoundry.fixture.json'), 'utf8')) as Fixture;
    list = JSON.parse(
      await readFile(join(here, '..', '..', 'deploy', 'cloudfoundry', 'cni', 'osnet.conflist'), 'utf8'),
    );
  });

  after(() => removeBuiltPlugins());

  const call = (command: string): CniCall => ({
    command,
    containerId: fx.handle,
    ifname: 'eth0',
    netns: `${fx.bind_mount_dir}/${fx.handle}`,
    path: dir,
    args: '',
  });

  it("ADD asks the daemon for the app's port with its policy_group_id; DEL (config alone) releases it", async () => {
    // it records what the thin plugin asks and stops the ADD there: the attach is not what this checks
    const recorder = await startProtocolServer({
      '/add': () => {
        throw new DaemonAnswer(409, { code: 'OSNET_ERR_CONFLICT', message: 'recorded', cni: 100 });
      },
      '/del': () => ({ released: true, queued: false }),
    });
    try {
      const add = await runCni(bin, call('ADD'), { ...stdinOf(list, recorder.socketPath), ...fx.inject });
      assert.equal(add.code, 1, add.stdout);
      assert.match(String(add.json?.msg), /recorded/);
      const [asked] = recorder.calls;
      assert.equal(asked?.route, '/add');
      assert.deepEqual(
        {
          container_id: asked!.body.container_id,
          ifname: asked!.body.ifname,
          network_id: asked!.body.network_id,
          policy_group_id: asked!.body.policy_group_id,
        },
        {
          container_id: fx.handle,
          ifname: 'eth0',
          network_id: NETWORK,
          policy_group_id: fx.inject.metadata.policy_group_id,
        },
      );

      const del = await runCni(bin, call('DEL'), stdinOf(list, recorder.socketPath));
      assert.equal(del.code, 0, del.stdout);
      assert.deepEqual(
        recorder.calls.map((c) => c.route),
        ['/add', '/del'],
      );
    } finally {
      await recorder.close();
    }
  });

  it('runtimeConfig.policy_group_id wins over metadata; a non-string one is refused naming the field', async () => {
    const recorder = await startProtocolServer({
      '/add': () => {
        throw new DaemonAnswer(409, { code: 'OSNET_ERR_CONFLICT', message: 'recorded', cni: 100 });
      },
    });
    try {
      const stdin = stdinOf(list, recorder.socketPath);
      const rc = { ...fx.inject.runtimeConfig, policy_group_id: 'from-runtime' };
      await runCni(bin, call('ADD'), { ...stdin, ...fx.inject, runtimeConfig: rc });
      assert.equal(recorder.calls[0]?.body.policy_group_id, 'from-runtime');

      const bad = await runCni(bin, call('ADD'), {
        ...stdin,
        ...fx.inject,
        runtimeConfig: { ...rc, policy_group_id: 7 },
      });
      assert.equal(bad.code, 1);
      assert.equal(
        bad.json?.code,
        codeForVersion(7, '0.3.1'),
        'invalid network config, as CNI 0.3.1 numbers it',
      );
      assert.match(String(bad.json?.msg), /runtimeConfig\.policy_group_id/);
      assert.equal(recorder.calls.length, 1, 'refused before asking the daemon');
    } finally {
      await recorder.close();
    }
  });

  it('the real daemon without --policy-server refuses an ADD naming an app, by code', async () => {
    const daemon = await startDaemon();
    try {
      const add = await runCni(bin, call('ADD'), { ...stdinOf(list, daemon.socket), ...fx.inject });
      assert.equal(add.code, 1, add.stdout);
      assert.match(String(add.json?.msg), /OSNET_ERR_POLICY_NOT_CONFIGURED|no --policy-server/);
      assert.equal(add.json?.code, codeForVersion(7, '0.3.1'));
    } finally {
      await daemon.stop();
      await daemon.remove();
    }
  });
});
