// `npm test` step: Electronegativity (Doyensec's Electron security linter) over the shell (electron/)
// and the page (renderer/), TypeScript sources as they are (it parses .ts/.tsx with Babel's TypeScript
// plugin). Every finding of LOW severity or above must be listed, with the reviewed reason, in
// electronegativity-allow.json; anything else fails the step, and so does an entry that matches no
// finding any more (it would silently approve whatever lands on that line next).
// LOW counts: Electronegativity rates every CSP finding LOW, and the page's policy must stay reviewed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Module, { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

export const allowListFile = 'electronegativity-allow.json';
export const scannedFolders = ['electron', 'renderer'];
const severities = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH'];
const gate = severities.indexOf('LOW');
// Needs the internet (it downloads Electron's release list); the Electron version is pinned in package.json instead.
const excludedChecks = ['availablesecurityfixesglobalcheck'];

const require = createRequire(import.meta.url);

/**
 * Loads Electronegativity with its translations taken from the package itself. Its loader otherwise
 * asks an S3 bucket for updated strings on every run: a network call in a test, and a stray log line.
 */
function loadElectronegativity() {
  const main = require.resolve('@doyensec/electronegativity');
  const own = createRequire(main);
  const i18nPath = own.resolve('./locales/i18n.js');
  if (!require.cache[i18nPath]) {
    const i18n = own('i18n');
    const offline = new Module(i18nPath);
    offline.filename = i18nPath;
    offline.loaded = true;
    offline.exports = async () => {
      i18n.configure({ locales: ['en-US'], defaultLocale: 'en-US', directory: path.dirname(i18nPath), updateFiles: false, objectNotation: true, retryInDefaultLocale: true, register: global });
      i18n.setLocale('en-US');
    };
    require.cache[i18nPath] = offline;
  }
  return { run: own(main), version: JSON.parse(fs.readFileSync(own.resolve('../package.json'), 'utf8')).version };
}

/**
 * Scans the given folders of rootDir (copied to a temporary folder together, so the cross-file checks
 * such as the CSP and navigation ones see the whole app) and returns the findings and parse failures.
 */
export async function scan(rootDir = process.cwd(), folders = scannedFolders) {
  const { run } = loadElectronegativity();
  const electronVersion = JSON.parse(fs.readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
  const input = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-electronegativity-'));
  try {
    for (const folder of folders) {
      fs.cpSync(path.join(rootDir, folder), path.join(input, folder), { recursive: true, filter: (source) => !source.includes('node_modules') });
    }
    const result = await run({ input, isRelative: true, electronVersionOverride: electronVersion, excludeFromScan: excludedChecks });
    return {
      electronVersion,
      findings: result.issues.map((issue) => ({
        check: issue.id,
        severity: issue.severity.name,
        confidence: issue.confidence.name,
        file: issue.file,
        line: issue.location.line,
        column: issue.location.column,
        code: typeof issue.sample === 'string' ? issue.sample.trim() : '',
        description: issue.description,
        url: issue.shortenedURL,
      })),
      failures: result.errors.filter((error) => !error.tolerable).map((error) => ({ file: path.relative(input, error.file), message: error.message })),
    };
  } finally {
    fs.rmSync(input, { recursive: true, force: true });
  }
}

/** Reads the allow-list: { allowed: [{ check, file, code, reason }] }. Throws a sentence naming the bad entry and field. */
export function parseAllowList(text, name = allowListFile) {
  let json;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${name} is not valid JSON (${error.message}); fix the syntax.`);
  }
  if (!json || typeof json !== 'object' || !Array.isArray(json.allowed)) throw new Error(`${name} needs an "allowed" list of reviewed findings.`);
  return json.allowed.map((entry, index) => {
    const where = `${name}, entry ${index + 1}`;
    if (!entry || typeof entry !== 'object') throw new Error(`${where} is not an object with check, file, code and reason.`);
    const unknown = Object.keys(entry).filter((key) => !['check', 'file', 'code', 'reason'].includes(key));
    if (unknown.length > 0) throw new Error(`${where} has unknown field ${JSON.stringify(unknown[0])}; use only check, file, code and reason.`);
    if (typeof entry.check !== 'string' || !/^[A-Z0-9_]+_CHECK$/.test(entry.check)) throw new Error(`${where}: "check" must be an Electronegativity check id such as OPEN_EXTERNAL_JS_CHECK.`);
    if (typeof entry.file !== 'string' || entry.file === '') throw new Error(`${where}: "file" must be the finding's file, relative to the repository (e.g. electron/window.ts).`);
    if (typeof entry.code !== 'string' || entry.code.trim() === '') throw new Error(`${where}: "code" must be the exact line the finding points at (for CSP checks, the policy).`);
    if (typeof entry.reason !== 'string' || entry.reason.trim().split(/\s+/).length < 5) throw new Error(`${where}: "reason" must say, in a sentence, why this finding is safe here.`);
    return { check: entry.check, file: entry.file, code: entry.code.trim(), reason: entry.reason.trim() };
  });
}

/** Sorts findings into allowed, unexpected (at the gate or above, not listed) and below the gate; lists stale entries. */
export function review(findings, allowList) {
  const used = new Set();
  const allowed = [];
  const unexpected = [];
  const belowGate = [];
  for (const finding of findings) {
    if (severities.indexOf(finding.severity) < gate) {
      belowGate.push(finding);
      continue;
    }
    const entry = allowList.find((e) => e.check === finding.check && e.file === finding.file && e.code === finding.code);
    if (entry) {
      used.add(entry);
      allowed.push({ finding, entry });
    } else unexpected.push(finding);
  }
  return { allowed, unexpected, belowGate, stale: allowList.filter((entry) => !used.has(entry)) };
}

async function main() {
  let allowList;
  try {
    allowList = parseAllowList(fs.readFileSync(allowListFile, 'utf8'));
  } catch (error) {
    console.error(error.code === 'ENOENT' ? `${allowListFile} is missing; it lists the reviewed Electronegativity findings.` : error.message);
    process.exit(1);
  }
  const { electronVersion, findings, failures } = await scan();
  const { allowed, unexpected, stale } = review(findings, allowList);
  console.log(`Electronegativity ${loadElectronegativity().version} on ${scannedFolders.join('/, ')}/ (Electron ${electronVersion}): ${findings.length} findings, ${allowed.length} reviewed in ${allowListFile}.`);
  for (const failure of failures) console.error(`✖ ${failure.file} could not be parsed, so it was not checked: ${failure.message}`);
  for (const f of unexpected) {
    console.error(`✖ ${f.file}:${f.line}:${f.column} ${f.check} (${f.severity}, ${f.confidence}): ${f.description} ${f.url}\n    ${f.code}`);
  }
  for (const e of stale) console.error(`✖ ${allowListFile} approves ${e.check} in ${e.file} for "${e.code}", which is no longer found: remove the entry.`);
  if (unexpected.length > 0) console.error(`Fix the ${unexpected.length} finding(s) above, or, once reviewed, list each in ${allowListFile} with check, file, code and reason.`);
  if (failures.length + unexpected.length + stale.length > 0) process.exit(1);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
