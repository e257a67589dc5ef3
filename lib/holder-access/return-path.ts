// Where to go after signing in. The sign-in gate sends callbackUrl as a full URL; people and links
// send paths. Either is kept only when it stays on this site: never an open redirect.

/**
 * A same-origin path (with query and hash) from `value`, or '/' (each role's home).
 * `origins` are the origins this app is reached at (APP_URL and the request's own).
 */
export function safeReturnPath(value: string | null | undefined, origins: string[]): string {
  if (!value || value.length > 2000) return '/';
  // Browsers treat backslashes as slashes and drop tabs/newlines: "/\evil.com" and "/\t/evil.com"
  // are other sites.
  if (/[\\\u0000-\u001f]/.test(value)) return '/';
  let url: URL;
  try {
    url = new URL(value, 'http://relative.invalid');
  } catch {
    return '/';
  }
  const relative = url.origin === 'http://relative.invalid' && value.startsWith('/') && !value.startsWith('//');
  if (!relative && !origins.some((o) => safeOrigin(o) === url.origin)) return '/';
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Coming back to the sign-in page itself would loop.
  return path.startsWith('/login') ? '/' : path;
}

function safeOrigin(o: string) {
  try {
    return new URL(o).origin;
  } catch {
    return null;
  }
}

/** The origin a request came to, from its Host header (what the browser used). */
export function requestOrigin(headers: Headers): string | null {
  const host = headers.get('x-forwarded-host') ?? headers.get('host');
  if (!host) return null;
  const proto = headers.get('x-forwarded-proto') ?? 'http';
  return safeOrigin(`${proto.split(',')[0].trim()}://${host.split(',')[0].trim()}`);
}
