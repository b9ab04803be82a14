// Packaging: electron-builder.yml is what electron-builder accepts (its own schema check, so a
// misspelt key fails here, not on a release machine), the packaged binary has its fuses set, Linux
// gets AppImage and deb, better-sqlite3 is rebuilt for Electron and unpacked; package.json's engines
// match what the tools need; `npm run dist` says in one line why it cannot run without Electron.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { electronBinary } from '../../scripts/electron-binary.mjs';

const require = createRequire(import.meta.url);
// electron-builder's own modules: the YAML parser it reads the file with, and the check it runs on it.
const builderLib = createRequire(require.resolve('electron-builder/package.json'));
const appBuilder = createRequire(builderLib.resolve('app-builder-lib/package.json'));
const yaml = appBuilder('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = appBuilder('./out/util/config/config.js') as { validateConfiguration(config: unknown, logger: unknown): Promise<void> };
const { DebugLogger } = appBuilder('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

type BuilderConfig = Record<string, unknown> & {
  electronFuses?: Record<string, unknown>;
  linux?: { target?: unknown };
  asarUnpack?: string[];
};
const readConfig = () => yaml.load(fs.readFileSync('electron-builder.yml', 'utf8')) as BuilderConfig;
const validate = (config: unknown) => validateConfiguration(config, new DebugLogger(false));

describe('electron-builder.yml', () => {
  it("passes electron-builder's schema", async () => {
    await expect(validate(readConfig())).resolves.toBeUndefined();
  });

  it('would fail on a misspelt key, at the top or inside electronFuses', async () => {
    const config = readConfig();
    await expect(validate({ ...config, asarUnpak: ['x'] })).rejects.toThrow(/configuration/);
    await expect(validate({ ...config, electronFuses: { ...config.electronFuses, runAsNod: false } })).rejects.toThrow(/electronFuses/);
  });

  it('turns the fuses on in the packaged binary', () => {
    expect(readConfig().electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('builds AppImage and deb from an asar, with better-sqlite3 rebuilt for Electron and unpacked', () => {
    const config = readConfig();
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(true);
    expect(config.asarUnpack).toContain('node_modules/better-sqlite3/**/*.node');
    expect(fs.readdirSync('node_modules/better-sqlite3/build/Release').some((f) => f.endsWith('.node'))).toBe(true);
  });
});

describe('package.json engines', () => {
  const semver = createRequire(require.resolve('vite'))('semver') as { subset(a: string, b: string): boolean; validRange(r: string): string | null };
  const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { engines: { node: string }; dependencies: Record<string, string>; devDependencies: Record<string, string> };
  // The electron package's own engines are for its download-on-install script; the app runs on Electron's bundled Node.
  // better-sqlite3 lists each Node major it was tested on (up to 26.x), which an open range cannot express.
  const exempt = new Set(['electron', 'better-sqlite3']);

  it('is a valid range that includes the Node running here', () => {
    expect(semver.validRange(pkg.engines.node)).not.toBeNull();
    expect(semver.subset(process.versions.node, pkg.engines.node)).toBe(true);
  });

  it('asks for no Node that a dependency or tool refuses', () => {
    const refused = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })
      .filter((name) => !exempt.has(name))
      .map((name) => [name, (JSON.parse(fs.readFileSync(`node_modules/${name}/package.json`, 'utf8')) as { engines?: { node?: string } }).engines?.node] as const)
      .filter(([, range]) => range && !semver.subset(pkg.engines.node, range))
      .map(([name, range]) => `${name} needs ${range}`);
    expect(refused).toEqual([]);
  });

  it('includes Node 20 (the machines here), 22 (Electron\'s) and 24', () => {
    for (const version of ['20.19.0', '22.13.0', '22.20.0', '24.0.0']) expect(semver.subset(version, pkg.engines.node), version).toBe(true);
  });
});

describe('npm run dist', () => {
  it("stops with one line naming the missing Electron binary, and a failing exit code", (context) => {
    const binary = electronBinary();
    context.skip(Boolean(binary.path), `Electron's binary is installed here (${binary.path}), so npm run dist would really package the app.`);
    const run = spawnSync(process.execPath, ['scripts/dist.mjs'], { encoding: 'utf8' });
    const output = `${run.stdout}${run.stderr}`.trim();
    expect(run.status).not.toBe(0);
    expect(output.split('\n')).toHaveLength(1);
    expect(output).toMatch(/^npm run dist cannot package Switchboard: .*Electron's binary is not installed/);
    expect(fs.readFileSync('package.json', 'utf8')).toContain('"dist": "node scripts/dist.mjs"');
  });
});
