// The same flow in the real Electron shell, through Playwright's Electron support, after checking the
// shell's locks: the page is app://switchboard/index.html, has no Node, and its CSP refuses a WebSocket.
// It needs Electron's binary, which cannot be downloaded on machines without internet: there it is
// skipped, saying why.
import { _electron as electron, test } from '@playwright/test';
import { electronBinary } from '../../scripts/electron-binary.mjs';
import { conversationFlow } from './flow';
import { makeWorld } from './world';

const binary = electronBinary();

test('contact list and conversation in the Electron window', async ({}, testInfo) => {
  if (!binary.ok) {
    console.log(`Electron end-to-end test skipped: ${binary.reason}`);
    testInfo.annotations.push({ type: 'skip-reason', description: binary.reason });
  }
  test.skip(!binary.ok, binary.reason);
  const world = await makeWorld();
  const { NODE_EXTRA_CA_CERTS: _, ...env } = process.env;
  const app = await electron.launch({ executablePath: binary.path, args: ['.'], env: { ...env, SWITCHBOARD_CONFIG_DIR: world.configDir } as Record<string, string> });
  try {
    const window = await app.firstWindow();
    const prefs = await app.evaluate(({ BrowserWindow }) => (BrowserWindow.getAllWindows()[0]!.webContents as unknown as { getLastWebPreferences(): object }).getLastWebPreferences());
    test.expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, spellcheck: false });
    // The page comes from app://, not file://, and has no Node.
    await test.expect(window).toHaveURL('app://switchboard/index.html');
    await window.waitForLoadState('domcontentloaded');
    test.expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    test.expect(await window.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
    // The CSP lets the page connect nowhere: a WebSocket to loopback is a connect-src violation.
    await window.evaluate(() => {
      const seen: string[] = [];
      (globalThis as { cspViolations?: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.effectiveDirective} ${event.blockedURI}`));
      try {
        new WebSocket('ws://127.0.0.1:1');
      } catch (error) {
        seen.push(`threw ${(error as Error).name}`);
      }
    });
    await test.expect
      .poll(() => window.evaluate(() => (globalThis as { cspViolations?: string[] }).cspViolations))
      .toContainEqual(test.expect.stringMatching(/^(connect-src ws:\/\/127\.0\.0\.1:1|threw SecurityError)/));
    await conversationFlow(window, world);
  } catch (error) {
    await testInfo.attach('screenshot', { body: await (await app.firstWindow()).screenshot(), contentType: 'image/png' }).catch(() => undefined);
    throw error;
  } finally {
    await app.close();
    await world.stop();
  }
});
