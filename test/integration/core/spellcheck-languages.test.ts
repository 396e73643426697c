/** getSpellcheckLanguages: what the shell's checker offers, through the IPC validation; empty where the shell has none (the e2e harness). */
import { afterAll, expect, test } from 'vitest'
import { dispatchCall } from '../../../src/main/core/dispatch'
import { cleanupCoreDirs, recordingServices, startCore, type TestCore } from '../../helpers/core'

const cores: TestCore[] = []
afterAll(async () => {
  for (const core of cores) await core.stop()
  cleanupCoreDirs()
})

test('the shell’s dictionaries and the OS languages among them, as the shell reports them', async () => {
  const services = { ...recordingServices(), spellcheckLanguages: () => ({ available: ['de', 'en-GB', 'en-US'], fromSystem: ['en-US'] }) }
  const started = await startCore('http://127.0.0.1:9', { services })
  cores.push(started)
  expect(await dispatchCall(started.core, 'getSpellcheckLanguages', undefined)).toEqual({
    ok: true,
    value: { available: ['de', 'en-GB', 'en-US'], fromSystem: ['en-US'] },
  })
})

test('no checker in the shell: empty lists, not an error', async () => {
  const started = await startCore('http://127.0.0.1:9')
  cores.push(started)
  expect(await started.core.getSpellcheckLanguages()).toEqual({ available: [], fromSystem: [] })
})
