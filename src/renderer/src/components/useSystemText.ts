/** A system event in words (system-text.ts), with the names of the people in it from the users slice. */
import { useTranslation } from 'react-i18next'
import { useShallow } from 'zustand/react/shallow'
import type { SystemEvent } from '../../../shared/ipc'
import { useIntlLocale } from '../hooks/useLocale'
import { selectMe, useSession } from '../store/session'
import { selectPersonName, useUsers } from '../store/users'
import { systemText } from './system-text'

const noIds: string[] = []

export function useSystemText(event: SystemEvent | null): string | null {
  const { t } = useTranslation()
  const locale = useIntlLocale()
  const me = useSession(selectMe)
  const ids = event === null ? noIds : [event.actorId, ...(event.userIds ?? [])]
  const names = useUsers(useShallow((state) => ids.map((id) => selectPersonName(id, t('common.unknownUser'))(state))))
  if (event === null) return null
  const byId = new Map(ids.map((id, i) => [id, names[i] ?? t('common.unknownUser')]))
  return systemText(event, { t, locale, me, nameOf: (id) => byId.get(id) ?? t('common.unknownUser') })
}
