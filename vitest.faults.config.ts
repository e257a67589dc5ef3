import { defineConfig } from 'vitest/config';
import path from 'node:path';

// Fault tests: abuse limits, hostile input, gateway faults, crashes and database outages.
export default defineConfig({
  resolve: { alias: { '@': path.resolve(__dirname) } },
  test: {
    include: ['faults/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
