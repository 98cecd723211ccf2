/**
 * The default-route metric policy. A guest with default routes on several NICs must not leave the choice
 * to whichever NIC came up last, so every NIC that can carry a default route in a family gets a metric by
 * its position in `links[]` among such NICs: the first gets 100, the next 200, and so on. The lowest metric
 * wins, so the first NIC in Nova's link order is the preferred exit, the others stand by.
 *
 * A NIC "can carry a default route" in a family when one of its networks of that family has a gateway
 * (static route to 0.0.0.0/0 or ::/0) or is configured dynamically (DHCPv4, DHCPv6, SLAAC: the route then
 * comes from the server or router advertisement, and renderers pass the metric to the DHCP/RA client).
 * Metrics given explicitly in the input are kept. Non-default routes get no metric.
 *
 * @example
 *   const cfg = applyRoutePolicy(parsed);
 *   cfg.networks[0]?.metric; // 100
 */
import { isDefaultRoute } from './routes.ts';
import type { Network, NetworkConfig } from './types.ts';

/** Metric step between NICs; leaves room for a local admin to slot routes in between. */
export const METRIC_STEP = 100;

function carriesDefault(n: Network): boolean {
  if (n.gateway) return true;
  return n.type !== 'ipv4' && n.type !== 'ipv6';
}

/** The metric the policy gives to default routes of `linkId` in `family`, or undefined if it has none. */
export function defaultRouteMetric(cfg: NetworkConfig, linkId: string, family: 4 | 6): number | undefined {
  const ranked = cfg.links
    .map((l) => l.id)
    .filter((id) => cfg.networks.some((n) => n.link === id && n.family === family && carriesDefault(n)));
  const rank = ranked.indexOf(linkId);
  return rank < 0 ? undefined : (rank + 1) * METRIC_STEP;
}

/** Returns a copy of `cfg` with `Network.metric` and the metric of every default route filled in. */
export function applyRoutePolicy(cfg: NetworkConfig): NetworkConfig {
  const networks = cfg.networks.map((n) => {
    const metric = carriesDefault(n) ? defaultRouteMetric(cfg, n.link, n.family) : undefined;
    if (metric === undefined) return { ...n, routes: n.routes.map((r) => ({ ...r })) };
    const routes = n.routes.map((r) =>
      isDefaultRoute(r) && r.metric === undefined ? { ...r, metric } : { ...r },
    );
    return { ...n, metric, routes };
  });
  return { ...cfg, networks };
}
