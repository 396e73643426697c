/**
 * Every benchmark's options, one style: `--name=value` after the npm script's
 * `--` (`npm run bench:realtime -- --subscribers=100`). A benchmark lists its
 * options with their defaults; the flag is the option's name in kebab case
 * (`durationMs` → `--duration-ms`) unless it says otherwise. An unknown flag,
 * a flag without `=value` or a value out of range stops the run with a message
 * naming the flag; `--help` lists the flags with their defaults.
 */

export interface Option<T> {
  /** Without the leading dashes; default: the option's name in kebab case. */
  flag?: string
  fallback: T
  /** The value of `--flag=text`; throws `what` when the text does not fit. */
  parse(text: string): T
  /** What a value must be, for the error message. */
  what: string
}

type Spec = Record<string, Option<unknown>>
export type OptionValues<S extends Spec> = { [K in keyof S]: S[K]['fallback'] }

function option<T>(fallback: T, what: string, parse: (text: string) => T | undefined): Option<T> {
  return {
    fallback,
    what,
    parse(text) {
      const value = parse(text)
      if (value === undefined) throw new Error(what)
      return value
    },
  }
}

/** An integer ≥ `min` (and ≤ `max`). */
export function integer(fallback: number, min = 1, max = Number.POSITIVE_INFINITY): Option<number> {
  const what = max === Number.POSITIVE_INFINITY ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`
  return option(fallback, what, (text) => {
    const value = Number(text)
    return Number.isInteger(value) && value >= min && value <= max ? value : undefined
  })
}

/** Any number `check` accepts (a null fallback: the benchmark decides when none is given). */
export function decimal<T extends number | null>(fallback: T, what: string, check: (value: number) => boolean): Option<number | T> {
  return option<number | T>(fallback, what, (text) => {
    const value = Number(text)
    return text.trim() !== '' && Number.isFinite(value) && check(value) ? value : undefined
  })
}

/** true/false (or 1/0). */
export function boolean(fallback: boolean): Option<boolean> {
  return option(fallback, 'true or false', (text) => ({ true: true, '1': true, false: false, '0': false })[text])
}

/** A comma-separated list of integers ≥ `min`, e.g. `--capacity=100,200,300`. */
export function integers<T extends number[] | null>(fallback: T, min = 1): Option<number[] | T> {
  return option<number[] | T>(fallback, `a comma-separated list of integers ≥ ${min}`, (text) => {
    const values = text.split(',').map((part) => Number(part.trim()))
    return values.length > 0 && values.every((value) => Number.isInteger(value) && value >= min) ? values : undefined
  })
}

/** A comma-separated list drawn from `allowed`. */
export function choices<T extends string>(fallback: readonly T[], allowed: readonly T[]): Option<readonly T[]> {
  return option<readonly T[]>(fallback, `a comma-separated list of ${allowed.join(', ')}`, (text) => {
    const values = text.split(',').map((part) => part.trim())
    return values.length > 0 && values.every((value) => (allowed as readonly string[]).includes(value)) ? (values as T[]) : undefined
  })
}

/** Any text `check` accepts. */
export function text(fallback: string, what: string, check: (value: string) => boolean = () => true): Option<string> {
  return option(fallback, what, (value) => (check(value) ? value : undefined))
}

const flagOf = (name: string, spec: Option<unknown>): string =>
  `--${spec.flag ?? name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`

/** `--help`: the flags and their defaults. */
export function usage(spec: Spec): string {
  const show = (value: unknown): string => (Array.isArray(value) ? value.join(',') : String(value))
  return [
    'Options (each as --name=value):',
    ...Object.entries(spec).map(([name, each]) => `  ${flagOf(name, each)}=${show(each.fallback)}  (${each.what})`),
  ].join('\n')
}

export function readOptions<S extends Spec>(spec: S, argv: readonly string[] = process.argv.slice(2)): OptionValues<S> {
  if (argv.includes('--help')) {
    console.log(usage(spec))
    process.exit(0)
  }
  const byFlag = new Map(Object.entries(spec).map(([name, each]) => [flagOf(name, each), name]))
  const given = new Map<string, string>()
  for (const arg of argv) {
    const equals = arg.indexOf('=')
    const flag = equals < 0 ? arg : arg.slice(0, equals)
    if (!byFlag.has(flag)) throw new Error(`Unknown argument ${arg}; known: ${[...byFlag.keys()].join(', ')} (each as --name=value)`)
    if (equals < 0) throw new Error(`${flag} needs a value: write ${flag}=…`)
    given.set(flag, arg.slice(equals + 1))
  }
  const values: Record<string, unknown> = {}
  for (const [name, each] of Object.entries(spec)) {
    const flag = flagOf(name, each)
    const raw = given.get(flag)
    try {
      values[name] = raw === undefined ? each.fallback : each.parse(raw)
    } catch (err) {
      throw new Error(`${flag} must be ${err instanceof Error ? err.message : String(err)}, got ${JSON.stringify(raw)}`, { cause: err })
    }
  }
  return values as OptionValues<S>
}
