/**
 * Spelling, in the General tab: spell-check on or off, and the dictionaries —
 * any number of those Electron offers (`getSpellcheckLanguages`), ticked in a
 * list, up to MAX_SPELLCHECK_LANGUAGES; none ticked (the default, an empty
 * `spellcheckLanguages`) means the OS's languages that have one. There is no
 * Chinese dictionary, and none are offered in the e2e harness (unless a test
 * gives some) or on macOS, where the OS checks by itself. A native switch and
 * native checkboxes in a fieldset named by its legend: keyboard accessible as
 * they are (Tab, Space).
 */
import { useEffect, useId } from 'react'
import { useTranslation } from 'react-i18next'
import { MAX_SPELLCHECK_LANGUAGES, type Settings } from '../../../../shared/settings'
import { useIntlLocale } from '../../hooks/useLocale'
import { dictionaryName, sortedDictionaries } from '../../lib/dictionary-names'
import { useSettings } from '../../store/settings'

export function SpellingSection({ update }: { update(patch: Partial<Settings>): void }) {
  const { t } = useTranslation()
  const id = useId()
  const locale = useIntlLocale()
  const enabled = useSettings((state) => state.settings.spellcheck)
  const chosen = useSettings((state) => state.settings.spellcheckLanguages)
  const languages = useSettings((state) => state.spellcheckLanguages)

  useEffect(() => useSettings.getState().loadSpellcheckLanguages(), [])

  const available = languages?.available ?? []
  const fromSystem = languages?.fromSystem ?? []
  // A choice made where another dictionary existed stays listed, so the list shows the truth (and it can be unticked).
  const listed = sortedDictionaries([...new Set([...available, ...chosen])], locale)
  const full = chosen.length >= MAX_SPELLCHECK_LANGUAGES
  const choose = (code: string, on: boolean) =>
    update({ spellcheckLanguages: on ? [...chosen.filter((other) => other !== code), code] : chosen.filter((other) => other !== code) })
  // What is checked when nothing is ticked; else, at the limit, why the rest cannot be ticked.
  const note =
    chosen.length === 0
      ? fromSystem.length === 0
        ? t('spelling.systemNone')
        : t('spelling.systemLanguages', { languages: fromSystem.map((code) => dictionaryName(code, locale)).join(', ') })
      : full
        ? t('spelling.limit', { max: MAX_SPELLCHECK_LANGUAGES })
        : null

  return (
    <section aria-labelledby={`${id}-title`} className="spelling" data-testid="spelling-settings">
      <h3 id={`${id}-title`}>{t('spelling.section')}</h3>
      <label className="toggle">
        <input
          type="checkbox"
          role="switch"
          checked={enabled}
          aria-describedby={`${id}-hint`}
          data-testid="spellcheck-toggle"
          onChange={(e) => update({ spellcheck: e.target.checked })}
        />
        <span>{t('spelling.enabled')}</span>
      </label>
      <fieldset
        className="spelling__dictionaries"
        disabled={!enabled}
        aria-describedby={note === null ? undefined : `${id}-note`}
        data-testid="spellcheck-languages"
      >
        <legend className="field__label">{t('spelling.dictionaries')}</legend>
        {listed.length > 0 && (
          <div className="spelling__list">
            {listed.map(({ code, name }) => {
              const checked = chosen.includes(code)
              return (
                <label key={code} className="toggle">
                  <input
                    type="checkbox"
                    checked={checked}
                    disabled={!checked && full}
                    data-testid="spellcheck-language"
                    data-language={code}
                    onChange={(e) => choose(code, e.target.checked)}
                  />
                  <span>{name}</span>
                </label>
              )
            })}
          </div>
        )}
        {note !== null && (
          <p className="field__hint" id={`${id}-note`} data-testid="spellcheck-languages-note">
            {note}
          </p>
        )}
      </fieldset>
      <p className="field__hint" id={`${id}-hint`}>
        {t('spelling.hint')}
        {languages !== null && available.length === 0 && ` ${t('spelling.unavailable')}`}
      </p>
    </section>
  )
}
