/**
 * fast-check arbitraries for hostile input shared by the fuzz suites: strings
 * from the whole Unicode range (and the usual suspects), huge and odd numbers,
 * deep nesting, and "mutations" that take a valid value and break one part of
 * it — replace, delete, retype, or add a key such as `__proto__`.
 */
import fc from 'fast-check'

/** Strings that have broken parsers before. */
export const nastyStrings = [
  '',
  ' ',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e309',
  '\u0000',
  '\u0000a\u0000',
  '\ud800',
  '\udc00x',
  '\u202eevil',
  '\u200b\u200d\ufeff',
  '\r\n\r\n',
  '%00%ff%',
  '../../etc/passwd',
  '${process.exit()}',
  '<script>alert(1)</script>',
  "'; DROP TABLE messages; --",
  'z̷̢̛̛̯̪̥͚̺̫̘̭̳̜̦̦̑̋̀̈́̑̇͒̅̀͐̀̓͘͘͝',
  '🏳️‍🌈👩‍👩‍👧‍👦',
  'a'.repeat(201),
  'x'.repeat(4_097),
]

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 2, arbitrary: fc.constantFrom(...nastyStrings) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 300, maxLength: 3_000 }) },
)

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    1.5,
    2 ** 31,
    2 ** 53,
    2 ** 53 + 2,
    -(2 ** 63),
    Number.MAX_SAFE_INTEGER,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    Number.MIN_VALUE,
    1e21,
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
)

/** Any JSON value, with hostile strings and numbers at every level. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    hostileNumber,
    hostileString,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(hostileString, fc.constantFrom('__proto__', 'constructor', 'event', 'channel', 'data')), tie('value'), {
      maxKeys: 5,
    }),
  ),
})).value

/** A value nested `depth` levels deep (arrays or objects). */
export function nested(depth: number, kind: 'array' | 'object', leaf: unknown = 1): unknown {
  let value = leaf
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { a: value }
  return value
}

/** JSON texts no JSON.stringify would write: huge literals, deep nesting, duplicate keys, truncation. */
export const oddJsonText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '1' + '0'.repeat(400),
    '-1e99999',
    '1e-99999',
    '0x10',
    'NaN',
    'Infinity',
    '{"event":"pusher:ping","event":7}',
    '{"event":7,"event":"pusher:ping"}',
    '{"__proto__":{"event":"pusher:ping"}}',
    '{"constructor":{"prototype":{"event":"pusher:ping"}}}',
    '{"event":"pusher:subscribe","data":"{\\"channel\\":\\"x\\"'
  ),
  fc.integer({ min: 10, max: 40_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  fc.integer({ min: 10, max: 20_000 }).map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
  fc.integer({ min: 10, max: 20_000 }).map((depth) => `{"event":"client-deep","channel":"private-fuzz","data":${'['.repeat(depth)}${']'.repeat(depth)}}`),
)

export type PathStep = string | number

export type Mutation =
  | { op: 'set'; at: number; value: unknown }
  | { op: 'delete'; at: number }
  | { op: 'retype'; at: number; as: 'number' | 'array' | 'object' | 'null' | 'bool' | 'string' }
  | { op: 'flip'; at: number; position: number; char: string }
  | { op: 'addKey'; at: number; key: string; value: unknown }
  | { op: 'replaceAll'; value: unknown }

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: hostileJson }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('retype' as const),
    at: fc.nat(),
    as: fc.constantFrom('number' as const, 'array' as const, 'object' as const, 'null' as const, 'bool' as const, 'string' as const),
  }),
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), position: fc.nat(), char: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) }),
  fc.record({
    op: fc.constant('addKey' as const),
    at: fc.nat(),
    key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'user_id', 'id', 'admin'), hostileString),
    value: hostileJson,
  }),
  fc.record({ op: fc.constant('replaceAll' as const), value: hostileJson }),
)

/** Every path to a value inside `root` (objects and arrays), the root itself excluded. */
export function paths(root: unknown, prefix: PathStep[] = []): PathStep[][] {
  if (root === null || typeof root !== 'object') return []
  const out: PathStep[][] = []
  for (const [key, value] of Object.entries(root)) {
    const step: PathStep = Array.isArray(root) ? Number(key) : key
    out.push([...prefix, step], ...paths(value, [...prefix, step]))
  }
  return out
}

/** Own-property assignment that also works for `__proto__` (plain `obj[key] = v` would set the prototype). */
export function setOwn(target: Record<PathStep, unknown>, key: PathStep, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

function retyped(value: unknown, as: Extract<Mutation, { op: 'retype' }>['as']): unknown {
  switch (as) {
    case 'number':
      return typeof value === 'string' ? Number(value) || 42 : 42
    case 'array':
      return [value]
    case 'object':
      return { value }
    case 'null':
      return null
    case 'bool':
      return true
    case 'string':
      return JSON.stringify(value) ?? 'undefined'
  }
}

/** Apply a mutation to a deep copy of `value`; the path is picked among `value`'s own paths. */
export function mutate(value: unknown, m: Mutation): unknown {
  if (m.op === 'replaceAll') return m.value
  const copy = structuredClone(value) as Record<PathStep, unknown>
  const all = paths(copy)
  if (m.op === 'addKey') {
    const containers: PathStep[][] = [[], ...all.filter((path) => isContainer(get(copy, path)))]
    const path = containers[m.at % containers.length] ?? []
    const container = get(copy, path)
    if (isContainer(container)) setOwn(container as Record<PathStep, unknown>, m.key, m.value)
    return copy
  }
  if (all.length === 0) return m.op === 'set' ? m.value : copy
  const path = all[m.at % all.length] as PathStep[]
  const parent = get(copy, path.slice(0, -1)) as Record<PathStep, unknown>
  const last = path[path.length - 1] as PathStep
  const current = parent[last]
  switch (m.op) {
    case 'set':
      setOwn(parent, last, m.value)
      break
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(last), 1)
      else delete parent[last]
      break
    case 'retype':
      setOwn(parent, last, retyped(current, m.as))
      break
    case 'flip':
      if (typeof current === 'string' && current.length > 0) {
        const at = m.position % current.length
        const replaced = current.slice(0, at) + m.char + current.slice(at + 1)
        setOwn(parent, last, replaced === current ? current.slice(0, at) + current.slice(at + 1) : replaced)
      } else {
        setOwn(parent, last, m.char)
      }
      break
  }
  return copy
}

function isContainer(value: unknown): boolean {
  return value !== null && typeof value === 'object'
}

function get(root: unknown, path: PathStep[]): unknown {
  let value = root
  for (const step of path) value = (value as Record<PathStep, unknown>)[step]
  return value
}
