/**
 * A system message (a change to a group, `ChatMessage.system`) as one line of
 * words in the UI's language: "Alice added Bob and Carol", "Bob left",
 * "You renamed the group to “Q3”". Shown centred in the timeline and as the
 * conversation list's preview. `nameOf` resolves people (the users slice);
 * I am "You" / "you".
 */
import type { TFunction } from 'i18next'
import type { SystemEvent } from '../../../shared/ipc'

/** Named people at most; more are "and N others". */
const NAMED_MAX = 3

export interface SystemTextContext {
  t: TFunction
  locale: string
  me: string
  nameOf(id: string): string
}

function listOf(names: readonly string[], locale: string): string {
  return new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(names)
}

export function systemText(event: SystemEvent, { t, locale, me, nameOf }: SystemTextContext): string {
  const actor = event.actorId === me ? t('system.you') : nameOf(event.actorId)
  const person = (id: string) => (id === me ? t('system.youObject') : nameOf(id))
  const people = (ids: readonly string[]) => {
    if (ids.length <= NAMED_MAX) return listOf(ids.map(person), locale)
    const shown = ids.slice(0, NAMED_MAX - 1).map(person)
    return listOf([...shown, t('system.others', { count: ids.length - shown.length })], locale)
  }
  const userIds = event.userIds ?? []
  const first = userIds[0]
  switch (event.type) {
    case 'member_added':
      return t('system.added', { actor, people: people(userIds) })
    case 'member_removed':
      return t('system.removed', { actor, people: people(userIds) })
    case 'member_left':
      return first === undefined ? t('system.left', { actor }) : t('system.leftOwnerPassed', { actor, owner: person(first) })
    case 'title_changed':
      return t('system.renamed', { actor, title: event.title ?? '' })
    case 'role_changed':
      if (first === undefined) return t('system.changed', { actor })
      if (event.role === 'owner') return t('system.ownerPassed', { person: person(first) })
      if (event.role === 'admin') return t('system.madeAdmin', { actor, person: person(first) })
      return t('system.removedAdmin', { actor, person: person(first) })
    default:
      return t('system.changed', { actor })
  }
}
