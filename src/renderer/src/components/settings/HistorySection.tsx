/**
 * How much older history the app downloads in the background and keeps for
 * reading offline (the `historyBudget` setting), and the most messages the
 * cache keeps before older history goes again (`cacheMessageCap`;
 * docs/design.md §7.1). Scrolling back past the budget fetches older pages
 * from the server on demand.
 */
import { useTranslation } from 'react-i18next'
import type { HistoryBudget } from '../../../../shared/settings'

/** The choices offered, by the value of their option. */
export const HISTORY_CHOICES = [
  { value: 'days-30', budget: { kind: 'days', days: 30 }, label: 'settings.historyDays30' },
  { value: 'days-90', budget: { kind: 'days', days: 90 }, label: 'settings.historyDays90' },
  { value: 'days-365', budget: { kind: 'days', days: 365 }, label: 'settings.historyDays365' },
  { value: 'messages-1000', budget: { kind: 'messages', count: 1_000 }, label: 'settings.historyMessages1000' },
  { value: 'all', budget: { kind: 'all' }, label: 'settings.historyAll' },
] as const satisfies readonly { value: string; budget: HistoryBudget; label: string }[]

/** The caps offered, by the value of their option. */
export const CAP_CHOICES = [
  { value: '100000', cap: 100_000, label: 'settings.cacheCap100k' },
  { value: '500000', cap: 500_000, label: 'settings.cacheCap500k' },
  { value: '2000000', cap: 2_000_000, label: 'settings.cacheCap2m' },
  { value: 'none', cap: null, label: 'settings.cacheCapNone' },
] as const satisfies readonly { value: string; cap: number | null; label: string }[]

const same = (a: HistoryBudget, b: HistoryBudget): boolean =>
  a.kind === b.kind && (a.kind !== 'days' || a.days === (b as typeof a).days) && (a.kind !== 'messages' || a.count === (b as typeof a).count)

export function HistorySection({
  budget,
  cap,
  onChange,
  onCapChange,
}: {
  budget: HistoryBudget
  cap: number | null
  onChange(budget: HistoryBudget): void
  onCapChange(cap: number | null): void
}) {
  const { t, i18n } = useTranslation()
  const current = HISTORY_CHOICES.find((choice) => same(choice.budget as HistoryBudget, budget))
  const currentCap = CAP_CHOICES.find((choice) => choice.cap === cap)
  return (
    <section aria-labelledby="settings-history">
      <h3 id="settings-history">{t('settings.historySection')}</h3>
      <label className="field field--inline">
        <span className="field__label">{t('settings.historyBudget')}</span>
        <select
          value={current?.value ?? 'custom'}
          aria-describedby="history-budget-hint"
          onChange={(e) => {
            const chosen = HISTORY_CHOICES.find((choice) => choice.value === e.target.value)
            if (chosen) onChange(chosen.budget as HistoryBudget)
          }}
        >
          {HISTORY_CHOICES.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {t(choice.label)}
            </option>
          ))}
          {current === undefined && <option value="custom">{t('settings.historyCustom')}</option>}
        </select>
      </label>
      <p className="field__hint" id="history-budget-hint">
        {t('settings.historyHint')}
      </p>
      <label className="field field--inline">
        <span className="field__label">{t('settings.cacheCap')}</span>
        <select
          value={currentCap?.value ?? 'custom'}
          aria-describedby="cache-cap-hint"
          onChange={(e) => {
            const chosen = CAP_CHOICES.find((choice) => choice.value === e.target.value)
            if (chosen) onCapChange(chosen.cap)
          }}
        >
          {CAP_CHOICES.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {t(choice.label)}
            </option>
          ))}
          {currentCap === undefined && (
            <option value="custom">{t('settings.cacheCapCustom', { cap: (cap ?? 0).toLocaleString(i18n.language) })}</option>
          )}
        </select>
      </label>
      <p className="field__hint" id="cache-cap-hint">
        {t('settings.cacheCapHint')}
      </p>
    </section>
  )
}
