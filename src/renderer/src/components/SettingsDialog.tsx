/**
 * Settings, in sections behind vertical tabs (↑/↓, Home/End move between
 * them): General (notifications and quiet hours, privacy, appearance, the
 * account and sign-out), Profile and password, Devices, Blocked people,
 * Desktop (start-up and closing), Updates and, for a server administrator,
 * Invites.
 */
import { useId, useState, type KeyboardEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { useSession } from '../store/session'
import { useUi } from '../store/ui'
import { Dialog } from './Dialog'
import { BlockedSection } from './settings/BlockedSection'
import { DesktopSection } from './settings/DesktopSection'
import { DevicesSection } from './settings/DevicesSection'
import { GeneralSection } from './settings/GeneralSection'
import { InvitesSection } from './settings/InvitesSection'
import { ProfileSection } from './settings/ProfileSection'
import { UpdatesSection } from './settings/UpdatesSection'

type Tab = 'general' | 'profile' | 'devices' | 'blocked' | 'desktop' | 'updates' | 'invites'

export function SettingsDialog() {
  const { t } = useTranslation()
  const serverAdmin = useSession((state) => state.serverAdmin)
  const [tab, setTab] = useState<Tab>('general')
  const id = useId()
  const tabs: Tab[] = ['general', 'profile', 'devices', 'blocked', 'desktop', 'updates', ...(serverAdmin ? (['invites'] as const) : [])]
  const close = () => useUi.getState().setDialog(null)

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = tabs.indexOf(tab)
    const next =
      event.key === 'ArrowDown' ? (index + 1) % tabs.length : event.key === 'ArrowUp' ? (index - 1 + tabs.length) % tabs.length : event.key === 'Home' ? 0 : event.key === 'End' ? tabs.length - 1 : null
    if (next === null) return
    event.preventDefault()
    const chosen = tabs[next] as Tab
    setTab(chosen)
    document.getElementById(`${id}-tab-${chosen}`)?.focus()
  }

  return (
    <Dialog title={t('settings.title')} onClose={close} testId="settings-dialog" className="dialog--settings">
      <div className="settings-layout">
        <div className="settings-tabs" role="tablist" aria-orientation="vertical" aria-label={t('settings.sections')} onKeyDown={onKeyDown}>
          {tabs.map((name) => (
            <button
              key={name}
              id={`${id}-tab-${name}`}
              type="button"
              role="tab"
              aria-selected={tab === name}
              aria-controls={`${id}-panel`}
              tabIndex={tab === name ? 0 : -1}
              className="settings-tabs__tab"
              data-testid={`settings-tab-${name}`}
              onClick={() => setTab(name)}
            >
              {t(`settings.tabs.${name}`)}
            </button>
          ))}
        </div>
        <div className="dialog__body settings" role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-tab-${tab}`} tabIndex={0}>
          {tab === 'general' && <GeneralSection />}
          {tab === 'profile' && <ProfileSection />}
          {tab === 'devices' && <DevicesSection />}
          {tab === 'blocked' && <BlockedSection />}
          {tab === 'desktop' && <DesktopSection />}
          {tab === 'updates' && <UpdatesSection />}
          {tab === 'invites' && serverAdmin && <InvitesSection />}
        </div>
      </div>
    </Dialog>
  )
}
