/**
 * GET /download as one server-rendered HTML document: no script, one inline
 * style allowed by its hash, every word from a feed escaped. The installer
 * for the visitor's OS comes first; then every file of the release with its
 * size and SHA-512 (base64 as in the feed, hex as `sha512sum` prints it).
 */
import { createHash } from 'node:crypto'
import { feedOs, sha512Hex, type DesktopOs } from './feed'
import { OS_NAMES, STRINGS, type DownloadStrings, type InstallerKind } from './download-strings'
import type { FeedRelease, ReleaseFile, ReleaseFolder } from './release-folder'
import { PAGE_LANGUAGES, type PageLanguage } from './visitor'

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2433;background:#fff}
@media (prefers-color-scheme:dark){body{color:#e6e9ef;background:#171a21}a{color:#8ab4ff}}
header{display:flex;justify-content:space-between;align-items:baseline;gap:1rem}
.offer{margin:1.5rem 0;padding:1rem 1.25rem;border:1px solid #8884;border-radius:.5rem}
.button{display:inline-block;margin:.25rem .5rem .25rem 0;padding:.6rem 1rem;border-radius:.4rem;background:#2563eb;color:#fff;text-decoration:none;font-weight:600}
table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}th,td{text-align:left;vertical-align:top;padding:.4rem .5rem;border-bottom:1px solid #8884}
code{font-size:.8rem;word-break:break-all}small{opacity:.75}`

/** Nothing but this page's own style: no script, no frame, no form, no other origin. */
export const DOWNLOAD_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

export interface DownloadPage {
  /** 404 while there is nothing to download. */
  status: 200 | 404
  html: string
}

export interface Visitor {
  os: DesktopOs | null
  lang: PageLanguage
}

/** What a visitor on each OS installs from (the .zip is macOS's update payload, not an installer). */
const OFFERED: Record<DesktopOs, InstallerKind[]> = { windows: ['exe'], mac: ['dmg'], linux: ['AppImage', 'deb'] }

export function renderDownloadPage(folder: ReleaseFolder, visitor: Visitor): DownloadPage {
  const t = STRINGS[visitor.lang]
  if (folder.feeds.length === 0) {
    const [message, admin] = folder.unreadable.length === 0 ? [t.noRelease, t.noReleaseAdmin] : [t.unreadableRelease, t.unreadableAdmin]
    return { status: 404, html: document(visitor.lang, `<p><strong>${escape(message)}</strong></p>\n<p>${escape(admin)}</p>`) }
  }
  const order: DesktopOs[] = ['windows', 'mac', 'linux']
  const feeds = [...folder.feeds].sort((a, b) => order.indexOf(a.os) - order.indexOf(b.os) || a.feed.localeCompare(b.feed))
  const parts: string[] = [`<p>${escape(t.intro)}</p>`]
  parts.push(offer(feeds, visitor, t))
  for (const { feed } of folder.unreadable) parts.push(`<p><strong>${escape(t.unreadableFeed(OS_NAMES[feedOs(feed)]))}</strong></p>`)
  parts.push(`<h2>${escape(t.allFiles)}</h2>`)
  for (const release of feeds) parts.push(fileTable(release, visitor.lang, t))
  if (feeds.some((release) => release.files.some((file) => kindOf(file.name) === 'zip'))) parts.push(`<p><small>${escape(t.updatesNote)}</small></p>`)
  parts.push(`<p><small>${escape(t.verify)}</small></p>`)
  return { status: 200, html: document(visitor.lang, parts.join('\n')) }
}

/** The visitor's installers, prominently; or a pointer to the list. */
function offer(feeds: FeedRelease[], visitor: Visitor, t: DownloadStrings): string {
  const mine = visitor.os === null ? [] : feeds.filter((release) => release.os === visitor.os)
  const sections = mine.flatMap((release) => {
    const files = release.files.filter((file) => file.present && OFFERED[release.os].includes(kindOf(file.name)))
    if (files.length === 0) return []
    const buttons = files.map((file) => {
      const arch = archOf(file.name)
      const what = `${t.kind[kindOf(file.name)]}${arch === null ? '' : ` · ${arch}`}`
      const size = file.size === null ? '' : ` <small>(${escape(formatSize(file.size, visitor.lang))})</small>`
      return `<a class="button" href="${escape(fileUrl(file.name))}">${escape(t.download(what))}</a>${size}`
    })
    const date = releaseDate(release.releaseDate, visitor.lang)
    return [
      `<section class="offer"><h2>${escape(t.forYourSystem(OS_NAMES[release.os], release.version))}</h2>`,
      `<p>${buttons.join('<br>\n')}</p>`,
      date === null ? '' : `<p><small>${escape(t.released(date))}</small></p>`,
      '</section>',
    ].join('\n')
  })
  return sections.length > 0 ? sections.join('\n') : `<p>${escape(t.chooseBelow)}</p>`
}

function fileTable(release: FeedRelease, lang: PageLanguage, t: DownloadStrings): string {
  const rows = release.files.map((file: ReleaseFile) => {
    const name = file.present ? `<a href="${escape(fileUrl(file.name))}">${escape(file.name)}</a>` : `${escape(file.name)} <small>(${escape(t.missing)})</small>`
    const size = file.size === null ? '' : `<data value="${file.size}">${escape(formatSize(file.size, lang))}</data>`
    return `<tr><td>${name}</td><td>${size}</td><td><code>${escape(file.sha512)}</code><br><code>${escape(sha512Hex(file.sha512))}</code></td></tr>`
  })
  return [
    `<h3>${escape(OS_NAMES[release.os])} · ${escape(release.version)}</h3>`,
    `<table><thead><tr><th>${escape(t.file)}</th><th>${escape(t.size)}</th><th>${escape(t.sha512)}</th></tr></thead>`,
    `<tbody>${rows.join('\n')}</tbody></table>`,
  ].join('\n')
}

function document(lang: PageLanguage, body: string): string {
  const t = STRINGS[lang]
  const other = PAGE_LANGUAGES.find((language) => language !== lang) ?? 'en'
  const otherName = STRINGS[other].languageName
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escape(t.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${escape(t.title)}</h1><a href="?lang=${other}" hreflang="${other}" lang="${other}">${escape(otherName)}</a></header>
<main>
${body}
</main>
</body>
</html>
`
}

export function kindOf(fileName: string): InstallerKind {
  const extension = /\.(exe|dmg|AppImage|deb|zip)$/.exec(fileName)?.[1]
  return (extension as InstallerKind | undefined) ?? 'other'
}

/** The architecture electron-builder puts in the artifact name (`${arch}`), for the button's label. */
function archOf(fileName: string): string | null {
  if (/(?:^|[-_.])(?:arm64|aarch64)(?:[-_.]|$)/.test(fileName)) return 'arm64'
  if (/(?:^|[-_.])(?:x64|x86_64|amd64)(?:[-_.]|$)/.test(fileName)) return 'x64'
  if (/(?:^|[-_.])(?:armv7l|armhf)(?:[-_.]|$)/.test(fileName)) return 'armv7l'
  if (/(?:^|[-_.])(?:ia32|i386)(?:[-_.]|$)/.test(fileName)) return 'ia32'
  if (/(?:^|[-_.])universal(?:[-_.]|$)/.test(fileName)) return 'universal'
  return null
}

/** Relative, so the links still work behind a proxy that serves Parley under a path (/parley/download → /parley/updates/…). */
function fileUrl(name: string): string {
  return `updates/${encodeURIComponent(name)}`
}

/** 1,000-based units, in the page's language: 512 bytes, 84.3 MB; 512字节, 84.3 MB. */
export function formatSize(bytes: number, lang: PageLanguage): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit += 1
  }
  return new Intl.NumberFormat(lang, { style: 'unit', unit: units[unit], unitDisplay: unit === 0 ? 'long' : 'short', maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value)
}

function releaseDate(value: string | null, lang: PageLanguage): string | null {
  if (value === null || Number.isNaN(Date.parse(value))) return null
  return new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(value))
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}
