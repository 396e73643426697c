/** The state of an own message: icon plus words (title and accessible text), not colour alone. */
import { memo } from 'react'
import { useTranslation } from 'react-i18next'
import type { Receipt } from '../lib/receipts'
import { AlertIcon, CheckIcon, ClockIcon, DoubleCheckIcon } from './Icons'

export const MessageStatus = memo(function MessageStatus({ receipt, readBy, group }: { receipt: Receipt; readBy: number; group: boolean }) {
  const { t } = useTranslation()
  const words = t(`message.${receipt}`)
  const readByText = group && readBy > 0 && receipt !== 'read' ? t('message.readBy', { count: readBy }) : null
  const label = readByText ? `${words}, ${readByText}` : words
  const Icon = receipt === 'pending' ? ClockIcon : receipt === 'failed' ? AlertIcon : receipt === 'sent' ? CheckIcon : DoubleCheckIcon
  return (
    <span className={`message-status message-status--${receipt}`} data-testid="message-status" data-receipt={receipt} data-read-by={readBy} title={label}>
      <Icon size={15} />
      <span className="visually-hidden">{label}</span>
      {readByText && (
        <span className="message-status__read-by" aria-hidden="true">
          {readByText}
        </span>
      )}
    </span>
  )
})
