/**
 * Writing a message: Enter sends, Shift+Enter is a newline (and Enter while
 * an input method is composing — Chinese, Japanese — belongs to the IME).
 * Empty or whitespace-only text is not sent; past the 4,000-character limit
 * a counter turns red and sending is refused. Typing is reported to the
 * core (throttled here; the core throttles the network) and stopped on send
 * or when the text is cleared. The draft survives switching conversations
 * and restarts: it is read from the core when the conversation opens and
 * saved as typing pauses, when switching away and on send (store/drafts.ts).
 *
 * Also: the quote bar of the message being answered (Esc cancels), the `@`
 * autocomplete of the conversation's members (↑/↓, Enter or Tab, Esc), ↑ in
 * an empty box to edit my last message, and the formatting help.
 *
 * Files: the paperclip (or Ctrl/Cmd+U) opens the native picker; pasted files
 * and images are read into the outbox (store/staged.ts); they wait in the
 * strip above the text box, whose text becomes their caption. Enter sends
 * text and files together — the text may then be empty.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ClipboardEvent, type FormEvent, type KeyboardEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { useShallow } from 'zustand/react/shallow'
import type { ChatUser } from '../../../shared/ipc'
import { useIntlLocale } from '../hooks/useLocale'
import { callError } from '../lib/call-error'
import { insertMention, matchMembers, mentionQueryAt, type MentionQuery } from '../lib/mention-query'
import { BODY_MAX, COUNTER_FROM, bodyLength, checkDraft } from '../lib/text-length'
import { useCompose } from '../store/compose'
import { editDraft, flushDraft, loadDraft, replaceDraft } from '../store/drafts'
import { useConversations } from '../store/conversations'
import { useMessages } from '../store/messages'
import { selectMe, useSession } from '../store/session'
import { useSettings } from '../store/settings'
import { stagedIn, useStaged } from '../store/staged'
import { useTyping } from '../store/typing'
import { useUi } from '../store/ui'
import { useUsers } from '../store/users'
import { AttachButton } from './AttachButton'
import { FormattingHelp } from './FormattingHelp'
import { CloseIcon, ReplyIcon, SendIcon } from './Icons'
import { COMPOSER_ID, edit } from './message-actions'
import { MENTION_LIST_ID, MentionSuggestions, mentionOptionId } from './MentionSuggestions'
import { snippetOf } from './reply-text'
import { StagedFiles } from './StagedFiles'
import { StagingProblemText } from './StagingProblem'
import { attachmentsText } from './attachment-text'

const noPeople: ChatUser[] = []

/** The members of the conversation other than me, as the users slice knows them. */
function useMembers(conversationId: string, me: string): ChatUser[] {
  const ids = useConversations(useShallow((state) => state.byId[conversationId]?.memberIds ?? []))
  const users = useUsers(useShallow((state) => ids.filter((id) => id !== me).map((id) => state.byId[id])))
  return useMemo(() => {
    const known = users.filter((user): user is ChatUser => user !== undefined)
    return known.length === 0 ? noPeople : known
  }, [users])
}

function ReplyBar({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation()
  const target = useCompose((state) => state.replyingTo[conversationId])
  const name = useUsers((state) => (target === undefined ? '' : (state.byId[target.senderId]?.displayName ?? t('common.unknownUser'))))
  if (target === undefined) return null
  return (
    <div className="reply-bar" data-testid="reply-bar">
      <ReplyIcon size={16} />
      <span className="reply-bar__body">
        <bdi className="reply-bar__name" dir="auto">
          {t('composer.replyingTo', { name })}
        </bdi>
        <bdi className="reply-bar__text" dir="auto">
          {target.body.trim() === '' ? attachmentsText(t, target.attachments) : snippetOf(target.body)}
        </bdi>
      </span>
      <button
        type="button"
        className="icon-button icon-button--small"
        aria-label={t('composer.cancelReply')}
        title={t('composer.cancelReply')}
        data-testid="cancel-reply"
        onClick={() => useCompose.getState().cancelReply(conversationId)}
      >
        <CloseIcon size={16} />
      </button>
    </div>
  )
}

const TYPING_EVERY_MS = 1_000

export function Composer({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation()
  const locale = useIntlLocale()
  const text = useUi((state) => state.drafts[conversationId] ?? '')
  const spellcheck = useSettings((state) => state.settings.spellcheck)
  const [error, setError] = useState<string | null>(null)
  const lastTypingAt = useRef(0)
  const input = useRef<HTMLTextAreaElement>(null)
  const me = useSession(selectMe)
  const members = useMembers(conversationId, me)
  const [mention, setMention] = useState<MentionQuery | null>(null)
  const [activeOption, setActiveOption] = useState(0)
  const suggestions = useMemo(() => (mention === null ? noPeople : matchMembers(members, mention.query)), [mention, members])
  const suggesting = mention !== null && suggestions.length > 0
  const staged = useStaged(stagedIn(conversationId))
  const stagingProblem = useStaged((state) => state.problems[conversationId])
  const reading = staged.some((item) => item.status === 'reading')
  const files = staged.filter((item) => item.status === 'staged').length

  useEffect(() => {
    input.current?.focus()
    loadDraft(conversationId)
    return () => {
      flushDraft(conversationId)
      if (lastTypingAt.current > 0) useTyping.getState().setMyTyping(conversationId, false)
    }
  }, [conversationId])

  const stopTyping = () => {
    if (lastTypingAt.current === 0) return
    lastTypingAt.current = 0
    useTyping.getState().setMyTyping(conversationId, false)
  }

  const findMention = (element: HTMLTextAreaElement) => {
    const caret = element.selectionStart === element.selectionEnd ? element.selectionStart : -1
    const next = caret < 0 ? null : mentionQueryAt(element.value, caret)
    setMention((current) => (current?.start === next?.start && current?.query === next?.query ? current : next))
    if (next?.query !== mention?.query) setActiveOption(0)
  }

  const pickMention = (user: ChatUser) => {
    const element = input.current
    if (element === null || mention === null) return
    const next = insertMention(element.value, mention, element.selectionStart, user.username)
    pendingCaret.current = next.caret
    change(next.text)
    setMention(null)
  }
  // After the text with the mention is in the textarea — in the same task, before the next key is
  // handled: a caret set a frame later moved back over what was typed meanwhile ("一起去" became
  // "起去一" when typed right after picking a mention).
  const pendingCaret = useRef<number | null>(null)
  useLayoutEffect(() => {
    const element = input.current
    const caret = pendingCaret.current
    if (element === null || caret === null) return
    pendingCaret.current = null
    element.focus()
    element.setSelectionRange(caret, caret)
  })

  const change = (value: string) => {
    editDraft(conversationId, value)
    setError(null)
    useStaged.getState().clearProblem(conversationId)
    if (value.trim() === '') {
      stopTyping()
      return
    }
    const now = Date.now()
    if (now - lastTypingAt.current >= TYPING_EVERY_MS) {
      lastTypingAt.current = now
      useTyping.getState().setMyTyping(conversationId, true)
    }
  }

  const length = bodyLength(text)
  const tooLong = length > BODY_MAX
  const draftCheck = checkDraft(text)
  // With files the text is a caption and may be empty.
  const canSend = !reading && (draftCheck.ok || (files > 0 && !tooLong))

  const send = () => {
    const draft = checkDraft(text)
    if (!draft.ok && (draft.reason === 'too_long' || files === 0)) {
      if (draft.reason === 'too_long') setError(t('composer.tooLong', { max: BODY_MAX.toLocaleString(locale) }))
      else if (reading) setError(t('attachments.stillReading'))
      return
    }
    if (reading) {
      setError(t('attachments.stillReading'))
      return
    }
    const body = draft.ok ? draft.body : ''
    const replyTo = useCompose.getState().replyingTo[conversationId]
    const taken = useStaged.getState().take(conversationId)
    replaceDraft(conversationId, '')
    useCompose.getState().cancelReply(conversationId)
    setMention(null)
    stopTyping()
    useMessages
      .getState()
      .sendMessage(
        conversationId,
        body,
        replyTo?.key,
        taken.flatMap((item) => (item.status === 'staged' ? [item.file.stagedId] : [])),
      )
      .catch((err: unknown) => {
        replaceDraft(conversationId, text)
        if (replyTo !== undefined) useCompose.getState().replyTo(replyTo)
        useStaged.getState().restore(conversationId, taken)
        const failure = callError(err)
        setError(failure.code === 'blocked' ? t('composer.blockedByThem') : t('composer.sendFailed', { message: failure.message }))
      })
  }

  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    // Files (a screenshot, files copied in a file manager) are attached; their names as text are not pasted.
    const pasted = [...event.clipboardData.files]
    if (pasted.length === 0) return
    event.preventDefault()
    useStaged.getState().addFiles(conversationId, pasted)
  }

  /** ↑ in an empty box: edit my last message that can still be edited. */
  const editLast = (): boolean => {
    const run = useMessages.getState().byConversation[conversationId]
    // Scrolled back from the latest: my last message is not among those held.
    if (run?.hasMoreAfter) return false
    const held = run?.messages ?? []
    for (let i = held.length - 1; i >= 0; i--) {
      const message = held[i]
      if (message === undefined || message.senderId !== me || message.kind === 'system' || message.deletedAt !== null || message.state === 'failed') continue
      edit(message)
      useUi.getState().jumpToMessage({ conversationId, messageKey: message.key, seq: message.seq })
      return true
    }
    return false
  }

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    const composing = event.nativeEvent.isComposing || event.keyCode === 229
    if (composing) return
    if (suggesting) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault()
        const step = event.key === 'ArrowDown' ? 1 : -1
        setActiveOption((index) => (index + step + suggestions.length) % suggestions.length)
        return
      }
      if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') {
        event.preventDefault()
        const user = suggestions[Math.min(activeOption, suggestions.length - 1)]
        if (user !== undefined) pickMention(user)
        return
      }
      if (event.key === 'Escape') {
        event.preventDefault()
        setMention(null)
        return
      }
    }
    if (event.key === 'Escape' && useCompose.getState().replyingTo[conversationId] !== undefined) {
      event.preventDefault()
      useCompose.getState().cancelReply(conversationId)
      return
    }
    if (event.key === 'ArrowUp' && text === '' && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey) {
      if (editLast()) event.preventDefault()
      return
    }
    if (event.key !== 'Enter' || event.shiftKey || event.altKey) return
    event.preventDefault()
    send()
  }

  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    send()
  }

  return (
    <form className="composer" onSubmit={onSubmit} data-testid="composer-form">
      <ReplyBar conversationId={conversationId} />
      <StagedFiles conversationId={conversationId} />
      <AttachButton conversationId={conversationId} />
      <div className="composer__field">
        {suggesting && <MentionSuggestions people={suggestions} active={Math.min(activeOption, suggestions.length - 1)} onPick={pickMention} />}
        <textarea
          ref={input}
          id={COMPOSER_ID}
          className="composer__input"
          data-testid="composer"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={suggesting}
          aria-controls={suggesting ? MENTION_LIST_ID : undefined}
          aria-activedescendant={suggesting ? mentionOptionId((suggestions[Math.min(activeOption, suggestions.length - 1)] as ChatUser).id) : undefined}
          aria-label={t('composer.label')}
          aria-describedby={tooLong || error || stagingProblem ? 'composer-error' : length >= COUNTER_FROM ? 'composer-counter' : undefined}
          aria-invalid={tooLong}
          placeholder={t('composer.placeholder')}
          value={text}
          rows={1}
          dir="auto"
          // Electron's checker (the shell applies the setting and its dictionaries; right-click for suggestions).
          spellCheck={spellcheck}
          onChange={(event) => {
            change(event.target.value)
            findMention(event.target)
          }}
          onSelect={(event) => findMention(event.currentTarget)}
          onPaste={onPaste}
          onBlur={() => setMention(null)}
          onKeyDown={onKeyDown}
        />
        {length >= COUNTER_FROM && (
          <span id="composer-counter" className={tooLong ? 'composer__counter composer__counter--over' : 'composer__counter'} data-testid="composer-counter">
            {t('composer.counter', { used: length.toLocaleString(locale), max: BODY_MAX.toLocaleString(locale) })}
          </span>
        )}
      </div>
      <FormattingHelp />
      <button type="submit" className="composer__send" aria-label={t('composer.send')} title={t('composer.send')} disabled={!canSend}>
        <SendIcon />
      </button>
      {(tooLong || error !== null || stagingProblem !== undefined) && (
        <p id="composer-error" className="composer__error" role="alert" data-testid="composer-error">
          {error ?? (tooLong ? t('composer.tooLong', { max: BODY_MAX.toLocaleString(locale) }) : <StagingProblemText problem={stagingProblem} />)}
        </p>
      )}
    </form>
  )
}
