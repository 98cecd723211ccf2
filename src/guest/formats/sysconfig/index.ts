/**
 * RHEL sysconfig (`/etc/sysconfig/network-scripts`): through NetworkManager when it is present (RHEL 8+:
 * `nmcli connection reload`, `nmcli device connect` per NIC), else `ifdown`/`ifup` per NIC. DNS is in
 * the ifcfg files.
 *
 * @example
 *   sysconfig.apply.driver({ root: '/', sysconfigViaNm: false }).after({ up: ['eth1'], down: [], dns: [] }, []);
 *   // [['ifup', 'eth1']]
 */
import { existsSync } from 'node:fs';
import type { GuestFormat } from '../types.ts';
import { renderSysconfig } from './render.ts';

export const sysconfig = {
  name: 'sysconfig',
  render: renderSysconfig,
  apply: {
    kind: 'files',
    driver: (opts) => {
      const viaNm =
        opts.sysconfigViaNm ?? (existsSync('/usr/bin/nmcli') && existsSync('/etc/NetworkManager'));
      if (viaNm) {
        return {
          before: () => [],
          after: (n) => [
            ['nmcli', 'connection', 'reload'],
            ...n.up.map((nic) => ['nmcli', 'device', 'connect', nic]),
            ...n.dns.map((nic) => ['nmcli', 'device', 'reapply', nic]),
          ],
        };
      }
      return {
        before: (n) => n.down.map((nic) => ['ifdown', nic]),
        after: (n) => n.up.map((nic) => ['ifup', nic]),
      };
    },
  },
  ownsDns: () => false,
} as const satisfies GuestFormat;
