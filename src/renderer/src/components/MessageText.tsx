/**
 * A message body as text: React text nodes only, never HTML. Detected http(s)
 * links are anchors whose click asks the core to open them in the browser
 * (the page itself never navigates). `dir="auto"` and bidi isolation keep
 * right-to-left text and stray override characters inside the bubble.
 */
import { memo, type MouseEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { splitLinks } from '../lib/links'
import { useUi } from '../store/ui'

function open(event: MouseEvent<HTMLAnchorElement>, url: string): void {
  event.preventDefault()
  event.stopPropagation()
  useUi.getState().openLink(url)
}

export const MessageText = memo(function MessageText({ body }: { body: string }) {
  const { t } = useTranslation()
  return (
    <div className="message__text" dir="auto">
      {splitLinks(body).map((part, index) =>
        part.type === 'text' ? (
          <span key={index}>{part.text}</span>
        ) : (
          <a
            key={index}
            href={part.url}
            rel="noreferrer noopener"
            title={t('message.openLink', { url: part.url })}
            onClick={(event) => open(event, part.url)}
            onAuxClick={(event) => open(event, part.url)}
          >
            {part.text}
          </a>
        ),
      )}
    </div>
  )
})
