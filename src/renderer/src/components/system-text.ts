/**
 * A system message (a change to a group, `ChatMessage.system`) as one line of
 * words in the UI's language: "Alice added Bob and Carol", "Bob left",
 * "You renamed the group to “Q3”". Shown centred in the timeline and as the
 * conversation list's preview. `nameOf` resolves people (the users slice);
 * I am "You" / "you". Chinese templates leave out the spaces around names:
 * spacedByScript puts one only where a name meets text of another script
 * ("Alice 移除了你", "你移除了 Bob").
 */
import type { TFunction } from 'i18next'
import type { SystemEvent } from '../../../shared/ipc'
import { spacedByScript } from '../lib/script-spacing'

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
      return spacedByScript({ actor, people: people(userIds) }, (v) => t('system.added', v))
    case 'member_removed':
      return spacedByScript({ actor, people: people(userIds) }, (v) => t('system.removed', v))
    case 'member_left':
      return first === undefined
        ? spacedByScript({ actor }, (v) => t('system.left', v))
        : spacedByScript({ actor, owner: person(first) }, (v) => t('system.leftOwnerPassed', v))
    case 'title_changed':
      return spacedByScript({ actor, title: event.title ?? '' }, (v) => t('system.renamed', v))
    case 'role_changed':
      if (first === undefined) return spacedByScript({ actor }, (v) => t('system.changed', v))
      if (event.role === 'owner') return spacedByScript({ person: person(first) }, (v) => t('system.ownerPassed', v))
      if (event.role === 'admin') return spacedByScript({ actor, person: person(first) }, (v) => t('system.madeAdmin', v))
      return spacedByScript({ actor, person: person(first) }, (v) => t('system.removedAdmin', v))
    default:
      return spacedByScript({ actor }, (v) => t('system.changed', v))
  }
}
