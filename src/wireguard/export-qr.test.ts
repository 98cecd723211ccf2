// The QR codes of `osnet wg export --qr / --png`, read back with a QR decoder (jsQR): a phone must get
// exactly the config from either, and the PNG may carry a private key, so it is 0600.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { qrTerminal, writeQrPng } from './export.ts';
import { generateKeyPair } from './keys.ts';

// jsqr is CommonJS typed as an ES default export: under nodenext the default import may be the module
const jsQR = ((jsqr as { default?: unknown }).default ?? jsqr) as typeof jsqr.default;
const TOKENS = new RegExp(`${String.fromCharCode(27)}\\[([0-9]+)m|(\\n)|(.)`, 'gsu');
const hub = generateKeyPair().publicKey;
const conf = [
  '[Interface]',
  `PrivateKey = ${generateKeyPair().privateKey}`,
  'Address = 10.240.0.10/24, fd24:0:0:1::10/64',
  '',
  '[Peer]',
  `PublicKey = ${hub}`,
  'Endpoint = [2001:db8::4]:51820',
  'AllowedIPs = 10.240.0.0/24, fd24:0:0:1::/64',
  'PersistentKeepalive = 25',
  '',
].join('\n');

/**
 * The terminal code as an RGBA image: each character is two modules (▀ top, ▄ bottom, █ both) drawn in the
 * current foreground colour: black (30) is dark; white (37, on the code's edge rows) and reset are light.
 */
function terminalImage(text: string): { data: Uint8ClampedArray; width: number; height: number } {
  const rows: boolean[][][] = [[]];
  let fg = '';
  for (const m of text.matchAll(TOKENS)) {
    if (m[1] !== undefined) fg = m[1] === '0' ? '' : m[1] === '30' || m[1] === '37' ? m[1] : fg;
    else if (m[2]) rows.push([]);
    else {
      const ch = m[3]!;
      const dark = fg === '30';
      rows.at(-1)!.push([dark && (ch === '▀' || ch === '█'), dark && (ch === '▄' || ch === '█')]);
    }
  }
  const lines = rows.filter((r) => r.length > 0);
  const cols = Math.max(...lines.map((r) => r.length));
  const scale = 4;
  const quiet = 4;
  const width = (cols + 2 * quiet) * scale;
  const height = (lines.length * 2 + 2 * quiet) * scale;
  const data = new Uint8ClampedArray(width * height * 4).fill(255);
  lines.forEach((row, y) => {
    row.forEach((halves, x) => {
      halves.forEach((d, half) => {
        if (!d) return;
        for (let dy = 0; dy < scale; dy++)
          for (let dx = 0; dx < scale; dx++) {
            const i = (((y * 2 + half + quiet) * scale + dy) * width + (x + quiet) * scale + dx) * 4;
            data.fill(0, i, i + 3);
          }
      });
    });
  });
  return { data, width, height };
}

test('export QR: the PNG (mode 0600) and the terminal code both read back as the config', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'osnet-wg-qr-'));
  try {
    const file = join(dir, 'spoke.png');
    await writeQrPng(file, conf);
    assert.equal(((await stat(file)).mode & 0o777).toString(8), '600');
    const png = PNG.sync.read(await readFile(file));
    assert.equal(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data, conf);

    const img = terminalImage(await qrTerminal(conf));
    assert.equal(jsQR(img.data, img.width, img.height)?.data, conf);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
