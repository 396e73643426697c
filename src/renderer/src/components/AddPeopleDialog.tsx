/** Add people to a group: search the directory (`listUsers`), pick, add. People already in it are shown, not offered. */
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { LIMITS } from '../../../shared/limits'
import { usePeopleSearch } from '../hooks/usePeopleSearch'
import { useConversations } from '../store/conversations'
import { selectMe, useSession } from '../store/session'
import { actionErrorText } from './action-error'
import { PersonOption } from './PersonOption'
import { Dialog } from './Dialog'

const noIds: string[] = []

export function AddPeopleDialog({ conversationId, title, onClose, returnFocusTo }: { conversationId: string; title: string; onClose(): void; returnFocusTo: HTMLElement | null }) {
  const { t } = useTranslation()
  const me = useSession(selectMe)
  const memberIds = useConversations((state) => state.byId[conversationId]?.memberIds ?? noIds)
  const [query, setQuery] = useState('')
  const search = usePeopleSearch(query, me)
  const people = search.people
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set())
  const [busy, setBusy] = useState(false)
  const [failure, setError] = useState<string | null>(null)
  const error = failure ?? (search.error !== null ? actionErrorText(t, search.error) : null)


  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current)
      if (!next.delete(id)) next.add(id)
      return next
    })

  const room = LIMITS.groupMembersMax - memberIds.length
  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (selected.size === 0 || busy) return
    if (selected.size > room) {
      setError(t('errors.tooManyMembers', { max: LIMITS.groupMembersMax }))
      return
    }
    setBusy(true)
    setError(null)
    useConversations
      .getState()
      .addMembers(conversationId, [...selected])
      .then(onClose, (err: unknown) => {
        setError(actionErrorText(t, err))
        setBusy(false)
      })
  }

  return (
    <Dialog title={t('addPeople.title', { title })} onClose={onClose} testId="add-people-dialog" returnFocusTo={returnFocusTo}>
      <form className="dialog__body new-conversation" onSubmit={submit}>
        <label className="field">
          <span className="field__label">{t('newConversation.find')}</span>
          <input type="search" value={query} data-autofocus placeholder={t('newConversation.findPlaceholder')} onChange={(e) => setQuery(e.target.value)} maxLength={100} />
        </label>
        <fieldset className="people">
          <legend className="visually-hidden">{t('newConversation.people')}</legend>
          {people === null && <p className="dialog__note">{t('newConversation.loading')}</p>}
          {people !== null && people.length === 0 && <p className="dialog__note">{t('newConversation.none')}</p>}
          {people?.map((user) => {
            const member = memberIds.includes(user.id)
            return (
              <PersonOption
                key={user.id}
                user={user}
                className={member ? 'person person--member' : 'person'}
                checked={member || selected.has(user.id)}
                disabled={member}
                onToggle={() => toggle(user.id)}
                note={member ? t('addPeople.alreadyMember') : null}
              />
            )
          })}
        </fieldset>
        {error !== null && (
          <p className="form-error" role="alert" data-testid="add-people-error">
            {error}
          </p>
        )}
        <footer className="dialog__footer">
          <button type="button" className="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="button button--primary" disabled={selected.size === 0 || busy} data-testid="add-people-submit">
            {busy ? t('addPeople.adding') : t('addPeople.add', { count: selected.size })}
          </button>
        </footer>
      </form>
    </Dialog>
  )
}
