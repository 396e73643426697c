/** Quiet hours: on/off, from, to (local time); messages that mention me still notify. */
import { useTranslation } from 'react-i18next'
import type { Settings } from '../../../../shared/ipc'
import { minutesToTime, timeToMinutes } from '../../lib/minutes'

type Quiet = Settings['quietHours']

export function QuietHours({ quiet, disabled, onChange }: { quiet: Quiet; disabled: boolean; onChange(next: Quiet): void }) {
  const { t } = useTranslation()
  const setTime = (field: 'start' | 'end', value: string) => {
    const minutes = timeToMinutes(value)
    if (minutes !== null && minutes !== quiet[field]) onChange({ ...quiet, [field]: minutes })
  }
  return (
    <div className="quiet-hours" data-testid="quiet-hours">
      <label className="toggle">
        <input
          type="checkbox"
          role="switch"
          checked={quiet.enabled}
          disabled={disabled}
          aria-describedby="quiet-hours-hint"
          onChange={(e) => onChange({ ...quiet, enabled: e.target.checked })}
          data-testid="quiet-hours-toggle"
        />
        <span>{t('settings.quiet.enable')}</span>
      </label>
      <div className="quiet-hours__times">
        <label className="field field--inline">
          <span className="field__label">{t('settings.quiet.from')}</span>
          <input type="time" value={minutesToTime(quiet.start)} disabled={disabled || !quiet.enabled} onChange={(e) => setTime('start', e.target.value)} data-testid="quiet-from" />
        </label>
        <label className="field field--inline">
          <span className="field__label">{t('settings.quiet.to')}</span>
          <input type="time" value={minutesToTime(quiet.end)} disabled={disabled || !quiet.enabled} onChange={(e) => setTime('end', e.target.value)} data-testid="quiet-to" />
        </label>
      </div>
      <p className="field__hint" id="quiet-hours-hint">
        {t('settings.quiet.hint')}
      </p>
    </div>
  )
}
