/**
 * The UAPI client against a fake device socket: a fake because wireguard-go's moment between creating its socket
 * file and serving it (seen once as ECONNRESET in the demo) cannot be produced on demand.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { after, test } from 'node:test';
import { SOCKET_DIR, socketPath, uapiGet, uapiSet } from './uapi.ts';

const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

/** A device socket that resets the first `resets` connections, then answers like wireguard-go. */
async function fakeDevice(ifname: string, resets: number, answer = 'errno=0\n\n') {
  await mkdir(SOCKET_DIR, { recursive: true });
  const seen: string[] = [];
  let connections = 0;
  const server = createServer((c: Socket) => {
    connections++;
    if (connections <= resets) {
      // closed before answering, as a device that is not serving yet does
      c.pause();
      setTimeout(() => c.destroy(), 20);
      return;
    }
    let buf = '';
    c.on('data', (d) => {
      buf += d.toString();
      if (buf.endsWith('\n\n')) {
        seen.push(buf);
        c.end(buf.startsWith('get=1') ? `listen_port=51820\n${answer}` : answer);
      }
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(socketPath(ifname), r));
  return { seen, connections: () => connections };
}

test('a device that resets the connection before answering is asked again; the request is sent whole once answered', async () => {
  const dev = await fakeDevice(`osnt-r${process.pid}`, 2);
  const got = await uapiGet(`osnt-r${process.pid}`);
  assert.equal(got.listenPort, 51820);
  assert.equal(dev.connections(), 3);
  await uapiSet(`osnt-r${process.pid}`, ['listen_port=51821']);
  assert.deepEqual(dev.seen, ['get=1\n\n', 'set=1\nlisten_port=51821\n\n']);
});

test('a device that keeps resetting fails with the interface named; an errno answer is not retried', async () => {
  const name = `osnt-x${process.pid}`;
  const dev = await fakeDevice(name, 100);
  await assert.rejects(uapiGet(name), new RegExp(`${name}: UAPI socket`));
  assert.equal(dev.connections(), 8, 'a bounded number of tries');
  const refused = `osnt-e${process.pid}`;
  const bad = await fakeDevice(refused, 0, 'errno=-22\n\n');
  await assert.rejects(uapiSet(refused, ['listen_port=0']), /errno=-22/);
  assert.equal(bad.connections(), 1);
});
