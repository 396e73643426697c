import { describe, expect, test } from 'vitest'
import { boolean, choices, decimal, integer, integers, readOptions } from './options'

const spec = {
  durationMs: integer(5_000, 0),
  rate: decimal(0.2, 'a rate in (0, 10]', (value) => value > 0 && value <= 10),
  presence: boolean(true),
  capacity: integers(null, 10),
  scenarios: choices(['a', 'b'] as const, ['a', 'b'] as const),
  durationS: { ...decimal(null, 'seconds', (value) => value > 0), flag: 'duration' },
}

describe('bench options', () => {
  test('defaults, and --name=value in kebab case (or the flag given)', () => {
    expect(readOptions(spec, [])).toEqual({ durationMs: 5_000, rate: 0.2, presence: true, capacity: null, scenarios: ['a', 'b'], durationS: null })
    expect(
      readOptions(spec, ['--duration-ms=0', '--rate=1.5', '--presence=false', '--capacity=10,20', '--scenarios=b', '--duration=60']),
    ).toEqual({ durationMs: 0, rate: 1.5, presence: false, capacity: [10, 20], scenarios: ['b'], durationS: 60 })
  })

  test('anything else stops the run with a message naming the flag', () => {
    expect(() => readOptions(spec, ['--nope=1'])).toThrow('Unknown argument --nope=1')
    expect(() => readOptions(spec, ['--rate', '2'])).toThrow('--rate needs a value: write --rate=…')
    expect(() => readOptions(spec, ['--duration-ms=1.5'])).toThrow('--duration-ms must be an integer ≥ 0, got "1.5"')
    expect(() => readOptions(spec, ['--rate=11'])).toThrow('--rate must be a rate in (0, 10]')
    expect(() => readOptions(spec, ['--capacity=5'])).toThrow('--capacity must be a comma-separated list of integers ≥ 10')
    expect(() => readOptions(spec, ['--scenarios=c'])).toThrow('--scenarios must be a comma-separated list of a, b')
  })
})
