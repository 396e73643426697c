/**
 * Profiles let two accounts run side by side: `--profile NAME` (or
 * PARLEY_PROFILE=NAME) gives the app its own data directory,
 * `<appData>/Parley-NAME`, and with it its own single-instance lock, cache
 * and tokens. Without one the app uses `<appData>/Parley`.
 */
import { join } from 'node:path'

const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/

export type ProfileChoice = { ok: true; name: string | null } | { ok: false; error: string }

/** The flag wins over the environment; a name that could escape appData is refused. */
export function chooseProfile(argv: readonly string[], env: Record<string, string | undefined>): ProfileChoice {
  let name: string | undefined = env.PARLEY_PROFILE || undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (arg === '--profile') name = argv[i + 1] ?? ''
    else if (arg.startsWith('--profile=')) name = arg.slice('--profile='.length)
  }
  if (name === undefined) return { ok: true, name: null }
  if (!PROFILE_NAME.test(name)) {
    return { ok: false, error: `invalid profile name ${JSON.stringify(name)}: use 1–64 letters, digits, - or _` }
  }
  return { ok: true, name }
}

export function userDataDirFor(appDataDir: string, appName: string, profile: string | null): string {
  return join(appDataDir, profile === null ? appName : `${appName}-${profile}`)
}
