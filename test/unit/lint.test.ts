// Lint itself, on probe files that are never written to disk: a hook called conditionally in the
// renderer, a promise nobody waits for and an async callback where nothing awaits it are all
// reported, so the rules cannot silently stop running (a plugin missing, a config typo).
import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
// The probe paths are the ones eslint.config.js lets the type-aware rules check without a tsconfig entry.
const lint = async (file: string, code: string) => {
  const [result] = await new ESLint({ cwd: root }).lintText(code, { filePath: path.join(root, file) });
  return result!.messages.map((m) => m.ruleId ?? m.message);
};

describe('lint', () => {
  it('reports a hook called conditionally and an unawaited fetch in the renderer', async () => {
    const rules = await lint(
      'renderer/src/lint-probe.tsx',
      `import { useEffect } from 'react';
export function Probe({ open }: { open: boolean }) {
  if (open) useEffect(() => {}, []);
  return null;
}
export function refresh(): void {
  fetch('/state');
}
`,
    );
    expect(rules).toEqual(['react-hooks/rules-of-hooks', '@typescript-eslint/no-floating-promises']);
  }, 60_000);

  it('reports an unawaited promise and an async callback nobody awaits in the core', async () => {
    const rules = await lint(
      'core/lint-probe.ts',
      `async function save(): Promise<void> {}
export function onChange(listeners: (() => void)[]): void {
  save();
  listeners.push(async () => save());
}
`,
    );
    expect(rules).toEqual(['@typescript-eslint/no-floating-promises', '@typescript-eslint/no-misused-promises']);
  }, 60_000);
});
