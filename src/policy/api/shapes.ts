/**
 * Conversions between the wire shapes and the model: request bodies to `Policy` (v1 `ports`, or v0 `port`
 * as start = end), stored policies to the external v1, internal v1 and internal v0 answers, and `?id=a,b`
 * lists. v0 has one port: a range policy shows there as its first port (`port` = `ports.start`), so a v0
 * reader never gets more access than the policy gives.
 *
 * @example
 *   const policies = policiesFromBody(req.body); // throws naming body.policies[i].destination.ports
 *   reply.send({ policies: records.map(toInternalV0) });
 */
import { OsnetError } from '../../lib/errors.ts';
import type { Policy, PolicyRecord } from '../model.ts';
import { GROUP_ID, type PoliciesBody } from './schemas.ts';

const ID = new RegExp(GROUP_ID);

export function policiesFromBody(body: PoliciesBody): Policy[] {
  return body.policies.map((p, i) => {
    const d = p.destination;
    const at = `body.policies[${i}].destination`;
    if (d.ports !== undefined && d.port !== undefined)
      throw new OsnetError('OSNET_ERR_VALIDATION', `${at}: give ports or port, not both`, {
        field: `${at}.port`,
      });
    const ports = d.ports ?? (d.port === undefined ? undefined : { start: d.port, end: d.port });
    if (!ports)
      throw new OsnetError('OSNET_ERR_VALIDATION', `${at}.ports is required`, { field: `${at}.ports` });
    if (ports.start > ports.end)
      throw new OsnetError(
        'OSNET_ERR_VALIDATION',
        `${at}.ports: start ${ports.start} is after end ${ports.end}`,
        {
          field: `${at}.ports.start`,
        },
      );
    return { source: p.source.id, destination: d.id, protocol: d.protocol, ports: { ...ports } };
  });
}

/** `a,b` → ['a', 'b']; absent or empty → undefined (no filter). Each id is checked, naming `field`. */
export function idList(value: string | undefined, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  const ids = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const id of ids)
    if (!ID.test(id))
      throw new OsnetError('OSNET_ERR_VALIDATION', `${field}: ${JSON.stringify(id)} is not a group id`, {
        field,
      });
  if (ids.length > 10_000)
    throw new OsnetError('OSNET_ERR_VALIDATION', `${field}: at most 10000 ids`, { field });
  return ids.length ? ids : undefined;
}

export function toExternal(p: PolicyRecord) {
  return {
    source: { id: p.source },
    destination: {
      id: p.destination,
      protocol: p.protocol,
      ports: { start: p.ports.start, end: p.ports.end },
    },
  };
}

export function toInternalV1(p: PolicyRecord) {
  return {
    source: { id: p.source, tag: p.sourceTag },
    destination: {
      id: p.destination,
      tag: p.destinationTag,
      protocol: p.protocol,
      ports: { start: p.ports.start, end: p.ports.end },
    },
  };
}

export function toInternalV0(p: PolicyRecord) {
  return {
    source: { id: p.source, tag: p.sourceTag },
    destination: { id: p.destination, tag: p.destinationTag, protocol: p.protocol, port: p.ports.start },
  };
}
