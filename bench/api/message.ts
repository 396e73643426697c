/**
 * What every benchmark send carries, through REST and straight into the store
 * alike: a clientId unique within this process and a chat-line-sized body.
 */

export const MESSAGE_BODY =
  'Benchmark message: about the length of an ordinary chat line, with a little more text to it.'

let sent = 0

export function nextClientId(sender: number): string {
  sent += 1
  return `bench-${sender}-${sent}`
}
