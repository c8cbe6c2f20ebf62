/**
 * The web app's server: Next.js behind Kickoff's compression (br and gzip for pages and the
 * JSON API; see lib/api/compression.ts for why it is not Next's own). `--dev` serves with hot
 * reload. Listens on PORT (3000).
 */
import { createServer } from 'node:http';
import next from 'next';
import { kickoffCompression } from '../lib/api/compression.ts';

const dev = process.argv.includes('--dev');
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME ?? '0.0.0.0';

const app = next({ dev, dir: new URL('..', import.meta.url).pathname, port, hostname: 'localhost' });
const handle = app.getRequestHandler();
await app.prepare();

const compress = kickoffCompression();
const server = createServer((request, response) => {
  compress(request as never, response as never, () => void handle(request, response));
});
if (dev) server.on('upgrade', app.getUpgradeHandler());
server.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EADDRINUSE') throw error;
  console.error(`port ${port} is already in use, so the web app cannot listen on it; set PORT to a free port (e.g. PORT=${port + 1})`);
  process.exit(1);
});
server.listen(port, hostname, () => console.log(`web app listening on http://localhost:${port}${dev ? ' (dev)' : ''}`));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.close();
    void app.close().finally(() => process.exit(0));
  });
}
