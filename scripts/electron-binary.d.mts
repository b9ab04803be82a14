// Types for scripts/electron-binary.mjs, used by the Electron end-to-end test.
export declare function electronBinary(): { ok: true; path: string; reason?: undefined } | { ok: false; path?: string; reason: string };
