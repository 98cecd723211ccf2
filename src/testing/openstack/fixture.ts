/**
 * The set-up every lab integration test repeats, in one place (tests only): open several lab clouds at
 * once, take the same service's client from each, collect undo steps, and at the end undo them newest
 * first and close every cloud that was opened, even when opening another one failed.
 *
 * @example
 *   const lab = labFixture(['lab-demo', 'lab-demo2'], 'network');
 *   let net: ServiceClient;
 *   before(async () => {
 *     [, [net]] = await lab.open();
 *   });
 *   after(() => lab.close());
 */
import type { Cloud } from '../../openstack/client/cloud.ts';
import type { ServiceClient } from '../../openstack/client/service-client.ts';
import { Cleanup } from './cleanup.ts';
import { type LabCloudName, labCloud } from './lab.ts';

export type LabService = 'identity' | 'network';

/** One T for each cloud named, in the order named. */
type Each<N extends readonly LabCloudName[], T> = { [K in keyof N]: T };

export interface LabFixture<N extends readonly LabCloudName[]> {
  /** Undo steps, run by `close` before the clouds are closed. */
  readonly cleanup: Cleanup;
  /** Opens the clouds (authenticated) and returns them with their service clients, in the order named. */
  open(): Promise<[Each<N, Cloud>, Each<N, ServiceClient>]>;
  /** Runs the cleanup, then closes every opened cloud (also when the cleanup failed, whose error it rethrows). */
  close(): Promise<void>;
}

/** A fixture for the lab clouds `names` and their `service` clients; call `open` in `before`, `close` in `after`. */
export function labFixture<const N extends readonly LabCloudName[]>(
  names: N,
  service: LabService,
): LabFixture<N> {
  const cleanup = new Cleanup();
  let opened: Cloud[] = [];
  return {
    cleanup,
    async open() {
      const settled = await Promise.allSettled(names.map((n) => labCloud(n)));
      opened = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      const failed = settled.find((s) => s.status === 'rejected');
      if (failed) throw failed.reason;
      const clients = await Promise.all(opened.map((c) => c.service(service)));
      return [opened as unknown as Each<N, Cloud>, clients as unknown as Each<N, ServiceClient>];
    },
    async close() {
      try {
        await cleanup.run();
      } finally {
        await Promise.all(opened.map((c) => c.close()));
      }
    },
  };
}
