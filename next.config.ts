import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // A separate build directory lets two builds (e.g. two engineers' browser tests) coexist.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // PGlite ships WASM and data files; load it from node_modules rather than bundling it.
  // undici: its global dispatcher routes paystack-sdk to the sandbox; keep one copy in the process.
  // pino and prom-client: one logger and one metrics registry per process, loaded from node_modules.
  serverExternalPackages: ['@electric-sql/pglite', 'undici', 'paystack-sdk', 'pino', 'pino-pretty', 'prom-client'],
  // One deployable folder (.next/standalone, run with `node server.js`); see README "Production".
  output: 'standalone',
  // Read from disk at start-up (migrations) and by readiness (the journal): not found by tracing.
  outputFileTracingIncludes: { '/**': ['./db/migrations/**/*'] },
  poweredByHeader: false,
  // The insurer's book is uploaded through a server action (lib/book/parse.ts caps it at 30 MB);
  // the proxy buffers request bodies too, so both limits sit just above that.
  experimental: {
    serverActions: { bodySizeLimit: '32mb' },
    proxyClientMaxBodySize: '32mb',
  },
  // Paystack may be configured with a trailing slash on the webhook URL; a 308 redirect would lose
  // the POST. Pages keep their usual slash-less URLs through the redirect below.
  skipTrailingSlashRedirect: true,
  async redirects() {
    return [{ source: '/:path((?!api/).+)/', destination: '/:path', permanent: true }];
  },
  // Built assets skip proxy.ts (which stamps every other response); they get the headers that
  // matter for a script or stylesheet. The CSP and framing rules live on the documents.
  async headers() {
    return [
      {
        source: '/_next/static/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
  async rewrites() {
    return [{ source: '/api/v1/payments/paystack/webhook/', destination: '/api/v1/payments/paystack/webhook' }];
  },
};

export default nextConfig;
