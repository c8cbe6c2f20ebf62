/**
 * The web app's HTTP server: Next.js's request handler behind a plain Node server, so each
 * request carries the address of the TCP peer it came from (`x-kickoff-peer-address`).
 * `next start` cannot give route handlers that: it keeps a client's own `X-Forwarded-For`
 * and drops the socket's address, so a client could name any address it liked. With the
 * peer known, `X-Forwarded-For` is believed only from the proxies in TRUSTED_PROXIES
 * (lib/api/client-address.ts).
 *
 * `node --import tsx scripts/web-server.ts [--dev] [-p PORT]`
 */
import { createServer } from 'node:http';
import next from 'next';
import { peerAddressHeader } from '../lib/api/client-address.ts';

const root = new URL('..', import.meta.url).pathname;
const dev = process.argv.includes('--dev');
const portFlag = process.argv.indexOf('-p');
const port = Number(portFlag >= 0 ? process.argv[portFlag + 1] : (process.env.PORT ?? 3000));
const hostname = 'localhost';

const app = next({ dev, dir: root, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

const server = createServer((request, response) => {
  request.headers[peerAddressHeader] = request.socket.remoteAddress ?? '';
  void handle(request, response);
});
server.listen(port, () => console.log(`web app listening on http://${hostname}:${port}${dev ? ' (development)' : ''}`));

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  // Finish the requests in flight, then leave; a keep-alive connection does not hold us up.
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 5_000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
