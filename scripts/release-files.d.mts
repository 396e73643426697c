// Types of release-files.mjs for the TypeScript that uses it (publish-release, tests).
export declare const FEED_NAME: RegExp

export declare function releaseFiles(
  names: string[],
  feeds: Record<string, unknown>,
): { files: string[]; feeds: string[]; missing: string[] }

export declare function collectRelease(
  out: string,
): { ok: true; dir: string; files: string[] } | { ok: false; error: string }
