import { defineConfig } from 'vitest/config';
import path from 'node:path';

export default defineConfig({
  resolve: { alias: { '@': path.resolve(__dirname) } },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'e2e/**', '.next/**', 'faults/**'],
    environment: 'node',
    // Integration tests pay many times per user; the abuse limits have their own fault tests.
    env: { RATE_LIMIT_PAYMENTS_PER_USER: '100000', RATE_LIMIT_PAYMENTS_PER_PHONE: '100000' },
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Integration files each open their own database; keep CPU use sane on 2 cores.
    maxWorkers: 2,
  },
});
