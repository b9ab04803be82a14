// The browser host serves index.html with its <meta> Content-Security-Policy replaced by the launch's
// exact policy, however the built page happens to write that tag.
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, withMetaPolicy } from '../../host/page';

const policy = contentSecurityPolicy('http://127.0.0.1:4242', { meta: true });
const ours = `<meta http-equiv="Content-Security-Policy" content="${policy.replace(/"/g, '&quot;')}">`;
const metaPolicies = (html: string) => html.match(/<meta[^>]*content-security-policy[^>]*>/gi) ?? [];

describe("the page's meta policy", () => {
  it('allows a WebSocket only to the host itself, and leaves frame-ancestors to the header', () => {
    expect(policy).toContain('connect-src ws://127.0.0.1:4242;');
    expect(policy).not.toContain('*');
    expect(policy).not.toContain('frame-ancestors');
    expect(contentSecurityPolicy('http://127.0.0.1:4242')).toContain("frame-ancestors 'none'");
  });

  it.each([
    ['double quotes', `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; connect-src ws://127.0.0.1:*" />`],
    ['single quotes, attributes swapped', `<meta content='connect-src *' http-equiv='content-security-policy'>`],
    ['no quotes, upper case', `<META HTTP-EQUIV=CONTENT-SECURITY-POLICY CONTENT="connect-src *">`],
    ['a ">" inside the content', `<meta http-equiv="Content-Security-Policy" content="connect-src ws://a>b *">`],
    ['spaces around the value', `<meta http-equiv = " Content-Security-Policy " content="connect-src *">`],
  ])('replaces a meta policy written with %s', (_, tag) => {
    const html = `<!doctype html><html><head><meta charset="utf-8" />${tag}<title>t</title></head><body><script src="a.js"></script></body></html>`;
    const served = withMetaPolicy(html, policy);
    expect(metaPolicies(served)).toEqual([ours]);
    expect(served).not.toContain('*');
    expect(served).toContain('<meta charset="utf-8" /><title>t</title>');
    expect(served.indexOf(ours)).toBeLessThan(served.indexOf('<script'));
  });

  it('removes every meta policy, keeps other meta tags, and adds one where there was none', () => {
    const two = `<html><head><meta name="viewport" content="width=device-width"><meta http-equiv="Content-Security-Policy" content="a"><meta http-equiv="Content-Security-Policy" content="b"></head></html>`;
    expect(withMetaPolicy(two, policy)).toBe(`<html><head>${ours}<meta name="viewport" content="width=device-width"></head></html>`);
    expect(withMetaPolicy('<!doctype html><title>t</title>', policy)).toBe(`<!doctype html>${ours}<title>t</title>`);
  });
});
