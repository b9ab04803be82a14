// Accessibility and screenshots of a screen, in the light and the dark theme: axe-core (through
// @axe-core/playwright) must find no serious or critical violation of WCAG 2.1 A/AA. With
// SWITCHBOARD_SCREENSHOTS set to a folder (`npm run screenshots`), each screen is also saved there
// for the README, so that its pictures are those of the code as it is.
import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const folder = process.env.SWITCHBOARD_SCREENSHOTS;
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
    // The window follows the system's theme (its choice is "as the system" in these tests): wait for it.
    await page.waitForFunction((theme) => document.documentElement.dataset.theme === theme, colorScheme);
    const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const serious = result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    expect(serious, `axe on "${screen}" in the ${colorScheme} theme`).toEqual([]);
    if (folder) {
      fs.mkdirSync(folder, { recursive: true });
      await page.screenshot({ path: path.join(folder, `${screen}-${colorScheme}.png`) });
    }
  }
  await page.emulateMedia({ colorScheme: null, reducedMotion: 'reduce' });
}
