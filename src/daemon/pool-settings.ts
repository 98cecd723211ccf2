/**
 * `--pool-network NETWORK:min=N,batch=N,max=N` (repeatable; comma-less pairs after the colon, any subset):
 * the pool sizes of one network over the global `--pool-min/--pool-batch/--pool-max`. A busy network can
 * keep a deeper pool than the rest. Bad input names the flag and the part.
 *
 * @example
 *   parsePoolNetwork('9b1c…:min=8,batch=16', {}); // { '9b1c…': { min: 8, batch: 16 } }
 */
import { OsnetError } from '../lib/errors.ts';
import type { PoolSizes } from './pool.ts';

const FLAG = '--pool-network';
const KEYS = new Set(['min', 'batch', 'max']);

export function parsePoolNetwork(
  v: string,
  prev: Record<string, Partial<PoolSizes>> | undefined,
): Record<string, Partial<PoolSizes>> {
  const out = { ...(prev ?? {}) };
  // from the environment or a file: several specs separated by ';' or whitespace
  for (const spec of v.split(/[;\s]+/).filter(Boolean)) {
    const at = spec.indexOf(':');
    const net = at > 0 ? spec.slice(0, at) : '';
    if (!/^[0-9a-fA-F-]{1,64}$/.test(net))
      throw new OsnetError(
        'OSNET_ERR_VALIDATION',
        `${FLAG} ${spec}: expected NETWORK_ID:min=N,batch=N,max=N`,
        {
          field: FLAG,
        },
      );
    const sizes: Partial<PoolSizes> = { ...out[net] };
    for (const pair of spec.slice(at + 1).split(',')) {
      const [k, n] = pair.split('=');
      if (!k || !KEYS.has(k) || n === undefined || !/^[0-9]{1,6}$/.test(n))
        throw new OsnetError(
          'OSNET_ERR_VALIDATION',
          `${FLAG} ${spec}: ${JSON.stringify(pair)} is not min|batch|max=N`,
          {
            field: `${FLAG}.${k || 'size'}`,
          },
        );
      sizes[k as keyof PoolSizes] = Number(n);
    }
    out[net] = sizes;
  }
  return out;
}
