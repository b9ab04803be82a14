// The Content-Security-Policy of the browser host, and the page it serves with it. A browser enforces
// both the header and the page's own <meta> policy; the meta built for Electron allows no WebSocket at
// all, so the host serves index.html with that meta replaced by this launch's exact policy.

/** The policy for a host at `origin` (http://127.0.0.1:PORT): scripts from itself, WebSocket to itself only. */
export function contentSecurityPolicy(origin: string, { meta = false } = {}): string {
  const ws = origin.replace(/^http/, 'ws');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${ws}`,
    "base-uri 'none'",
    "form-action 'none'",
    // Browsers ignore frame-ancestors in a <meta> policy and complain in the console; the header has it.
    ...(meta ? [] : ["frame-ancestors 'none'"]),
  ].join('; ');
}

// One attribute of a start tag: name, then an optional value in double, single or no quotes.
const attribute = /\s*([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/y;

/** Where a <meta> start tag beginning at `start` ends, and whether it is a CSP, reading its attributes as a browser does. */
function readMeta(html: string, start: number): { end: number; isPolicy: boolean } {
  let at = start + '<meta'.length;
  let isPolicy = false;
  for (;;) {
    while (html[at] === '/' || (html[at] !== undefined && /\s/.test(html[at]!))) at++;
    if (at >= html.length) return { end: html.length, isPolicy };
    if (html[at] === '>') return { end: at + 1, isPolicy };
    attribute.lastIndex = at;
    const match = attribute.exec(html);
    if (!match) return { end: at + 1, isPolicy }; // cannot happen: any other character starts a name
    const [, name, ...values] = match;
    const value = values.find((v) => v !== undefined) ?? '';
    if (name!.toLowerCase() === 'http-equiv' && value.trim().toLowerCase() === 'content-security-policy') isPolicy = true;
    at = attribute.lastIndex;
  }
}

const escapeAttribute = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/**
 * The page with every <meta http-equiv="Content-Security-Policy"> removed and one carrying `policy`
 * put first in <head> (or first in the document when it has no <head> tag), so no markup comes before it.
 */
export function withMetaPolicy(html: string, policy: string): string {
  let out = '';
  let from = 0;
  const metaStart = /<meta(?=[\s/>])/gi;
  for (let match = metaStart.exec(html); match; match = metaStart.exec(html)) {
    const { end, isPolicy } = readMeta(html, match.index);
    if (isPolicy) {
      out += html.slice(from, match.index);
      from = end;
    }
    metaStart.lastIndex = end;
  }
  out += html.slice(from);
  const tag = `<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(policy)}">`;
  const head = /<head(?=[\s/>])[^>]*>/i.exec(out);
  if (head) return out.slice(0, head.index + head[0].length) + tag + out.slice(head.index + head[0].length);
  const doctype = /^\s*<!doctype[^>]*>/i.exec(out);
  const at = doctype ? doctype[0].length : 0;
  return out.slice(0, at) + tag + out.slice(at);
}
