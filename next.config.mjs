/** @type {import('next').NextConfig} */
const nextConfig = {
  // Packages with native or worker code stay outside the server bundle.
  serverExternalPackages: ['bullmq', 'ioredis', 'pg', '@prisma/adapter-pg', 'pino'],
  poweredByHeader: false,
  typescript: { ignoreBuildErrors: true }, // `npm run typecheck` runs tsc over the whole tree
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Referrer-Policy', value: 'same-origin' },
          { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
        ],
      },
      {
        // Lets Next's own compression gzip the scrape. Next 16.4 copies a route handler's headers
        // as arrays, which its compression middleware reads as "not compressible" (vercel/next.js
        // #98007), and it drops a Content-Encoding the route sets itself; a content type set here
        // is a plain string, and the route's copy of the same value is then left alone. Only
        // with a key, so an unauthenticated request's JSON 401 keeps its own content type.
        source: '/api/metrics',
        has: [{ type: 'header', key: 'authorization' }],
        headers: [{ key: 'Content-Type', value: 'text/plain; version=0.0.4; charset=utf-8' }],
      },
    ];
  },
};

export default nextConfig;
