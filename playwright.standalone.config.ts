// The standalone smoke test: the same browser set-up as playwright.config.ts, but the server is
// the deployable artifact (`node server.js` from a copied .next/standalone), see scripts/e2e-server.ts.
import { defineConfig } from '@playwright/test';
import base from './playwright.config';

export default defineConfig({
  ...base,
  testDir: './smoke',
  // Its own folder: Playwright empties its output folder first, and the main suite's screenshots
  // (test-results/screenshots) must survive this run.
  outputDir: `${process.env.E2E_OUTPUT_DIR || './test-results'}/standalone`,
  webServer: { ...base.webServer!, env: { ...(base.webServer as { env?: Record<string, string> }).env, E2E_STANDALONE: '1', METRICS_TOKEN: 'smoke-metrics-token' } } as typeof base.webServer,
});
