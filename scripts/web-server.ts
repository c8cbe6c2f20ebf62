/**
 * The web app's HTTP server: Next.js's request handler behind a plain Node server, for two
 * things `next start` cannot do:
 * - route handlers learn the TCP peer each request came from (`x-kickoff-peer-address`, set
 *   here over anything a client sent): `next start` keeps a client's own `X-Forwarded-For` and
 *   drops the socket's address, so a client could name any address it liked. With the peer
 *   known, `X-Forwarded-For` is believed only from the proxies in TRUSTED_PROXIES
 *   (lib/api/client-address.ts);
 * - br and gzip for pages and the JSON API (lib/api/compression.ts says why not Next's own).
 *
 * `node --import tsx scripts/web-server.ts [--dev] [-p PORT]` (default PORT, else 3000)
 */
import { createServer } from 'node:http';
import next from 'next';
import { peerAddressHeader } from '../lib/api/client-address.ts';
import { kickoffCompression } from '../lib/api/compression.ts';

const root = new URL('..', import.meta.url).pathname;
const dev = process.argv.includes('--dev');
const portFlag = process.argv.indexOf('-p');
const port = Number(portFlag >= 0 ? process.argv[portFlag + 1] : (process.env.PORT ?? 3000));
const hostname = process.env.HOSTNAME ?? '0.0.0.0';

const app = next({ dev, dir: root, hostname: 'localhost', port });
const handle = app.getRequestHandler();
await app.prepare();

const compress = kickoffCompression();
const server = createServer((request, response) => {
  request.headers[peerAddressHeader] = request.socket.remoteAddress ?? '';
  compress(request as never, response as never, () => void handle(request, response));
});
if (dev) server.on('upgrade', app.getUpgradeHandler());
server.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EADDRINUSE') throw error;
  console.error(`port ${port} is already in use, so the web app cannot listen on it; set PORT to a free port (e.g. PORT=${port + 1})`);
  process.exit(1);
});
server.listen(port, hostname, () => console.log(`web app listening on http://localhost:${port}${dev ? ' (dev)' : ''}`));

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  // Finish the requests in flight, then leave; a keep-alive connection does not hold us up.
  server.close(() => void app.close().finally(() => process.exit(0)));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 5_000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
