// The app:// handler serves the Electron window its page and nothing else: no file outside the built
// renderer, by any spelling of a path, and it answers 400/404 instead of throwing. The same handler
// runs in Electron (protocol.handle); here it runs on Node's own Request/Response types.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appPageUrl, isAppPage, resolveAppFile, serveAppRequest } from '../../electron/app-protocol';
import { contentSecurityPolicy } from '../../electron/content-security-policy';

const secret = 'the contents of a file outside the renderer folder';
let base: string;
let root: string;

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-app-protocol-'));
  root = path.join(base, 'renderer');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Switchboard</title>');
  fs.writeFileSync(path.join(root, 'assets', 'index-abc.js'), 'console.log("app")');
  fs.writeFileSync(path.join(root, 'assets', 'a b.css'), 'body{}');
  fs.writeFileSync(path.join(base, 'secret.txt'), secret);
  // A sibling folder whose name starts like the root's: a prefix check alone would let it through.
  fs.mkdirSync(path.join(base, 'renderer-other'));
  fs.writeFileSync(path.join(base, 'renderer-other', 'secret.txt'), secret);
  fs.symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'link-out.txt'));
  fs.symlinkSync(base, path.join(root, 'dir-out'));
  fs.symlinkSync(path.join(root, 'index.html'), path.join(root, 'link-in.html'));
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => serveAppRequest(root, { url, method });

describe('app:// serves the built renderer', () => {
  it('serves the page with its type and the CSP header', async () => {
    const response = await get(appPageUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<title>Switchboard</title>');
  });

  it('serves assets, decodes escaped names, and maps / to index.html', async () => {
    expect(await (await get('app://switchboard/assets/index-abc.js')).text()).toBe('console.log("app")');
    expect((await get('app://switchboard/assets/index-abc.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await (await get('app://switchboard/assets/a%20b.css')).text()).toBe('body{}');
    expect(await (await get('app://switchboard/')).text()).toContain('Switchboard');
    expect(await (await get('app://switchboard/index.html?x=1#token')).text()).toContain('Switchboard');
  });

  it('follows a symlink that stays inside the folder', async () => {
    expect((await get('app://switchboard/link-in.html')).status).toBe(200);
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get(appPageUrl, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await get(appPageUrl, 'POST')).status).toBe(405);
  });

  it('puts the CSP header on refusals too', async () => {
    const response = await get('app://switchboard/missing.js');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
  });
});

describe('app:// refuses everything outside the folder', () => {
  const attempts: Array<[string, 400 | 404]> = [
    ['app://switchboard/../secret.txt', 404], // the URL parser already folds the .. away: /secret.txt is not in the folder
    ['app://switchboard/../../../../etc/passwd', 404],
    ['app://switchboard/%2e%2e/secret.txt', 404], // folded by the URL parser as well
    ['app://switchboard/..%2fsecret.txt', 400],
    ['app://switchboard/..%2Fsecret.txt', 400],
    ['app://switchboard/%2e%2e%2fsecret.txt', 400],
    ['app://switchboard/assets%2f..%2f..%2fsecret.txt', 400],
    ['app://switchboard/..%5csecret.txt', 400],
    ['app://switchboard/..\\secret.txt', 400],
    ['app://switchboard/%2fetc%2fpasswd', 400],
    ['app://switchboard//etc/passwd', 404],
    ['app://switchboard/' + encodeURIComponent(path.join(os.tmpdir(), 'x')), 400],
    ['app://switchboard/index.html%00.js', 400],
    ['app://switchboard/%00', 400],
    ['app://switchboard/%E0%A4%A', 400],
    ['app://switchboard/%', 400],
    ['app://switchboard/link-out.txt', 404],
    ['app://switchboard/dir-out/secret.txt', 404],
    ['app://switchboard/dir-out/renderer-other/secret.txt', 404],
    ['app://switchboard/assets', 404],
    ['app://switchboard/assets/', 404],
    ['app://elsewhere/index.html', 404],
    ['file:///etc/passwd', 404],
    ['https://switchboard/index.html', 404],
    ['not a url', 400],
    ['', 400],
  ];
  it.each(attempts)('%s → %i', async (url, status) => {
    const response = await get(url);
    expect(response.status).toBe(status);
    expect(await response.text()).not.toContain(secret);
  });

  it('never throws and never serves anything but the folder\'s own files, for any path', async () => {
    const inside = new Set(['<!doctype html><title>Switchboard</title>', 'console.log("app")', 'body{}']);
    const pieces = fc.constantFrom('..', '.', '%2e', '%2E%2e', '%2f', '%5c', '\\', '/', '%00', '%', '%zz', 'secret.txt', 'renderer', 'renderer-other', 'dir-out', 'link-out.txt', 'assets', 'index.html', 'a%20b.css');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(pieces, fc.string()), { maxLength: 8 }), async (parts) => {
        const response = await get(`app://switchboard/${parts.join('')}`);
        expect([200, 400, 404]).toContain(response.status);
        const body = await response.text();
        if (response.status === 200) expect(inside.has(body)).toBe(true);
        expect(body).not.toContain(secret);
      }),
      { numRuns: 300 },
    );
  });

  it('resolves to 404 when the folder itself is missing', async () => {
    expect(await resolveAppFile(path.join(base, 'nowhere'), appPageUrl)).toEqual({ ok: false, status: 404 });
  });
});

describe('the IPC trust check', () => {
  it('takes requests only from app://switchboard/index.html', () => {
    expect(isAppPage(appPageUrl)).toBe(true);
    expect(isAppPage(`${appPageUrl}#section`)).toBe(true);
    for (const other of [
      'file:///opt/Switchboard/resources/app.asar/dist/renderer/index.html', // where the window loaded from before app://
      'app://switchboard/other.html',
      'app://switchboard/index.html?injected=1',
      'app://evil/index.html',
      'http://127.0.0.1:5173/index.html',
      'about:blank',
      '',
      undefined,
    ]) {
      expect(isAppPage(other), String(other)).toBe(false);
    }
  });
});
