// The README's settings examples are what users copy: they must load without a problem.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeIssues, settingsSchema } from '../../shared/settings';

const blocks = [...fs.readFileSync('README.md', 'utf8').matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());

describe('README settings examples', () => {
  it('has examples', () => expect(blocks.length).toBeGreaterThanOrEqual(2));
  it.each(blocks.map((b, i) => [i, b]))('example %i is valid settings', (_, block) => {
    const json = JSON.parse(block.startsWith('{') ? block : `{${block}}`);
    const parsed = settingsSchema.safeParse(json);
    expect(parsed.success ? 'valid' : describeIssues(parsed.error)).toBe('valid');
  });
});
