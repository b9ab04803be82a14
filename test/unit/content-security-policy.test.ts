// The Electron window's Content-Security-Policy: the page may load only its own scripts, styles and
// images, and connect nowhere (it talks to the core over the preload's IPC). The header (sent with
// every app:// response) and the meta tag in renderer/index.html must say the same thing.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../electron/content-security-policy';

const directives = (policy: string) =>
  new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...sources]) => [name!, sources]),
  );

const html = fs.readFileSync('renderer/index.html', 'utf8');
const metaPolicy = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1];

describe('the Electron CSP', () => {
  const header = directives(contentSecurityPolicy);

  it('falls back to nothing and allows only our own origin', () => {
    expect(header.get('default-src')).toEqual(["'none'"]);
    expect(header.get('script-src')).toEqual(["'self'"]);
    expect(header.get('base-uri')).toEqual(["'none'"]);
    expect(header.get('form-action')).toEqual(["'none'"]);
    expect(header.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('has no connect-src, no WebSocket, no wildcard and no unsafe-* source', () => {
    for (const policy of [contentSecurityPolicy, metaPolicy ?? '']) {
      expect(directives(policy).has('connect-src')).toBe(false);
      expect(policy).not.toMatch(/wss?:/);
      expect(policy).not.toContain('*');
      expect(policy).not.toMatch(/unsafe-/);
    }
  });

  it('is the same policy in renderer/index.html (frame-ancestors aside: it only works as a header)', () => {
    expect(metaPolicy, 'renderer/index.html has a Content-Security-Policy meta tag').toBeDefined();
    const meta = directives(metaPolicy!);
    const expected = new Map([...header].filter(([name]) => name !== 'frame-ancestors'));
    expect(Object.fromEntries(meta)).toEqual(Object.fromEntries(expected));
  });

  it("gets no warning from Google's CSP evaluator beyond the note on 'self'", () => {
    // The evaluator Electronegativity uses; 'self' is noted because some sites host JSONP or uploads there.
    const csp = createRequire(createRequire(import.meta.url).resolve('@doyensec/electronegativity'))('@doyensec/csp-evaluator') as {
      CspParser: new (policy: string) => { csp: unknown };
      CspEvaluator: new (csp: unknown, version: unknown) => { evaluate(): Array<{ severity: number; directive: string; value: string; description: string }> };
      Version: { CSP3: unknown };
      severities: Record<string, number>;
    };
    const findings = new csp.CspEvaluator(new csp.CspParser(contentSecurityPolicy).csp, csp.Version.CSP3).evaluate();
    const serious = findings.filter((f) => f.severity <= csp.severities.HIGH_MAYBE! && !(f.directive === 'script-src' && f.value === "'self'"));
    expect(serious).toEqual([]);
  });
});
