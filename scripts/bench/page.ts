// Part 4 — the pay pages on a phone, in headless Chromium (Debian's /usr/bin/chromium).
//  - First-load JavaScript: every JS response the page fetched before it was hydrated, its bytes
//    gzipped here at level 9 (the figure bundle-size tools quote), and what the server actually
//    sent (encodedBodySize). Scripts fetched after hydration (link prefetches) are listed apart.
//  - Time to a usable page on a slow phone: CDP network emulation (400 ms latency, 400 kbit/s
//    each way) and 4× CPU throttling, cold cache, from navigation start (the page's
//    performance.timeOrigin). Two times are recorded:
//    * usable: the page's control works without JavaScript and has been painted. For the pay form:
//      the pay button is in the DOM, visible, enabled, inside a form that posts without JavaScript
//      (method POST carrying React's server-action fields, $ACTION_*), and the first contentful
//      paint has happened (Chromium paints only once the render-blocking CSS is in). That such a
//      form really pays is what e2e/pay-without-js.spec.ts checks, with JavaScript off. For the
//      M-Pesa status page: the status is drawn with its plain "Check again" link. If the no-JS
//      condition never holds, usable is the hydration time (the page needs its JavaScript).
//    * hydrated: <html data-hydrated="1"> set by components/payments/hydration-marker.tsx when it
//      is mounted; until then, React's own __reactProps$ key appearing on the element (React
//      hydrated that element).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium, devices, type Browser, type BrowserContext, type Page } from '@playwright/test';
import type { BenchConfig } from './config';
import type { Session } from './http';
import { summarize, type Summary } from './stats';

const SLOW = { latency: 400, bytesPerSecond: (400 * 1000) / 8, cpuSlowdown: 4 };

type Target = {
  name: string;
  route: string;
  path: string;
  /** The element whose hydration (React props) is the fallback hydration signal. */
  selector: string;
  /** The control that must work without JavaScript, and how that is recognised. */
  usable: { selector: string; works: 'form-post' | 'link' };
  markerFile: string;
};

export type PageResult = {
  name: string;
  path: string;
  firstLoad: { files: number; gzipBytes: number; rawBytes: number; servedBytes: number };
  afterHydration: { files: number; gzipBytes: number };
  /** Navigation start to a painted control that works without JavaScript (or hydration, if sooner). */
  usableMs: Summary;
  /** How many of the runs were usable before hydration (the no-JS condition held first). */
  usableBeforeHydration: number;
  usableWhat: string;
  hydratedMs: Summary;
  /** When the HTML had fully arrived (responseEnd): emulated latency shows there, not in responseStart. */
  htmlMs: Summary;
  signal: 'marker' | 'react-props';
};

export type PageResults = { pages: PageResult[]; runs: number; conditions: string };

type Stamp = { marker?: number; props?: number; noJs?: number; paint?: number };

/**
 * Runs in the page before any of its scripts: records (page clock) when each hydration signal
 * appears, when the no-JS control is there (noJs) and the first contentful paint (paint).
 */
export function initScript(selector: string, usable: Target['usable']) {
  return `(() => {
    const stamp = (window.__benchHydration = {});
    const works = ${JSON.stringify(usable.works)};
    const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
    const usable = () => {
      const el = document.querySelector(${JSON.stringify(usable.selector)});
      if (!el || !shown(el)) return false;
      if (works === 'link') return el.tagName === 'A' && /^\\/[^#]/.test(el.getAttribute('href') || '');
      const form = el.form;
      // getAttribute: a control named "method" (the pay form has one) shadows form.method.
      const post = !!form && (form.getAttribute('method') || '').toLowerCase() === 'post';
      return !el.disabled && post && !!form.querySelector('input[type="hidden"][name^="$ACTION_"]');
    };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === 'first-contentful-paint' && stamp.paint === undefined) stamp.paint = e.startTime;
    }).observe({ type: 'paint', buffered: true });
    const check = () => {
      const root = document.documentElement;
      if (stamp.marker === undefined && root && root.dataset.hydrated === '1') stamp.marker = performance.now();
      const el = stamp.props === undefined && document.querySelector(${JSON.stringify(selector)});
      if (el && Object.keys(el).some((k) => k.startsWith('__reactProps$'))) stamp.props = performance.now();
      if (stamp.noJs === undefined && usable()) stamp.noJs = performance.now();
      return stamp.marker !== undefined && stamp.props !== undefined && stamp.noJs !== undefined;
    };
    const observer = new MutationObserver(() => check() && observer.disconnect());
    observer.observe(document, { attributes: true, childList: true, subtree: true });
    const timer = setInterval(() => check() && (clearInterval(timer), observer.disconnect()), 20);
  })();`;
}

/** Whether the marker is mounted in the component that renders this page's interactive part. */
function markerMounted(cfg: BenchConfig, file: string) {
  try {
    return /<HydrationMarker\b/.test(fs.readFileSync(path.join(cfg.root, file), 'utf8'));
  } catch {
    return false;
  }
}

async function newPhoneContext(browser: Browser, cfg: BenchConfig, session: Session) {
  const context = await browser.newContext({ ...devices['Pixel 7'] });
  await context.addCookies(session.cookies.map((c) => ({ name: c.name, value: c.value, url: cfg.appUrl })));
  return context;
}

async function waitHydrated(page: Page, signal: PageResult['signal']): Promise<number> {
  const key = signal === 'marker' ? 'marker' : 'props';
  await page.waitForFunction((k) => (window as unknown as { __benchHydration?: Stamp }).__benchHydration?.[k as keyof Stamp] !== undefined, key, {
    timeout: 90_000,
    polling: 50,
  });
  return page.evaluate((k) => (window as unknown as { __benchHydration: Stamp }).__benchHydration[k as keyof Stamp]!, key);
}

/**
 * After hydration: when the page became usable. The no-JS control counts once painted (first
 * contentful paint); a hydrated page counts too, whichever came first.
 */
async function usableAt(page: Page, hydrated: number): Promise<{ ms: number; beforeHydration: boolean }> {
  // Paint entries are delivered asynchronously: give the observer a moment.
  await page.waitForFunction(() => (window as unknown as { __benchHydration?: Stamp }).__benchHydration?.paint !== undefined, undefined, {
    timeout: 5000,
    polling: 50,
  }).catch(() => {});
  const stamp = await page.evaluate(() => (window as unknown as { __benchHydration: Stamp }).__benchHydration);
  const paint = stamp.paint ?? hydrated;
  const noJs = stamp.noJs === undefined ? Infinity : Math.max(stamp.noJs, paint);
  const withJs = Math.max(hydrated, paint);
  return noJs < withJs ? { ms: noJs, beforeHydration: true } : { ms: withJs, beforeHydration: false };
}

/** One unthrottled load: which scripts, how big. */
async function measureScripts(browser: Browser, cfg: BenchConfig, session: Session, t: Target, signal: PageResult['signal']) {
  const context = await newPhoneContext(browser, cfg, session);
  try {
    const page = await context.newPage();
    await page.addInitScript({ content: initScript(t.selector, t.usable) });
    const bodies = new Map<string, Promise<Buffer>>();
    page.on('response', (r) => {
      const type = r.headers()['content-type'] ?? '';
      if (r.url().startsWith(cfg.appUrl) && (type.includes('javascript') || r.request().resourceType() === 'script')) {
        bodies.set(r.url(), r.body());
      }
    });
    const res = await page.goto(`${cfg.appUrl}${t.path}`, { waitUntil: 'commit' });
    if (!res || res.status() !== 200 || new URL(page.url()).pathname !== t.path) {
      throw new Error(`${t.path}: HTTP ${res?.status()} at ${page.url()} (not signed in, or the fixture is wrong)`);
    }
    const hydratedAt = await waitHydrated(page, signal);
    await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => {});
    const entries = await page.evaluate(() =>
      performance.getEntriesByType('resource').map((e) => {
        const r = e as PerformanceResourceTiming;
        return { url: r.name, start: r.startTime, encoded: r.encodedBodySize };
      }),
    );
    const firstLoad = { files: 0, gzipBytes: 0, rawBytes: 0, servedBytes: 0 };
    const afterHydration = { files: 0, gzipBytes: 0 };
    for (const [url, body] of bodies) {
      const bytes = await body.catch(() => Buffer.alloc(0));
      const gz = zlib.gzipSync(bytes, { level: 9 }).length;
      const entry = entries.find((e) => e.url === url);
      if (!entry || entry.start <= hydratedAt) {
        firstLoad.files++;
        firstLoad.gzipBytes += gz;
        firstLoad.rawBytes += bytes.length;
        firstLoad.servedBytes += entry?.encoded ?? 0;
      } else {
        afterHydration.files++;
        afterHydration.gzipBytes += gz;
      }
    }
    return { firstLoad, afterHydration };
  } finally {
    await context.close();
  }
}

/** One cold, throttled load: ms from navigation start to usable, to hydration, and to the whole HTML. */
async function slowLoad(browser: Browser, cfg: BenchConfig, session: Session, t: Target, signal: PageResult['signal']) {
  const context: BrowserContext = await newPhoneContext(browser, cfg, session);
  try {
    const page = await context.newPage();
    await page.addInitScript({ content: initScript(t.selector, t.usable) });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: SLOW.latency,
      downloadThroughput: SLOW.bytesPerSecond,
      uploadThroughput: SLOW.bytesPerSecond,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: SLOW.cpuSlowdown });
    await page.goto(`${cfg.appUrl}${t.path}`, { waitUntil: 'commit', timeout: 90_000 });
    const hydrated = await waitHydrated(page, signal);
    const usable = await usableAt(page, hydrated);
    const html = await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).responseEnd);
    return { usable, hydrated, html };
  } finally {
    await context.close();
  }
}

export async function runPageBench(
  cfg: BenchConfig,
  session: Session,
  paths: { policyId: string; paymentId: string },
  log: (s: string) => void,
): Promise<PageResults> {
  const targets: Target[] = [
    {
      name: 'Pay premium',
      route: '/pay/[policyId]',
      path: `/pay/${paths.policyId}`,
      selector: 'form:has(input[name="policyId"]) button[type="submit"]',
      usable: { selector: 'form:has(input[name="policyId"]) button[type="submit"]', works: 'form-post' },
      markerFile: 'components/payments/pay-form-client.tsx',
    },
    {
      name: 'M-Pesa status',
      route: '/pay/mpesa/[transactionId]',
      path: `/pay/mpesa/${paths.paymentId}`,
      selector: '[data-testid="mpesa-status"]',
      usable: { selector: '[data-testid="mpesa-status"] [data-testid="check-again"]', works: 'link' },
      markerFile: 'components/payments/mpesa-live.tsx',
    },
  ];
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const pages: PageResult[] = [];
    for (const t of targets) {
      const signal: PageResult['signal'] = markerMounted(cfg, t.markerFile) ? 'marker' : 'react-props';
      // An unthrottled load first also warms the server's route, so throttled runs time the phone.
      const sizes = await measureScripts(browser, cfg, session, t, signal);
      const runs: { usable: { ms: number; beforeHydration: boolean }; hydrated: number; html: number }[] = [];
      for (let i = 0; i < cfg.counts.pageRuns; i++) runs.push(await slowLoad(browser, cfg, session, t, signal));
      const result: PageResult = {
        name: t.name,
        path: t.route,
        ...sizes,
        usableMs: summarize(runs.map((r) => r.usable.ms)),
        usableBeforeHydration: runs.filter((r) => r.usable.beforeHydration).length,
        usableWhat: t.usable.works === 'form-post' ? 'pay button in a form that posts without JS' : 'status with a plain "Check again" link',
        hydratedMs: summarize(runs.map((r) => r.hydrated)),
        htmlMs: summarize(runs.map((r) => r.html)),
        signal,
      };
      log(
        `  ${result.path}: ${(sizes.firstLoad.gzipBytes / 1024).toFixed(1)} KB gz JS, usable p50 ${result.usableMs.p50.toFixed(0)} ms` +
          ` (${result.usableBeforeHydration}/${runs.length} before hydration), hydrated p50 ${result.hydratedMs.p50.toFixed(0)} ms (${signal})`,
      );
      pages.push(result);
    }
    return {
      pages,
      runs: cfg.counts.pageRuns,
      conditions: `Pixel 7 viewport, ${SLOW.latency} ms latency, ${(SLOW.bytesPerSecond * 8) / 1000} kbit/s down and up, CPU ÷${SLOW.cpuSlowdown}, cold cache`,
    };
  } finally {
    await browser.close();
  }
}
