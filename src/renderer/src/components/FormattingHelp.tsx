/** The composer's "?" button: a popover listing the formatting a message may use and the composer's keys. */
import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { FormatIcon } from './Icons'
import { Popover } from './Popover'

const ITEMS = ['bold', 'italic', 'strike', 'code', 'codeBlock', 'quote', 'list', 'link', 'mention', 'keys'] as const

export function FormattingHelp() {
  const { t } = useTranslation()
  const [anchor, setAnchor] = useState<HTMLElement | null>(null)
  const id = useId()
  return (
    <>
      <button
        type="button"
        className="icon-button composer__help"
        aria-label={t('composer.formattingHelp')}
        title={t('composer.formattingHelp')}
        aria-expanded={anchor !== null}
        aria-controls={anchor !== null ? id : undefined}
        data-testid="formatting-help"
        onClick={(event) => setAnchor(anchor === null ? event.currentTarget : null)}
      >
        <FormatIcon />
      </button>
      {anchor !== null && (
        <Popover anchor={anchor} above onClose={() => setAnchor(null)} label={t('composer.formatting.title')} className="formatting-help" testId="formatting-help-panel">
          <h3 id={id} className="formatting-help__title">
            {t('composer.formatting.title')}
          </h3>
          <ul className="formatting-help__list">
            {ITEMS.map((item) => (
              <li key={item}>{t(`composer.formatting.${item}`)}</li>
            ))}
          </ul>
        </Popover>
      )}
    </>
  )
}
