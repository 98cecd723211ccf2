/**
 * NetworkManager keyfiles (`/etc/NetworkManager/system-connections`): `nmcli connection reload`, then
 * `nmcli connection up id <id>` per changed NIC (the id read from its keyfile), `nmcli device reapply` per
 * NIC whose keyfile changed in DNS only (no bounce). DNS is in the keyfiles.
 *
 * @example
 *   networkmanager.apply.driver({ root: '/' }).after({ up: [], down: [], dns: [] }, []); // [['nmcli', 'connection', 'reload']]
 */
import type { FileChange } from '../../apply/files.ts';
import type { GuestFormat } from '../types.ts';
import { renderNetworkManager } from './render.ts';

function connectionId(c: FileChange): string | undefined {
  return c.content ? /^id=(.+)$/m.exec(c.content)?.[1]?.trim() : undefined;
}

export const networkmanager = {
  name: 'networkmanager',
  render: renderNetworkManager,
  apply: {
    kind: 'files',
    driver: () => ({
      before: () => [],
      after: (n, changes) => {
        const ups = changes
          .filter((c) => c.action !== 'remove' && c.nic !== undefined && n.up.includes(c.nic))
          .map((c) => {
            const id = connectionId(c);
            return id ? ['nmcli', 'connection', 'up', 'id', id] : ['nmcli', 'device', 'connect', c.nic!];
          });
        // A NIC to bring up whose keyfile did not change (read back unconfigured): its profile is there.
        const named = new Set(ups.map((u) => u.at(-1)));
        for (const nic of n.up) {
          if (!changes.some((c) => c.nic === nic && c.action !== 'remove') && !named.has(nic))
            ups.push(['nmcli', 'device', 'connect', nic]);
        }
        // reapply takes the reloaded profile's changes onto the active connection without deactivating it.
        const reapply = n.dns.map((nic) => ['nmcli', 'device', 'reapply', nic]);
        return [['nmcli', 'connection', 'reload'], ...ups, ...reapply];
      },
    }),
  },
  ownsDns: () => false,
  installed: ['etc/NetworkManager'],
} as const satisfies GuestFormat;
