/**
 * Where the app's updates come from (docs/design.md §7.9): the feed the user
 * set in Settings (`updateUrl`), else the `/updates/` folder of the server
 * the user is signed in to — the generic provider reads `latest*.yml` and the
 * files it names from there. Signed out with no feed set: nowhere.
 */

/** The feed folder's URL (always ending in `/`, so file names resolve inside it), or null when there is none. */
export function updateFeedUrl(updateUrl: string | null, signedInServerUrl: string | null): string | null {
  if (updateUrl !== null) return asFolder(updateUrl)
  if (signedInServerUrl === null) return null
  // `new URL('updates/', base)` keeps a server that lives under a path (https://host/parley/ → …/parley/updates/).
  return new URL('updates/', asFolder(signedInServerUrl)).toString()
}

function asFolder(url: string): string {
  return url.endsWith('/') ? url : `${url}/`
}

/** What a check the user asked for says when there is no feed. */
export const NO_FEED_MESSAGE = 'Sign in to a server to get updates from it, or set an update address in Settings.'
