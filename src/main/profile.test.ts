import { join } from 'node:path'
import { expect, test } from 'vitest'
import { chooseProfile, userDataDirFor } from './profile'

test('no flag and no environment: the default profile', () => {
  expect(chooseProfile(['/usr/bin/electron', '.'], {})).toEqual({ ok: true, name: null })
  expect(chooseProfile(['/usr/bin/electron', '.'], { PARLEY_PROFILE: '' })).toEqual({ ok: true, name: null })
})

test('--profile NAME, --profile=NAME and PARLEY_PROFILE; the flag wins', () => {
  expect(chooseProfile(['parley', '--profile', 'bob'], {})).toEqual({ ok: true, name: 'bob' })
  expect(chooseProfile(['parley', '--profile=work_2'], {})).toEqual({ ok: true, name: 'work_2' })
  expect(chooseProfile(['parley'], { PARLEY_PROFILE: 'alice' })).toEqual({ ok: true, name: 'alice' })
  expect(chooseProfile(['parley', '--profile', 'bob'], { PARLEY_PROFILE: 'alice' })).toEqual({ ok: true, name: 'bob' })
})

test.each(['../evil', 'a/b', 'a\\b', '.hidden', '', 'x'.repeat(65), 'with space'])('profile name %j is refused', (name) => {
  expect(chooseProfile(['parley', '--profile', name], {})).toMatchObject({ ok: false })
  expect(chooseProfile(['parley'], { PARLEY_PROFILE: name || '-' })).toMatchObject({ ok: false })
})

test('--profile without a name is refused', () => {
  expect(chooseProfile(['parley', '--profile'], {})).toMatchObject({ ok: false })
})

test('each profile has its own userData directory under appData', () => {
  expect(userDataDirFor('/home/u/.config', 'Parley', null)).toBe(join('/home/u/.config', 'Parley'))
  expect(userDataDirFor('/home/u/.config', 'Parley', 'bob')).toBe(join('/home/u/.config', 'Parley-bob'))
})
