/**
 * A policy server in this process for the API tests and the bench (tests only): the internal API over
 * mutual TLS with the given server certificate, on a free loopback port, the external API (plain HTTP on
 * loopback) when `tokens` are given, silent logs, a registry of its own.
 *
 * @example
 *   const s = await startInProcessPolicyServer({ repo, pem: { ca, cert, key } });
 *   await fetch(`${s.internalUrl}/networking/v1/internal/policies`, ...); await s.server.close();
 */
import * as prom from 'prom-client';
import { silentLogger } from '../../lib/log.ts';
import type { TokenValidator } from '../../policy/api/auth.ts';
import type { PolicyRepo } from '../../policy/model.ts';
import { type PolicyServer, startPolicyServer } from '../../policy/server.ts';
import { mutualTls } from '../../server/tls.ts';

export interface InProcessPolicyServer {
  server: PolicyServer;
  /** `https://127.0.0.1:<port>` */
  internalUrl: string;
  /** `http://127.0.0.1:<port>`, when `tokens` were given. */
  externalUrl: string | undefined;
}

const noExternal: TokenValidator = { validate: () => Promise.reject(new Error('no external API here')) };

export async function startInProcessPolicyServer(o: {
  repo: PolicyRepo;
  /** The internal API's CA (client certificates chain to it), server certificate and key (PEM). */
  pem: { ca: string | Buffer; cert: string | Buffer; key: string | Buffer };
  /** Given: the external API runs too, validating tokens with these. */
  tokens?: TokenValidator;
}): Promise<InProcessPolicyServer> {
  const server = await startPolicyServer({
    repo: o.repo,
    tokens: o.tokens ?? noExternal,
    log: silentLogger,
    prom,
    metrics: new prom.Registry(),
    internal: { listen: '127.0.0.1:0', tls: mutualTls(o.pem) },
    ...(o.tokens ? { external: { listen: '127.0.0.1:0' } } : {}),
  });
  const port = (a: unknown) => (a as { port: number }).port;
  return {
    server,
    internalUrl: `https://127.0.0.1:${port(server.internal)}`,
    externalUrl: server.external ? `http://127.0.0.1:${port(server.external)}` : undefined,
  };
}
