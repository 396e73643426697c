/** Pick people from the directory (`listUsers`), optionally name the group, and start the conversation. */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { ChatUser } from '../../../shared/ipc'
import { useIntlLocale } from '../hooks/useLocale'
import { useNow } from '../hooks/useNow'
import { usePeopleSearch } from '../hooks/usePeopleSearch'
import { callError } from '../lib/call-error'
import { personName } from '../lib/names'
import { useConversations } from '../store/conversations'
import { selectMe, useSession } from '../store/session'
import { useUi } from '../store/ui'
import { useUsers } from '../store/users'
import { PersonOption } from './PersonOption'
import { Dialog } from './Dialog'
import { CloseIcon } from './Icons'
import { focusComposer } from './message-actions'
import { presenceText } from './presence'
import { PresenceDot } from './PresenceDot'

const TITLE_MAX = 100

export function NewConversationDialog() {
  const { t } = useTranslation()
  const locale = useIntlLocale()
  const now = useNow(60_000)
  const me = useSession(selectMe)
  const lookAlikes = useUsers((state) => state.lookAlikes)
  const [query, setQuery] = useState('')
  const search = usePeopleSearch(query, me)
  const people = search.people
  const [selected, setSelected] = useState<ChatUser[]>([])
  const [title, setTitle] = useState('')
  const [busy, setBusy] = useState(false)
  const [failure, setError] = useState<string | null>(null)
  const error = failure ?? (search.error !== null ? callError(search.error).message : null)
  const close = () => useUi.getState().setDialog(null)

  const toggle = (user: ChatUser) =>
    setSelected((current) => (current.some((u) => u.id === user.id) ? current.filter((u) => u.id !== user.id) : [...current, user]))

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (selected.length === 0 || busy) return
    setBusy(true)
    setError(null)
    try {
      const conversation = await useConversations.getState().create({
        memberIds: selected.map((user) => user.id),
        ...(title.trim() ? { title: title.trim() } : {}),
      })
      useUi.getState().setSearchQuery('')
      useUi.getState().openConversation(conversation.id)
      close()
      // Into the new conversation's composer, not back to "New conversation": the next thing is to write.
      focusComposer()
    } catch (err) {
      setError(t('newConversation.failed', { message: callError(err).message }))
      setBusy(false)
    }
  }

  return (
    <Dialog title={t('newConversation.title')} onClose={close} testId="new-conversation-dialog">
      <form className="dialog__body new-conversation" onSubmit={submit}>
        <label className="field">
          <span className="field__label">{t('newConversation.find')}</span>
          <input type="search" value={query} data-autofocus placeholder={t('newConversation.findPlaceholder')} onChange={(e) => setQuery(e.target.value)} maxLength={100} />
        </label>
        {selected.length > 0 && (
          <ul className="chips" aria-label={t('newConversation.selected', { count: selected.length })}>
            {selected.map((user) => {
              const name = personName(user, lookAlikes.has(user.id))
              return (
                <li key={user.id} className="chip">
                  <bdi dir="auto">{name}</bdi>
                  <button type="button" className="chip__remove" aria-label={t('newConversation.remove', { name })} onClick={() => toggle(user)}>
                    <CloseIcon size={12} />
                  </button>
                </li>
              )
            })}
          </ul>
        )}
        <fieldset className="people">
          <legend className="visually-hidden">{t('newConversation.people')}</legend>
          {people === null && <p className="dialog__note">{t('newConversation.loading')}</p>}
          {people !== null && people.length === 0 && <p className="dialog__note">{t('newConversation.none')}</p>}
          {people?.map((user) => {
            // Someone I share no conversation with: the server keeps their presence to itself.
            const presence = user.presenceHidden ? null : presenceText(t, user, now, locale)
            return (
              <PersonOption
                key={user.id}
                user={user}
                checked={selected.some((u) => u.id === user.id)}
                onToggle={() => toggle(user)}
                badge={presence !== null && <PresenceDot online={user.online} label={presence} />}
                note={presence}
              />
            )
          })}
        </fieldset>
        <label className="field">
          <span className="field__label">{t('newConversation.groupTitle')}</span>
          <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={TITLE_MAX} aria-describedby="group-title-hint" />
          <span className="field__hint" id="group-title-hint">
            {t('newConversation.groupHint')}
          </span>
        </label>
        {error !== null && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <footer className="dialog__footer">
          <button type="button" className="button" onClick={close}>
            {t('newConversation.cancel')}
          </button>
          <button type="submit" className="button button--primary" disabled={selected.length === 0 || busy}>
            {busy ? t('newConversation.creating') : t('newConversation.create')}
          </button>
        </footer>
      </form>
    </Dialog>
  )
}
