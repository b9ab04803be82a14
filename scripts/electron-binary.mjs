// Tells whether Electron can run here, and if not, why in one sentence. The npm package installs
// without its binary where GitHub cannot be reached, the usual case on this project's machines. We
// read the package's path.txt ourselves: requiring 'electron' would try (and fail) to download it.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

export function electronBinary() {
  let packageDir;
  try {
    packageDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { ok: false, reason: 'The electron package is not installed (run npm install).' };
  }
  const pathFile = path.join(packageDir, 'path.txt');
  const relative = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : undefined;
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(packageDir, 'dist');
  const binary = relative ? path.join(distDir, relative) : undefined;
  if (!binary || !fs.existsSync(binary)) {
    return {
      ok: false,
      reason: "Electron's binary is not installed: npm downloads it from GitHub, which this machine cannot reach.",
    };
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { ok: false, path: binary, reason: 'There is no display (DISPLAY and WAYLAND_DISPLAY are unset), so no window can open.' };
  }
  return { ok: true, path: binary };
}
