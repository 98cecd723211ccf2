/**
 * Plain `ip`: rendered as a script for `render`, but applied live (apply.ts): no files but
 * /etc/resolv.conf, since nothing else on the system would set DNS.
 *
 * @example
 *   await ip.apply.run(cfg, { stateFile: '/var/lib/osnet-guest/ip-state.json' }); // { touched: ['eth1'], ... }
 */
import type { GuestFormat } from '../types.ts';
import { applyIp } from './apply.ts';
import { renderIp } from './render.ts';

export const ip = {
  name: 'ip',
  render: renderIp,
  apply: { kind: 'live', run: applyIp },
  ownsDns: () => true,
} as const satisfies GuestFormat;
