/**
 * TLS settings of an osnet listener. `serverTls`: server-authenticated HTTPS with Node's defaults.
 * `mutualTls`: a client certificate is required and checked against `ca`, and by default only TLS 1.2 with
 * exactly ECDHE-RSA-AES128-GCM-SHA256 is offered: TLS 1.3's suites are chosen by another setting
 * (`ciphersuites`), so allowing 1.3 would silently bypass a pinned 1.2 cipher (the public policy server
 * documents the pin and still accepts TLS 1.3). Both are configurable.
 *
 * @example
 *   const opts = tlsOptions(mutualTls({ ca, cert, key }));
 */
import type { SecureVersion, TlsOptions } from 'node:tls';

export interface ServerTls {
  cert: string | Buffer;
  key: string | Buffer;
  minVersion?: SecureVersion;
  maxVersion?: SecureVersion;
  /** OpenSSL cipher list for TLS 1.2 and below. */
  ciphers?: string;
}

export interface MutualTls extends ServerTls {
  /** CA certificate(s) that client certificates must chain to. */
  ca: string | Buffer;
  mutual: true;
}

export const PINNED_VERSION: SecureVersion = 'TLSv1.2';
export const PINNED_CIPHER = 'ECDHE-RSA-AES128-GCM-SHA256';

export function serverTls(o: Omit<ServerTls, never>): ServerTls {
  return { ...o };
}

export function mutualTls(o: Omit<MutualTls, 'mutual'>): MutualTls {
  return {
    minVersion: PINNED_VERSION,
    maxVersion: PINNED_VERSION,
    ciphers: PINNED_CIPHER,
    ...o,
    mutual: true,
  };
}

/** The node:tls options of a listener. */
export function tlsOptions(t: ServerTls | MutualTls): TlsOptions {
  const out: TlsOptions = { cert: t.cert, key: t.key, honorCipherOrder: true };
  if (t.minVersion) out.minVersion = t.minVersion;
  if (t.maxVersion) out.maxVersion = t.maxVersion;
  if (t.ciphers) out.ciphers = t.ciphers;
  if ('mutual' in t) {
    out.ca = t.ca;
    out.requestCert = true;
    out.rejectUnauthorized = true;
  }
  return out;
}
