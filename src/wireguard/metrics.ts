/**
 * The agent's Prometheus metrics, from each pass: per spoke the latest handshake, bytes and up/down (the
 * names wg-portal and prometheus_wireguard_exporter users know), per pass its writes and duration.
 *
 * @example
 *   const m = agentMetrics(ctx.prom, ctx.metrics);
 *   m.record(result, seconds);
 */
import type { Registry } from 'prom-client';
import type { PromClient } from '../service/service.ts';
import type { PassResult } from './agent.ts';

export function agentMetrics(prom: PromClient, registry: Registry) {
  const labels = ['hub', 'spoke', 'public_key'] as const;
  const r = [registry];
  const peerGauge = (name: string, help: string) =>
    new prom.Gauge({ name, help, labelNames: labels, registers: r });
  const handshake = peerGauge(
    'wireguard_peer_last_handshake_seconds',
    'Unix time of the latest handshake (0: never)',
  );
  const rx = peerGauge('wireguard_peer_receive_bytes_total', 'Bytes received from the peer');
  const tx = peerGauge('wireguard_peer_transmit_bytes_total', 'Bytes sent to the peer');
  const up = peerGauge('osnet_wg_peer_up', '1 while the latest handshake is recent');
  const passes = new prom.Counter({
    name: 'osnet_wg_passes_total',
    help: 'Reconcile passes',
    labelNames: ['result'],
    registers: r,
  });
  const writes = new prom.Counter({
    name: 'osnet_wg_writes_total',
    help: 'Writes made by passes',
    labelNames: ['target'],
    registers: r,
  });
  const duration = new prom.Gauge({
    name: 'osnet_wg_pass_seconds',
    help: 'Duration of the latest pass',
    registers: r,
  });
  return {
    record(res: PassResult, seconds: number): void {
      for (const g of [handshake, rx, tx, up]) g.reset();
      for (const p of res.peers) {
        const l = { hub: p.hub, spoke: p.spoke, public_key: p.publicKey };
        handshake.set(l, p.lastHandshakeSec);
        rx.set(l, p.rxBytes);
        tx.set(l, p.txBytes);
        up.set(l, p.up ? 1 : 0);
      }
      passes.inc({ result: res.failures.length ? 'failed' : 'ok' });
      writes.inc({ target: 'neutron' }, res.neutronWrites);
      writes.inc({ target: 'kernel' }, res.kernelWrites);
      duration.set(seconds);
    },
  };
}
