// Types of release-files.mjs for the TypeScript that uses it (publish-release, tests).
export declare const FEED_NAME: RegExp

export declare function releaseFiles(
  names: string[],
  feeds: Record<string, unknown>,
): { files: string[]; feeds: string[]; missing: string[] }
