/**
 * The CNI executables as the tests run them (tests only): each src/cmd entry bundled once per test process
 * into a temporary CNI_PATH directory with the options of scripts/build.ts, so a test never runs a stale
 * dist/bin and parallel test files never write the same file.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { entryOptions } from '../../../scripts/build-options.ts';
import { REPO_ROOT } from '../openstack/lab.ts';

let dir: Promise<string> | undefined;

/** A directory holding openstack-port-cni and osnet-ovs, freshly built; `removeBuiltPlugins` deletes it. */
export function builtPlugins(): Promise<string> {
  dir ??= (async () => {
    const d = await mkdtemp(join(tmpdir(), 'osnet-cni-bin-'));
    for (const name of ['openstack-port-cni', 'osnet-ovs']) {
      const outfile = join(d, name);
      await build(entryOptions(name, join(REPO_ROOT, 'src', 'cmd', `${name}.ts`), outfile));
      await chmod(outfile, 0o755);
    }
    return d;
  })();
  return dir;
}

export async function removeBuiltPlugins(): Promise<void> {
  if (dir) await rm(await dir, { recursive: true, force: true });
  dir = undefined;
}
