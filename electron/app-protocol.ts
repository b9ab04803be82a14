// The app:// scheme the Electron window loads from: which URL is our page, and how a request maps to
// a file inside dist/renderer. Pure Node (no 'electron' import) so every refusal is unit-tested.
// Anything that is not plainly a file in that folder gets 400 (malformed) or 404 (not ours), never
// an exception: a throw here would surface as a failed load with no status at all.
import fs from 'node:fs/promises';
import path from 'node:path';
import { contentSecurityPolicy } from './content-security-policy';

export const appScheme = 'app';
export const appHost = 'switchboard';
export const appOrigin = `${appScheme}://${appHost}`;
export const appPageUrl = `${appOrigin}/index.html`;

/** The privileges app:// is registered with: a standard, secure origin that fetch() may use. No CORS, no CSP bypass. */
export const appSchemePrivileges = { standard: true, secure: true, supportFetchAPI: true } as const;

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export type AppFile = { ok: true; file: string } | { ok: false; status: 400 | 404 };

const refused = (status: 400 | 404): AppFile => ({ ok: false, status });

/**
 * Maps an app:// URL to a regular file inside rootDir, following symlinks only if they stay inside.
 * 400: not a URL, encoded slashes or backslashes, NUL, dot segments, bad percent-encoding.
 * 404: another scheme or host, or no such file inside rootDir.
 */
export async function resolveAppFile(rootDir: string, requestUrl: string): Promise<AppFile> {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return refused(400);
  }
  if (url.protocol !== `${appScheme}:` || url.host.toLowerCase() !== appHost) return refused(404);
  const segments: string[] = [];
  // The raw (still percent-encoded) path is split first, so an encoded slash can never make a new segment.
  for (const raw of url.pathname.split('/')) {
    if (raw === '') continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return refused(400);
    }
    if (segment === '.' || segment === '..' || /[/\\\0]/.test(segment)) return refused(400);
    segments.push(segment);
  }
  if (segments.length === 0) segments.push('index.html');
  try {
    const root = await fs.realpath(rootDir);
    const file = await fs.realpath(path.join(root, ...segments));
    const inside = path.relative(root, file);
    if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) return refused(404);
    if (!(await fs.stat(file)).isFile()) return refused(404);
    return { ok: true, file };
  } catch {
    return refused(404);
  }
}

const commonHeaders = {
  'Content-Security-Policy': contentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...commonHeaders, 'Content-Type': 'text/plain; charset=utf-8' } });
}

/** The protocol.handle handler's body: a file from rootDir with our headers, or a plain error status. */
export async function serveAppRequest(rootDir: string, request: { url: string; method: string }): Promise<Response> {
  try {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed');
    const found = await resolveAppFile(rootDir, request.url);
    if (!found.ok) return plain(found.status, found.status === 400 ? 'Bad request' : 'Not found');
    const headers = { ...commonHeaders, 'Content-Type': types[path.extname(found.file).toLowerCase()] ?? 'application/octet-stream' };
    if (request.method === 'HEAD') return new Response(null, { status: 200, headers });
    return new Response(new Uint8Array(await fs.readFile(found.file)), { status: 200, headers });
  } catch {
    // The file vanished or became unreadable between the checks and the read.
    return plain(404, 'Not found');
  }
}

/** Whether an IPC sender frame shows our page (its fragment aside): app://switchboard/index.html and nothing else. */
export function isAppPage(frameUrl: string | undefined): boolean {
  if (!frameUrl) return false;
  try {
    const url = new URL(frameUrl);
    return url.protocol === `${appScheme}:` && url.host.toLowerCase() === appHost && url.pathname === '/index.html' && url.search === '';
  } catch {
    return false;
  }
}
