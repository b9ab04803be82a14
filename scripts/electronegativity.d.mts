// Types for scripts/electronegativity.mjs, used by its unit test.
export interface Finding {
  check: string;
  severity: 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH';
  confidence: string;
  file: string;
  line: number;
  column: number;
  code: string;
  description: string;
  url: string;
}
export interface AllowEntry {
  check: string;
  file: string;
  code: string;
  reason: string;
}
export declare const allowListFile: string;
export declare const scannedFolders: string[];
export declare function scan(rootDir?: string, folders?: string[]): Promise<{ electronVersion: string; findings: Finding[]; failures: Array<{ file: string; message: string }> }>;
export declare function parseAllowList(text: string, name?: string): AllowEntry[];
export declare function review(
  findings: Finding[],
  allowList: AllowEntry[],
): { allowed: Array<{ finding: Finding; entry: AllowEntry }>; unexpected: Finding[]; belowGate: Finding[]; stale: AllowEntry[] };
