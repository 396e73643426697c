/**
 * A message body, formatted (lib/markdown.ts) into React elements — never
 * HTML. Links are anchors whose click asks the core to open them in the
 * browser (the page itself never navigates); `@name`s of the members the
 * message mentions are chips with their display names. `dir="auto"` and bidi
 * isolation keep right-to-left text and stray override characters inside the
 * bubble.
 */
import { memo, type MouseEvent, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { useShallow } from 'zustand/react/shallow'
import { formatMessage, type Block, type Inline } from '../lib/markdown'
import { selectMe, useSession } from '../store/session'
import { useUi } from '../store/ui'
import { useUsers } from '../store/users'

function open(event: MouseEvent<HTMLAnchorElement>, url: string): void {
  event.preventDefault()
  event.stopPropagation()
  useUi.getState().openLink(url)
}

export interface Mentioned {
  id: string
  displayName: string
}

export interface Context {
  /** Mentioned members by lower-case username. */
  mentioned: ReadonlyMap<string, Mentioned>
  me: string
  openLabel(url: string): string
}

function MentionChip({ name, context }: { name: string; context: Context }): ReactNode {
  const lower = name.toLowerCase()
  let person = context.mentioned.get(lower)
  let rest = ''
  if (person === undefined) {
    // "@bob." at the end of a sentence mentions bob (src/shared/message-content.ts).
    const trimmed = lower.replace(/[.-]+$/, '')
    person = trimmed.length > 0 ? context.mentioned.get(trimmed) : undefined
    if (person !== undefined) rest = name.slice(trimmed.length)
  }
  if (person === undefined) return `@${name}`
  const username = rest === '' ? name : name.slice(0, name.length - rest.length)
  return (
    <>
      <span
        className={person.id === context.me ? 'mention mention--me' : 'mention'}
        data-testid="mention"
        data-user-id={person.id}
        title={`@${username}`}
      >
        @<bdi>{person.displayName || username}</bdi>
      </span>
      {rest}
    </>
  )
}

function renderInline(nodes: readonly Inline[], context: Context): ReactNode[] {
  return nodes.map((node, index) => {
    switch (node.type) {
      case 'text':
        return <span key={index}>{node.text}</span>
      case 'strong':
        return <strong key={index}>{renderInline(node.children, context)}</strong>
      case 'em':
        return <em key={index}>{renderInline(node.children, context)}</em>
      case 'strike':
        return <s key={index}>{renderInline(node.children, context)}</s>
      case 'code':
        return (
          <code key={index} className="md-code">
            {node.text}
          </code>
        )
      case 'link':
        return (
          <a
            key={index}
            href={node.url}
            rel="noreferrer noopener"
            title={context.openLabel(node.url)}
            onClick={(event) => open(event, node.url)}
            // The middle button opens it too. Chromium sends the right button's auxclick as well: that one is the native menu's (open or copy the link).
            onAuxClick={(event) => {
              if (event.button === 1) open(event, node.url)
            }}
          >
            {node.text}
          </a>
        )
      case 'mention':
        return <MentionChip key={index} name={node.name} context={context} />
    }
  })
}

function renderBlocks(blocks: readonly Block[], context: Context): ReactNode[] {
  return blocks.map((block, index) => {
    switch (block.type) {
      case 'paragraph':
        return (
          <p key={index} className="md-p">
            {renderInline(block.children, context)}
          </p>
        )
      case 'code':
        return (
          <pre key={index} className="md-pre">
            <code>{block.text}</code>
          </pre>
        )
      case 'quote':
        return (
          <blockquote key={index} className="md-quote">
            {renderBlocks(block.children, context)}
          </blockquote>
        )
      case 'list': {
        const items = block.items.map((item, i) => <li key={i}>{renderInline(item, context)}</li>)
        return block.ordered ? (
          <ol key={index} className="md-list" start={block.start}>
            {items}
          </ol>
        ) : (
          <ul key={index} className="md-list">
            {items}
          </ul>
        )
      }
    }
  })
}

const noMentions: readonly string[] = []

export const MessageText = memo(function MessageText({ body, mentions = noMentions }: { body: string; mentions?: readonly string[] }) {
  const { t } = useTranslation()
  const me = useSession(selectMe)
  const people = useUsers(
    useShallow((state) =>
      mentions.map((id) => {
        const user = state.byId[id]
        return user === undefined ? '' : `${id}\n${user.username}\n${user.displayName}`
      }),
    ),
  )
  const mentioned = new Map<string, Mentioned>()
  for (const entry of people) {
    const [id, username, displayName] = entry.split('\n')
    if (id && username) mentioned.set(username.toLowerCase(), { id, displayName: displayName ?? '' })
  }
  return <FormattedText body={body} context={{ mentioned, me, openLabel: (url) => t('message.openLink', { url }) }} />
})

/** The body as elements, given who its mentions are (exported for tests: no stores involved). */
export function FormattedText({ body, context }: { body: string; context: Context }) {
  return (
    <div className="message__text" dir="auto">
      {renderBlocks(formatMessage(body), context)}
    </div>
  )
}
