/**
 * The metadata service a real-VM test's guest reaches at 169.254.169.254: run inside the VM's network
 * namespace (`ip netns exec NS node metadata-server.ts DIR ADDR PORT`), it serves DIR/network_data.json
 * (re-read on every request, so the test changes it as Nova does when an interface is attached) and a
 * meta_data.json, and prints one JSON line per request on stdout. Test tooling only.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';

const [dir, addr = '169.254.169.254', port = '80'] = process.argv.slice(2);
if (!dir) throw new Error('usage: metadata-server.ts DIR [ADDR] [PORT]');

const server = createServer(async (req, res) => {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  let status = 200;
  let body: string;
  try {
    if (path === '/openstack/latest/network_data.json')
      body = await readFile(join(dir, 'network_data.json'), 'utf8');
    else if (path === '/openstack/latest/meta_data.json')
      body = await readFile(join(dir, 'meta_data.json'), 'utf8');
    else if (path === '/openstack' || path === '/openstack/') body = 'latest\n';
    else {
      status = 404;
      body = 'not found\n';
    }
  } catch {
    status = 500;
    body = 'unreadable\n';
  }
  res.writeHead(status, { 'content-type': path.endsWith('.json') ? 'application/json' : 'text/plain' });
  res.end(body);
  process.stdout.write(`${JSON.stringify({ t: Date.now(), path, status })}\n`);
});
server.listen(Number(port), addr, () =>
  process.stdout.write(`${JSON.stringify({ listening: `${addr}:${port}` })}\n`),
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
