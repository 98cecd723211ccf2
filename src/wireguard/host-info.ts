/**
 * What the agent asks of the host itself: the address spokes reach it at (for hub endpoints) and the UDP
 * ports already bound, so each hub gets a listen port of 51820-52819 that nothing else holds.
 *
 * @example
 *   const endpointAddress = await detectEndpointAddress();
 *   const port = await allocatePort(state, hubId);
 */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { OsnetError } from '../lib/errors.ts';
import { Devices } from './device.ts';
import { PORT_MAX, PORT_MIN } from './model.ts';
import type { AgentState } from './state.ts';

/** The host's address for reaching the outside (the default route's source), for hub endpoints. */
export async function detectEndpointAddress(exec = new Devices().exec): Promise<string> {
  for (const probe of ['192.0.2.1', '2001:db8::1']) {
    try {
      const { stdout } = await exec.read(['ip', '-j', 'route', 'get', probe]);
      const [r] = JSON.parse(stdout) as { prefsrc?: string }[];
      if (r?.prefsrc && isIP(r.prefsrc)) return r.prefsrc;
    } catch {
      // no route of this family
    }
  }
  throw new OsnetError(
    'OSNET_ERR_CONFIG',
    'no default route to take the endpoint address from: give --endpoint-address',
    {
      field: 'endpoint-address',
    },
  );
}

/** UDP ports bound in the root namespace (/proc/net/udp and udp6: local address column, port in hex). */
export async function udpPortsInUse(): Promise<Set<number>> {
  const out = new Set<number>();
  for (const f of ['/proc/net/udp', '/proc/net/udp6']) {
    const text = await readFile(f, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const port = line.trim().split(/\s+/)[1]?.split(':')[1];
      if (port) out.add(Number.parseInt(port, 16));
    }
  }
  return out;
}

/** The lowest listen port of the range that no other hub of `state` and no host socket holds. */
export async function allocatePort(state: AgentState, hubId: string): Promise<number> {
  const used = new Set(Object.entries(state.hubs).flatMap(([id, h]) => (id === hubId ? [] : [h.listenPort])));
  // another agent, a wg-quick or any UDP service may hold a port of the range: ask the host
  for (const p of await udpPortsInUse()) used.add(p);
  for (let p = PORT_MIN; p <= PORT_MAX; p++) if (!used.has(p)) return p;
  throw new OsnetError('OSNET_ERR_CONFIG', `no free listen port in ${PORT_MIN}-${PORT_MAX}`, {
    field: 'listen_port',
  });
}
