// The choices the window's handlers make, kept free of Electron so they are unit-tested: which links
// leave for the user's browser, and whether the spellchecker runs.

/** Links in messages open in the user's browser when they are http(s); anything else (file:, app:, javascript:, custom handlers) goes nowhere. */
export function opensInBrowser(target: string): boolean {
  try {
    const url = new URL(target);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * The spellchecker stays off unless SWITCHBOARD_SPELLCHECK is 1/true/on: on Linux and Windows
 * Chromium would otherwise download Hunspell dictionaries from Google's servers at start.
 */
export function spellcheckWanted(env: Record<string, string | undefined>): boolean {
  return /^(1|true|on|yes)$/i.test(env.SWITCHBOARD_SPELLCHECK?.trim() ?? '');
}
