// The Electronegativity step of npm test: its allow-list is well formed and every entry points at
// real code with a reason; the review fails unlisted findings and stale entries; and a real scan
// catches the old page policy (a WebSocket wildcard) or context isolation turned off in the window.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { allowListFile, parseAllowList, review, scan, type Finding } from '../../scripts/electronegativity.mjs';

const checksDir = path.join(path.dirname(createRequire(import.meta.url).resolve('@doyensec/electronegativity')), 'finder', 'checks');
const knownChecks = new Set(
  (fs.readdirSync(checksDir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.js'))
    .flatMap((f) => [...fs.readFileSync(path.join(checksDir, f), 'utf8').matchAll(/this\.id = ["']([A-Z0-9_]+)["']/g)].map((m) => m[1]!)),
);

describe(allowListFile, () => {
  const entries = parseAllowList(fs.readFileSync(allowListFile, 'utf8'));

  it('names real checks, real files and the exact code each approves', () => {
    expect(knownChecks.size).toBeGreaterThan(30);
    for (const entry of entries) {
      expect(knownChecks.has(entry.check), `${entry.check} is an Electronegativity check`).toBe(true);
      expect(fs.existsSync(entry.file), `${entry.file} exists`).toBe(true);
      const lines = fs.readFileSync(entry.file, 'utf8').split('\n').map((l) => l.trim());
      const found = lines.includes(entry.code) || lines.some((l) => l.includes(`content="${entry.code}"`));
      expect(found, `${entry.file} contains ${entry.code}`).toBe(true);
    }
  });

  it('approves each finding once', () => {
    const keys = entries.map((e) => `${e.check} ${e.file} ${e.code}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('parseAllowList', () => {
  const entry = { check: 'OPEN_EXTERNAL_JS_CHECK', file: 'electron/window.ts', code: 'shell.openExternal(url);', reason: 'Only http and https links get here.' };
  const parse = (value: unknown) => () => parseAllowList(typeof value === 'string' ? value : JSON.stringify(value), 'allow.json');

  it('reads a well-formed list', () => expect(parse({ allowed: [entry] })()).toEqual([entry]));
  it('refuses broken entries with a sentence naming the entry and field', () => {
    expect(parse('{')).toThrow(/allow\.json is not valid JSON/);
    expect(parse({ entries: [] })).toThrow(/needs an "allowed" list/);
    expect(parse({ allowed: [{ ...entry, reason: 'fine' }] })).toThrow(/entry 1: "reason" must say/);
    expect(parse({ allowed: [entry, { ...entry, code: ' ' }] })).toThrow(/entry 2: "code"/);
    expect(parse({ allowed: [{ ...entry, check: 'openExternal' }] })).toThrow(/"check" must be an Electronegativity check id/);
    expect(parse({ allowed: [{ ...entry, file: '' }] })).toThrow(/"file"/);
    expect(parse({ allowed: [{ ...entry, severity: 'LOW' }] })).toThrow(/unknown field "severity"/);
  });
});

describe('review', () => {
  const finding = (over: Partial<Finding>): Finding => ({
    check: 'OPEN_EXTERNAL_JS_CHECK', severity: 'MEDIUM', confidence: 'TENTATIVE', file: 'electron/window.ts', line: 1, column: 0,
    code: 'shell.openExternal(url);', description: '', url: '', ...over,
  });
  const entry = { check: 'OPEN_EXTERNAL_JS_CHECK', file: 'electron/window.ts', code: 'shell.openExternal(url);', reason: 'Only http and https links get here.' };

  it('passes a listed finding and fails an unlisted one, LOW included', () => {
    const low = finding({ check: 'CSP_GLOBAL_CHECK', severity: 'LOW', file: 'renderer/index.html', code: "default-src *" });
    const result = review([finding({}), low], [entry]);
    expect(result.allowed.map((a) => a.finding.check)).toEqual(['OPEN_EXTERNAL_JS_CHECK']);
    expect(result.unexpected).toEqual([low]);
  });
  it('does not let an entry approve a changed line or another file', () => {
    const result = review([finding({ code: 'shell.openExternal(anything);' }), finding({ file: 'electron/tray.ts' })], [entry]);
    expect(result.unexpected).toHaveLength(2);
    expect(result.stale).toEqual([entry]);
  });
  it('leaves informational findings out of the gate', () => {
    const result = review([finding({ severity: 'INFORMATIONAL', check: 'CSP_HTML_CHECK' })], []);
    expect(result.unexpected).toEqual([]);
    expect(result.belowGate).toHaveLength(1);
  });
});

describe('a real scan', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-eng-test-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('catches the old WebSocket-wildcard CSP and context isolation turned off', async () => {
    for (const folder of ['electron', 'renderer']) fs.cpSync(folder, path.join(root, folder), { recursive: true });
    const html = path.join(root, 'renderer', 'index.html');
    const window = path.join(root, 'electron', 'window.ts');
    fs.writeFileSync(html, fs.readFileSync(html, 'utf8').replace("img-src 'self' data:;", "img-src 'self' data:; connect-src ws://127.0.0.1:*;"));
    fs.writeFileSync(window, fs.readFileSync(window, 'utf8').replace('contextIsolation: true,', 'contextIsolation: false,'));

    const { findings, failures } = await scan(root);
    const result = review(findings, parseAllowList(fs.readFileSync(allowListFile, 'utf8')));
    expect(failures).toEqual([]);
    expect(result.unexpected.map((f) => `${f.check} ${f.file}`).sort()).toEqual(['CONTEXT_ISOLATION_JS_CHECK electron/window.ts', 'CSP_GLOBAL_CHECK renderer/index.html']);
    expect(result.unexpected.find((f) => f.check === 'CSP_GLOBAL_CHECK')?.code).toContain('connect-src ws://127.0.0.1:*');
    expect(result.stale.map((e) => e.check)).toEqual(['CSP_GLOBAL_CHECK']);
  }, 60_000);
});
