/**
 * The state shown beside an own message: pending (clock), failed, sent (✓),
 * delivered (✓✓) or read (✓✓ highlighted), from the other members' markers.
 * In a group a message counts as delivered/read when every other member has
 * it; `readBy` counts the members who read it so far ("read by N").
 */
import type { ChatConversation, ChatMessage } from '../../../shared/ipc'

export type Receipt = 'pending' | 'failed' | 'sent' | 'delivered' | 'read'

export interface ReceiptInfo {
  receipt: Receipt
  /** Other members whose readSeq reached the message. */
  readBy: number
  /** Other members (everyone but me). */
  recipients: number
}

export function receiptOf(
  message: Pick<ChatMessage, 'seq' | 'state'>,
  conversation: Pick<ChatConversation, 'memberIds' | 'markers'>,
  me: string,
): ReceiptInfo {
  const others = conversation.memberIds.filter((id) => id !== me)
  if (message.state === 'pending' || message.state === 'failed' || message.seq === null) {
    return { receipt: message.state === 'failed' ? 'failed' : 'pending', readBy: 0, recipients: others.length }
  }
  const seq = message.seq
  let readBy = 0
  let deliveredTo = 0
  for (const id of others) {
    const marker = conversation.markers[id]
    if (marker === undefined) continue
    if (marker.readSeq >= seq) readBy++
    if (marker.readSeq >= seq || marker.deliveredSeq >= seq) deliveredTo++
  }
  const everyone = others.length
  const receipt: Receipt = everyone > 0 && readBy === everyone ? 'read' : everyone > 0 && deliveredTo === everyone ? 'delivered' : 'sent'
  return { receipt, readBy, recipients: everyone }
}
