/** The open conversation: header, message list, composer or why there is none (files may be dropped on all of it); and the read-receipt wiring for it. */
import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { useReadReceipts } from '../hooks/useReadReceipts'
import { useUi } from '../store/ui'
import { ComposerArea } from './ComposerArea'
import { ConversationHeader } from './ConversationHeader'
import { FileDropZone } from './FileDropZone'
import { MessageList } from './MessageList'

function OpenConversation({ conversationId }: { conversationId: string }) {
  const titleId = useId()
  const reportVisibleSeq = useReadReceipts(conversationId)
  return (
    <section className="conversation" aria-labelledby={titleId} data-testid="conversation" data-conversation-id={conversationId}>
      <FileDropZone conversationId={conversationId}>
        <ConversationHeader conversationId={conversationId} titleId={titleId} />
        <MessageList conversationId={conversationId} onVisibleSeq={reportVisibleSeq} />
        <ComposerArea conversationId={conversationId} />
      </FileDropZone>
    </section>
  )
}

export function ConversationView() {
  const { t } = useTranslation()
  const active = useUi((state) => state.activeConversationId)
  if (active === null) {
    return (
      <section className="conversation conversation--empty" data-testid="no-conversation">
        <p>{t('conversation.noneSelected')}</p>
      </section>
    )
  }
  return <OpenConversation key={active} conversationId={active} />
}
