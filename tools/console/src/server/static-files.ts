import { readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { ServerResponse } from 'node:http';

/**
 * The console's Content Security Policy: scripts, styles and connections
 * only from the console itself, no inline script or style, no framing. The
 * bundle has no inline code and loads nothing from elsewhere (no CDN, no
 * fonts), so this costs nothing and contains an injected script.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The built front end (dist/web): a fixed set of files, read once per request from disk. */
export class StaticFiles {
  constructor(private readonly dir: string) {}

  /** True when the bundle was built (index.html and app.js exist). */
  async present(): Promise<boolean> {
    const files = await Promise.all(
      ['index.html', 'app.js'].map((f) => stat(join(this.dir, f)).catch(() => undefined)),
    );
    return files.every((f) => f?.isFile() === true);
  }

  /**
   * Serves `/` and `/index.html` as the page, `/<file>` for a built file
   * (one path segment, a known extension); false when there is no such file.
   */
  async serve(pathname: string, res: ServerResponse, head: boolean): Promise<boolean> {
    const name = pathname === '/' ? 'index.html' : pathname.slice(1);
    const type = CONTENT_TYPES[extname(name)];
    if (type === undefined || !/^[a-z0-9][a-z0-9._-]*$/i.test(name)) return false;
    const body = await readFile(join(this.dir, name)).catch(() => undefined);
    if (body === undefined) return false;
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': type,
      'content-length': body.length,
      // The page must be fresh (it names the bundle); the bundle is revalidated too, it is small.
      'cache-control': 'no-cache',
    });
    res.end(head ? undefined : body);
    return true;
  }
}
