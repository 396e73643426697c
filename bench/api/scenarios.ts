/**
 * The three load shapes, run against both REST and the bare store: one sender
 * in its own direct conversation; N senders each in their own direct
 * conversation with the receiver; N senders all in one group conversation with
 * the receiver (one hot row for every send's seq).
 */

export type Layout = 'separate' | 'hot'

export interface Scenario {
  key: 'single' | 'separate' | 'hot'
  label: string
  /** Concurrent senders, each a different user. */
  callers: number
  layout: Layout
}

/** Conversation ids by sender index: sender i's direct conversation with the receiver, and the group of all. */
export interface ConversationFixture {
  direct: string[]
  group: string
}

export function scenarios(senders: number): Scenario[] {
  return [
    { key: 'single', label: '1 sender', callers: 1, layout: 'separate' },
    { key: 'separate', label: `${senders} senders, ${senders} conversations`, callers: senders, layout: 'separate' },
    { key: 'hot', label: `${senders} senders, 1 group`, callers: senders, layout: 'hot' },
  ]
}

export function conversationOf(scenario: Scenario, fixture: ConversationFixture, sender: number): string {
  const id = scenario.layout === 'hot' ? fixture.group : fixture.direct[sender]
  if (id === undefined) throw new Error(`no conversation for sender ${sender}`)
  return id
}
