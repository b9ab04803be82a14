// What the Electron window lets out: only http(s) links leave, for the user's browser, and the
// spellchecker (which downloads dictionaries from Google on Linux) stays off unless asked for.
import { describe, expect, it } from 'vitest';
import { opensInBrowser, spellcheckWanted } from '../../electron/window-policy';

describe('links from messages', () => {
  it('opens http and https links in the browser', () => {
    expect(opensInBrowser('https://example.org/a?b=c')).toBe(true);
    expect(opensInBrowser('http://example.org')).toBe(true);
  });
  it('drops every other kind of link', () => {
    for (const target of ['file:///etc/passwd', 'javascript:alert(1)', 'app://switchboard/index.html', 'smb://host/share', 'ms-msdt:/id', 'mailto:a@b.c', 'https:', 'not a url', '']) {
      expect(opensInBrowser(target), target).toBe(false);
    }
  });
});

describe('spellcheck', () => {
  it('is off by default', () => {
    expect(spellcheckWanted({})).toBe(false);
    expect(spellcheckWanted({ SWITCHBOARD_SPELLCHECK: '' })).toBe(false);
    expect(spellcheckWanted({ SWITCHBOARD_SPELLCHECK: '0' })).toBe(false);
    expect(spellcheckWanted({ SWITCHBOARD_SPELLCHECK: 'off' })).toBe(false);
  });
  it('turns on when the user sets SWITCHBOARD_SPELLCHECK', () => {
    for (const value of ['1', 'true', 'on', 'yes', 'TRUE']) expect(spellcheckWanted({ SWITCHBOARD_SPELLCHECK: value }), value).toBe(true);
  });
});
