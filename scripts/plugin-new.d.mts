// Types for scripts/plugin-new.mjs, used by its unit test.
export declare const API_VERSION: number;
export declare function scaffold(kind: string, name: string, folder: string): string[];
