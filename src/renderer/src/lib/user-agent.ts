/**
 * A device's User-Agent in a few words for the devices list: "Parley on
 * Windows", "Chrome on macOS". Null when it says nothing recognisable (the
 * full string is the tooltip).
 */
const SYSTEMS: [RegExp, string][] = [
  [/Windows/i, 'Windows'],
  [/Mac OS X|Macintosh/i, 'macOS'],
  [/Android/i, 'Android'],
  [/iPhone|iPad|iOS/i, 'iOS'],
  [/CrOS/i, 'ChromeOS'],
  [/Linux/i, 'Linux'],
]

const APPS: [RegExp, string][] = [
  [/Parley/i, 'Parley'],
  [/Electron/i, 'Parley'],
  [/Edg\//i, 'Edge'],
  [/Firefox\//i, 'Firefox'],
  [/Chrom(e|ium)\//i, 'Chrome'],
  [/Safari\//i, 'Safari'],
  [/node|undici/i, 'Node.js'],
]

export function deviceName(userAgent: string): string | null {
  const app = APPS.find(([pattern]) => pattern.test(userAgent))?.[1]
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1]
  if (app === undefined && system === undefined) return userAgent.trim() === '' ? null : userAgent.trim().slice(0, 60)
  if (app === undefined) return system as string
  return system === undefined ? app : `${app} · ${system}`
}
