/** What the preload exposes on `window.parley`. */
export interface ParleyApi {
  readonly appName: string
}

declare global {
  interface Window {
    parley: ParleyApi
  }
}
