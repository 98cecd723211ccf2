/**
 * Helpers for the Neutron integration tests (tests only): count the pages a list really fetched, and tag
 * what one run made. Undoing what a test made is cleanup.ts beside this file.
 *
 * @example
 *   const { client, urls } = countingClient(net);
 *   const tag = runTag();
 */
import type { ServiceClient } from '../../openstack/client/service-client.ts';

const VERBS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/**
 * A view of `client` that records every call as "METHOD path" (the verb helpers and `request()` alike, so
 * updates count too), so a test can see each page fetched or that a bulk create was one POST. `urls`
 * holds the GET paths alone.
 */
export function countingClient(client: ServiceClient): {
  client: ServiceClient;
  calls: string[];
  urls: string[];
} {
  const calls: string[] = [];
  const urls: string[] = [];
  const proxy = new Proxy(client, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target) as unknown;
      if (typeof v !== 'function') return v;
      if (typeof prop === 'string' && VERBS.has(prop)) {
        return (path: string, opts?: Parameters<ServiceClient['get']>[1]) => {
          calls.push(`${prop.toUpperCase()} ${path}`);
          if (prop === 'get') urls.push(path);
          return (v as ServiceClient['get']).call(target, path, opts);
        };
      }
      // updates (resource.ts) and HEAD calls go straight to request(); get/post/... reach it on the
      // target, not through this proxy, so nothing is counted twice
      if (prop === 'request') {
        return (...[method, path, opts]: Parameters<ServiceClient['request']>) => {
          calls.push(`${method.toUpperCase()} ${path}`);
          if (method.toUpperCase() === 'GET') urls.push(path);
          return (v as ServiceClient['request']).call(target, method, path, opts);
        };
      }
      return v.bind(target);
    },
  });
  return { client: proxy, calls, urls };
}

/** A random tag unique to one test run, to filter lists down to what this test made. */
export function runTag(): string {
  return `t-run-${Math.random().toString(36).slice(2, 10)}`;
}
