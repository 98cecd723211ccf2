/**
 * The esbuild options of one executable, shared by scripts/build.ts and tests that bundle an entry point
 * of their own (so what a test runs is built exactly like dist/bin). PER_ENTRY holds what differs per
 * executable: the CNI plugins run once per pod per verb, so their bundles are minified.
 */
import type { BuildOptions } from 'esbuild';

export const PER_ENTRY: Record<string, Partial<BuildOptions>> = {
  'openstack-port-cni': { minify: true },
  'osnet-ovs': { minify: true },
};

export function entryOptions(name: string, entryFile: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entryFile],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: false,
    sourcemap: false,
    legalComments: 'none',
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __osnetCreateRequire } from 'node:module';\nconst require = __osnetCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
    ...PER_ENTRY[name],
  };
}
