/** Why the cache could not be opened, with a code the shell can act on. */
export type CacheErrorCode = 'cache_too_new' | 'sqlite_too_old' | 'migration_failed' | 'native_module_unavailable'

export class CacheError extends Error {
  constructor(
    readonly code: CacheErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'CacheError'
  }
}
