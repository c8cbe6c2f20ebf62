/** @type {import('next').NextConfig} */
const nextConfig = {
  // Packages with native or worker code stay outside the server bundle.
  serverExternalPackages: ['bullmq', 'ioredis', 'pg', '@prisma/adapter-pg', 'pino'],
  poweredByHeader: false,
  // scripts/web-server.ts compresses (br and gzip, API answers included); see lib/api/compression.ts.
  compress: false,
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
    ];
  },
};

export default nextConfig;
