import type { IncomingMessage, ServerResponse } from 'node:http';
import compression from 'compression';
import { bodyBytesHeader, compressMinBytes, isCompressibleType } from './http-conventions.ts';

/**
 * br or gzip for what the web server sends (the `compression` middleware: `Accept-Encoding`
 * with its q-values, br first, `Vary: Accept-Encoding`, never for HEAD). It runs in the web
 * server around Next.js because Next 16 cannot compress a route handler's answer: its
 * built-in compression skips them (it stores their Content-Type as an array, which reads as
 * not compressible: vercel/next.js#98007), and it drops a Content-Encoding a route sets.
 */
export function kickoffCompression() {
  return compression({
    threshold: compressMinBytes,
    filter: (request: IncomingMessage, response: ServerResponse) => {
      const type = [response.getHeader('content-type')].flat()[0];
      if (typeof type === 'string') response.setHeader('Content-Type', type);
      // An API answer states its size (Next drops Content-Length); pages stream and are always large enough.
      const bytes = Number([response.getHeader(bodyBytesHeader)].flat()[0]);
      response.removeHeader(bodyBytesHeader);
      if (Number.isFinite(bytes) && bytes > 0 && bytes < compressMinBytes) return false;
      return isCompressibleType(typeof type === 'string' ? type : undefined) && compression.filter(request as never, response as never);
    },
  });
}
