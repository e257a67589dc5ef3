// Every browser test runs under the app's Content-Security-Policy: this fixture fails a test if any
// page it opened (in the default context or any context it created) logs a CSP violation.
import { test as base, expect, type BrowserContext } from '@playwright/test';

export { expect };
export type { Browser, BrowserContextOptions, Page } from '@playwright/test';

export const test = base.extend<{ cspWatch: void }>({
  cspWatch: [
    async ({ browser, context }, use, testInfo) => {
      const violations: string[] = [];
      const watch = (ctx: BrowserContext) => {
        const attach = (page: import('@playwright/test').Page) =>
          page.on('console', (msg) => {
            if (/Content Security Policy/i.test(msg.text())) violations.push(`${page.url()}: ${msg.text()}`);
          });
        ctx.pages().forEach(attach);
        ctx.on('page', attach);
      };
      watch(context);
      const newContext = browser.newContext.bind(browser);
      browser.newContext = async (...args: Parameters<typeof browser.newContext>) => {
        const ctx = await newContext(...args);
        watch(ctx);
        return ctx;
      };
      await use();
      browser.newContext = newContext;
      if (violations.length) await testInfo.attach('csp-violations', { body: violations.join('\n') });
      expect(violations, 'Content-Security-Policy violations in the browser console').toEqual([]);
    },
    { auto: true },
  ],
});
