// The walking skeleton's user story, run the same way in Chromium (browser host) and in Electron.
import { expect, type Page } from '@playwright/test';
import { startPeer, type Peer } from '../harness/peer';
import { expectNoLeaks, type World } from './world';

export async function conversationFlow(page: Page, world: World): Promise<void> {
  const row = page.getByRole('button', { name: world.friendName });
  const glyph = row.getByRole('img');
  let peer: Peer | undefined;
  try {
    await expect(row).toBeVisible();
    await expect(page.getByRole('button', { name: 'Frank White' })).toBeVisible();
    await expect(glyph).toHaveAttribute('aria-label', 'No presence information');
    await expectNoLeaks(page, world);

    // The friend comes online: green square.
    peer = await startPeer({ service: world.server.service, domain: world.server.domain, ...world.friend });
    await expect(glyph).toHaveAttribute('aria-label', 'Available');
    await expect(glyph).toHaveAttribute('data-glyph', 'available');

    // Away: red circle.
    await peer.setShow('away');
    await expect(glyph).toHaveAttribute('aria-label', 'Online, not available right now');
    await expect(glyph).toHaveAttribute('data-glyph', 'unavailable');
    await expectNoLeaks(page, world);

    // The user writes; the friend's own client receives it.
    await row.click();
    const compose = page.getByRole('textbox', { name: `Message to ${world.friendName}` });
    await compose.fill('Lunch at noon?');
    await compose.press('Enter');
    const mine = page.locator('.message-out', { hasText: 'Lunch at noon?' });
    await expect(mine).toHaveAttribute('data-state', 'sent');
    await expect(compose).toHaveValue('');
    const got = await peer.receive((body) => body === 'Lunch at noon?');
    expect(got.from.split('/')[0]).toBe(world.me.jid);

    // The friend replies, with text that would be markup if it were rendered as HTML.
    await peer.say(world.me.jid, 'Yes! <img src=x onerror="document.title=1">');
    const reply = page.locator('.message-in', { hasText: 'Yes! <img src=x onerror="document.title=1">' });
    await expect(reply).toBeVisible();
    // Their answer is evidence that the message reached them, though their client sends no receipts.
    await expect(mine).toHaveAttribute('data-state', 'delivered');
    await expect(page.locator('.messages img')).toHaveCount(0);
    await expect(page).toHaveTitle('Switchboard');
    await expectNoLeaks(page, world);

    // The friend goes offline: no glyph.
    await peer.offline();
    peer = undefined;
    await expect(glyph).toHaveAttribute('aria-label', 'No presence information');
    await expect(glyph).toHaveAttribute('data-glyph', 'none');
    await expectNoLeaks(page, world);

    // The conversation is still whole after a reload.
    await page.reload();
    await page.getByRole('button', { name: world.friendName }).click();
    await expect(page.locator('.message-out', { hasText: 'Lunch at noon?' })).toHaveAttribute('data-state', 'delivered');
    await expect(page.locator('.message-in', { hasText: 'Yes!' })).toBeVisible();
  } finally {
    await peer?.offline();
  }
}
