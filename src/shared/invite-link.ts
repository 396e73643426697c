/**
 * Invite links (docs/design.md §4.6): `parley://invite?server=<url>&code=<code>`.
 * The server makes them (POST /api/invites); the app reads them when the OS
 * hands it one (desktop integration) or when one is pasted into the sign-up
 * screen. Anything that is not exactly such a link is null: the server must be
 * an http(s) URL without credentials, the code an invite code's alphabet.
 */
export interface InviteLink {
  serverUrl: string
  code: string
}

const CODE = /^[A-Za-z0-9_-]{8,100}$/

/** The WHATWG URL both Node and the renderer have; src/shared is compiled without either's typings. */
interface WhatwgUrl {
  protocol: string
  host: string
  pathname: string
  origin: string
  username: string
  password: string
  searchParams: { get(name: string): string | null }
}
const { URL, URLSearchParams } = globalThis as unknown as {
  URL: new (text: string) => WhatwgUrl
  URLSearchParams: new (init: Record<string, string>) => { toString(): string }
}

export function inviteLink(serverUrl: string, code: string): string {
  const params = new URLSearchParams({ server: serverUrl, code })
  return `parley://invite?${params.toString()}`
}

export function parseInviteLink(text: string): InviteLink | null {
  const trimmed = text.trim()
  if (trimmed.length > 2_000) return null
  let url: WhatwgUrl
  try {
    url = new URL(trimmed)
  } catch {
    return null
  }
  if (url.protocol !== 'parley:') return null
  // `parley://invite?…` parses with host `invite`; `parley:invite?…` with pathname `invite`.
  const target = url.host !== '' ? url.host + url.pathname.replace(/\/$/, '') : url.pathname.replace(/^\/+|\/$/g, '')
  if (target !== 'invite') return null
  const server = url.searchParams.get('server')
  const code = url.searchParams.get('code')
  if (server === null || code === null || !CODE.test(code)) return null
  let serverUrl: WhatwgUrl
  try {
    serverUrl = new URL(server)
  } catch {
    return null
  }
  if (serverUrl.protocol !== 'http:' && serverUrl.protocol !== 'https:') return null
  if (serverUrl.username !== '' || serverUrl.password !== '') return null
  return { serverUrl: serverUrl.origin + serverUrl.pathname.replace(/\/+$/, ''), code }
}
