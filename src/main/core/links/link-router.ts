/**
 * parley:// links the OS hands the app (docs/design.md §8.4): each one is
 * validated (src/shared/deep-link.ts) and either pushed to the renderer at
 * once or, while no renderer has asked for links yet, kept — only the latest
 * — for `takeDeepLink`, which hands it out once.
 *
 * "A renderer listens" is the renderer's own word: it subscribes to the
 * `deepLink` event first and then calls `takeDeepLink` (store/connect.ts).
 * The shell forwards every event from the start, so a link the OS hands over
 * while the window is still loading would otherwise reach a page that is not
 * listening yet and be lost.
 */
import { parseDeepLink, type DeepLink } from '../../../shared/deep-link'
import type { CoreLog } from '../log'

export interface LinkRouterOptions {
  /** Push a link to the renderer (the core's `deepLink` event). */
  emit(link: DeepLink): void
  log: CoreLog
}

export class LinkRouter {
  private pending: DeepLink | null = null
  private rendererListens = false

  constructor(private readonly options: LinkRouterOptions) {}

  /** A link from the OS: true when it is a Parley link (pushed, or kept for `take`); false and a log line otherwise. */
  open(url: string): boolean {
    const link = typeof url === 'string' ? parseDeepLink(url) : null
    if (link === null) {
      // Not the text itself: it came from outside and may carry anything.
      this.options.log.warn({ length: typeof url === 'string' ? url.length : null }, 'ignored a link that is not a Parley link')
      return false
    }
    this.options.log.info({ kind: link.kind }, 'parley:// link')
    if (this.rendererListens) this.options.emit(link)
    else this.pending = link
    return true
  }

  /** The link kept while nobody listened (once), or null; from now on links are pushed. */
  take(): DeepLink | null {
    this.rendererListens = true
    const link = this.pending
    this.pending = null
    return link
  }
}
