// Every page and route handler the build produced answers with the security headers: the list comes
// from the build's own manifest (so a new route is covered without editing this file), each is
// fetched from the running production server signed out, as a holder and as staff, and a made-up
// path checks the 404 page. The CSP is parsed, not just matched.
import fs from 'node:fs';
import path from 'node:path';
import type { APIResponse } from '@playwright/test';
import { expect, test } from './fixtures';
import { HOLDER, signIn } from './helpers';

const SAMPLE_ID = '5b0c2a8e-2f4a-4d7b-9a51-1f0e8c7d6b3a';

/** Concrete URLs for every app route: [id]-style segments get a UUID, catch-alls a short path. */
function manifestUrls(): string[] {
  const dist = process.env.NEXT_DIST_DIR || '.next';
  const manifest = JSON.parse(fs.readFileSync(path.join(dist, 'app-path-routes-manifest.json'), 'utf8')) as Record<string, string>;
  const urls = Object.values(manifest).map((route) =>
    route
      .replace('[...nextauth]', 'providers') // an Auth.js action that exists; any other logs an error
      .replace(/\[\.\.\.[^\]]+\]/g, 'sample/path')
      .replace(/\[[^\]]+\]/g, SAMPLE_ID),
  );
  return [...new Set(urls)].sort();
}

function parseCsp(value: string | undefined): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of (value ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), values);
  }
  return directives;
}

function checkHeaders(url: string, res: APIResponse, checkoutOrigin: string) {
  const h = res.headers();
  const where = `${url} (HTTP ${res.status()})`;
  const csp = parseCsp(h['content-security-policy']);
  const scriptSrc = csp.get('script-src') ?? [];
  expect(scriptSrc.some((v) => /^'nonce-[A-Za-z0-9+/=]{16,}'$/.test(v)), `${where}: script-src has a nonce`).toBe(true);
  expect(scriptSrc.filter((v) => v.startsWith("'unsafe-")), `${where}: script-src has no unsafe-*`).toEqual([]);
  expect(csp.get('default-src'), `${where}: default-src`).toEqual(["'self'"]);
  expect(csp.get('object-src'), `${where}: object-src`).toEqual(["'none'"]);
  expect(csp.get('frame-ancestors'), `${where}: frame-ancestors`).toEqual(["'none'"]);
  expect([...(csp.get('form-action') ?? [])].sort(), `${where}: form-action`).toEqual(["'self'", checkoutOrigin].sort());
  expect(h['x-frame-options'], `${where}: X-Frame-Options`).toBe('DENY');
  expect(h['referrer-policy'], `${where}: Referrer-Policy`).toBe('same-origin');
  expect(h['x-content-type-options'], `${where}: nosniff`).toBe('nosniff');
  expect(h['permissions-policy'], `${where}: Permissions-Policy`).toMatch(/camera=\(\).*microphone=\(\).*geolocation=\(\)/);
  // The test server runs on http://localhost: no HSTS there (it is sent when APP_URL is https).
  expect(h['strict-transport-security'], `${where}: no HSTS over http`).toBeUndefined();
  return scriptSrc.find((v) => v.startsWith("'nonce-"))!.slice(7, -1);
}

test('every page and route handler in the build manifest carries the security headers', async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  const checkoutOrigin = new URL(baseURL!).origin; // the sandbox's hosted checkout is on our origin
  const urls = [...manifestUrls(), '/no-such-page', '/api/v1/no-such-route'];
  expect(urls.length).toBeGreaterThan(30);
  const fetchAll = async (who: string) => {
    const statuses: string[] = [];
    for (const url of urls) {
      const res = await page.request.get(url, { maxRedirects: 0, timeout: 15_000 });
      checkHeaders(`${who} ${url}`, res, checkoutOrigin);
      statuses.push(`${url} ${res.status()}`);
      await res.dispose();
    }
    return statuses;
  };
  const anonymous = await fetchAll('signed out');
  expect(anonymous).toContain('/no-such-page 404');
  expect(anonymous).toContain('/login 200');
  expect(anonymous.find((s) => s.startsWith('/dashboard '))).toBe('/dashboard 307'); // to sign in, headers and all

  await signIn(page, HOLDER);
  const holder = await fetchAll('holder');
  expect(holder).toContain('/dashboard 200');
  expect(holder).toContain(`/dashboard/policies/${SAMPLE_ID} 404`);
  await page.context().clearCookies();
  await signIn(page, { ...HOLDER, email: 'staff@malipo.test', password: 'malipo-staff' }, /\/staff$/);
  const staff = await fetchAll('staff');
  expect(staff).toContain('/staff 200');
  expect(staff).toContain('/staff/security 200');
});

test('each response gets its own nonce, and every script on the page carries it', async ({ request }) => {
  const nonces = new Set<string>();
  for (let i = 0; i < 3; i++) {
    const res = await request.get('/login');
    const nonce = parseCsp(res.headers()['content-security-policy']).get('script-src')!.find((v) => v.startsWith("'nonce-"))!.slice(7, -1);
    nonces.add(nonce);
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag, 'script tag carries the nonce').toContain(`nonce="${nonce}"`);
  }
  expect(nonces.size).toBe(3);
});

test('built assets are served with nosniff', async ({ request }) => {
  const html = await (await request.get('/login')).text();
  const asset = html.match(/\/_next\/static\/[^"']+\.js/)![0];
  const res = await request.get(asset);
  expect(res.status()).toBe(200);
  expect(res.headers()['x-content-type-options']).toBe('nosniff');
});
