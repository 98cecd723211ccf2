/**
 * The certificates of the policy server's mutual TLS (seed 003: "a script to generate all required certs &
 * keys"), made in process with @peculiar/x509 on Node's WebCrypto: a CA, a server certificate (SAN: the
 * given names plus localhost and 127.0.0.1) and a client certificate, RSA 2048 with SHA-256 (the pinned
 * suite is ECDHE-RSA, so the server key must be RSA). The CA lives ten years or `days`, whichever is
 * longer; the server and client certificates `days` (default 365).
 *
 * @example
 *   const set = await generateCerts({ serverNames: ['policy.example'], days: 365 });
 *   set.files['ca.crt']; // PEM
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as never);

const ALG = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
} as const;

export const CERT_FILES = [
  'ca.crt',
  'ca.key',
  'server.crt',
  'server.key',
  'client.crt',
  'client.key',
] as const;
export type CertFile = (typeof CERT_FILES)[number];

export interface CertOptions {
  /** DNS names or IP addresses of the server, besides localhost and 127.0.0.1. */
  serverNames?: string[];
  /** Lifetime of the server and client certificates, days (default 365). */
  days?: number;
  /** Start of validity (default now, less five minutes for clocks slightly behind). */
  notBefore?: Date;
}

export interface CertSet {
  files: Record<CertFile, string>;
}

const DAY = 86_400_000;

async function keyPair(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
}

async function keyPem(k: webcrypto.CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', k);
  return `${x509.PemConverter.encode(der, 'PRIVATE KEY')}\n`;
}

function serial(): string {
  // positive 127-bit serials (the top bit clear), unique enough that no two certificates share one
  const b = webcrypto.getRandomValues(new Uint8Array(16));
  b[0]! &= 0x7f;
  return Buffer.from(b).toString('hex');
}

export async function generateCerts(o: CertOptions = {}): Promise<CertSet> {
  const days = o.days ?? 365;
  const notBefore = o.notBefore ?? new Date(Date.now() - 5 * 60_000);
  const leafEnd = new Date(notBefore.getTime() + days * DAY);
  const caEnd = new Date(notBefore.getTime() + Math.max(days, 3650) * DAY);
  const [caKeys, serverKeys, clientKeys] = await Promise.all([keyPair(), keyPair(), keyPair()]);

  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=osnet policy CA',
    notBefore,
    notAfter: caEnd,
    signingAlgorithm: ALG,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const leaf = async (
    cn: string,
    keys: webcrypto.CryptoKeyPair,
    usage: string,
    san?: x509.JsonGeneralNames,
  ) =>
    x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: `CN=${cn}`,
      issuer: ca.subject,
      notBefore,
      notAfter: leafEnd,
      signingAlgorithm: ALG,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
          true,
        ),
        new x509.ExtendedKeyUsageExtension([usage]),
        await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        ...(san ? [new x509.SubjectAlternativeNameExtension(san)] : []),
      ],
    });

  const names = [...new Set([...(o.serverNames ?? []), 'localhost', '127.0.0.1'])];
  const san: x509.JsonGeneralNames = names.map((n) =>
    isIP(n) ? { type: 'ip', value: n } : { type: 'dns', value: n },
  );
  const server = await leaf(names[0]!, serverKeys, x509.ExtendedKeyUsage.serverAuth, san);
  const client = await leaf('osnet-policy-client', clientKeys, x509.ExtendedKeyUsage.clientAuth);

  return {
    files: {
      'ca.crt': `${ca.toString('pem')}\n`,
      'ca.key': await keyPem(caKeys.privateKey),
      'server.crt': `${server.toString('pem')}\n`,
      'server.key': await keyPem(serverKeys.privateKey),
      'client.crt': `${client.toString('pem')}\n`,
      'client.key': await keyPem(clientKeys.privateKey),
    },
  };
}
