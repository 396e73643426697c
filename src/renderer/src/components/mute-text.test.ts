import { afterAll, describe, expect, it } from 'vitest'
import { MUTE_FOREVER } from '../../../shared/ipc'
import { i18n } from '../i18n'
import { muteStatusText } from './mute-text'

const now = new Date(2025, 5, 18, 9, 0).getTime()

describe('muteStatusText', () => {
  afterAll(() => i18n.changeLanguage('en'))

  it('says until when, in both languages', async () => {
    await i18n.changeLanguage('en')
    expect(muteStatusText(i18n.t, null, now, 'en')).toBeNull()
    expect(muteStatusText(i18n.t, now - 1, now, 'en')).toBeNull()
    expect(muteStatusText(i18n.t, new Date(2025, 5, 18, 17, 0).getTime(), now, 'en-GB')).toBe('Muted until 17:00')
    expect(muteStatusText(i18n.t, new Date(2025, 5, 25, 9, 0).getTime(), now, 'en-GB')).toBe('Muted until Wed 25 Jun, 9:00')
    expect(muteStatusText(i18n.t, MUTE_FOREVER, now, 'en')).toBe('Muted until you turn it back on')
    await i18n.changeLanguage('zh-CN')
    expect(muteStatusText(i18n.t, MUTE_FOREVER, now, 'zh-CN')).toBe('免打扰，直到你手动开启')
    expect(muteStatusText(i18n.t, new Date(2025, 5, 18, 17, 0).getTime(), now, 'zh-CN')).toBe('免打扰至 17:00')
  })
})
