/**
 * A strict parser for the Prometheus text exposition format (0.0.4), for tests:
 * it throws on any line a Prometheus server would reject or misread — unknown
 * syntax, a sample without a `# TYPE` before it, a second TYPE or HELP for one
 * family, duplicate series, bad label escapes, values that are not numbers,
 * histograms whose buckets are not cumulative or whose +Inf bucket is not
 * `_count`.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped'

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

export interface Family {
  name: string
  type: MetricType
  help: string | undefined
  samples: Sample[]
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/
const TYPES = new Set<MetricType>(['counter', 'gauge', 'histogram', 'summary', 'untyped'])

export class Exposition {
  constructor(readonly families: Map<string, Family>) {}

  has(family: string): boolean {
    return this.families.has(family)
  }

  family(name: string): Family {
    const family = this.families.get(name)
    if (family === undefined) throw new Error(`no metric family ${name}`)
    return family
  }

  /** The value of one series (`sample` defaults to the family's name); throws when absent. */
  value(family: string, labels: Record<string, string> = {}, sample = family): number {
    const found = this.find(family, labels, sample)
    if (found === undefined) throw new Error(`no series ${sample}${JSON.stringify(labels)} in ${family}`)
    return found
  }

  /** The value of one series, or 0 when it does not exist (yet): counters with labels appear on first use. */
  valueOr0(family: string, labels: Record<string, string> = {}, sample = family): number {
    return this.find(family, labels, sample) ?? 0
  }

  private find(family: string, labels: Record<string, string>, sample: string): number | undefined {
    const wanted = JSON.stringify(sortedLabels(labels))
    return this.family(family).samples.find(
      (s) => s.name === sample && JSON.stringify(sortedLabels(s.labels)) === wanted,
    )?.value
  }
}

export function parseExposition(text: string): Exposition {
  const families = new Map<string, Family>()
  const seenSeries = new Set<string>()
  const helps = new Map<string, string>()
  const lines = text.split('\n')
  lines.forEach((line, index) => {
    const where = `line ${index + 1}: ${line.slice(0, 120)}`
    if (line.trim() === '') return
    if (line.startsWith('#')) {
      const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line)
      if (meta === null) {
        if (!line.startsWith('# ')) throw new Error(`malformed comment, ${where}`)
        return
      }
      const [, kind, name = '', rest = ''] = meta
      if (!NAME.test(name)) throw new Error(`bad metric name, ${where}`)
      if (kind === 'HELP') {
        if (helps.has(name)) throw new Error(`second HELP for ${name}, ${where}`)
        checkHelpEscapes(rest, where)
        helps.set(name, rest)
        return
      }
      if (!TYPES.has(rest as MetricType)) throw new Error(`unknown type, ${where}`)
      if (families.has(name)) throw new Error(`second TYPE for ${name}, ${where}`)
      families.set(name, { name, type: rest as MetricType, help: undefined, samples: [] })
      return
    }
    const sample = parseSample(line, where)
    const family = familyOf(families, sample.name)
    if (family === undefined) throw new Error(`sample without a TYPE before it, ${where}`)
    const key = `${sample.name}${JSON.stringify(sortedLabels(sample.labels))}`
    if (seenSeries.has(key)) throw new Error(`duplicate series, ${where}`)
    seenSeries.add(key)
    family.samples.push(sample)
  })
  for (const family of families.values()) {
    family.help = helps.get(family.name)
    if (family.type === 'histogram') checkHistogram(family)
  }
  return new Exposition(families)
}

/** A histogram's samples are `<name>_bucket|_sum|_count`, a summary's `<name>`, `_sum`, `_count`; the rest `<name>`. */
function familyOf(families: Map<string, Family>, sampleName: string): Family | undefined {
  const exact = families.get(sampleName)
  if (exact !== undefined && exact.type !== 'histogram') return exact
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!sampleName.endsWith(suffix)) continue
    const family = families.get(sampleName.slice(0, -suffix.length))
    if (family?.type === 'histogram') return family
    if (family?.type === 'summary' && suffix !== '_bucket') return family
  }
  return undefined
}

function parseSample(line: string, where: string): Sample {
  const head = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line)
  if (head === null) throw new Error(`bad sample name, ${where}`)
  const name = head[1] ?? ''
  let i = name.length
  const labels: Record<string, string> = {}
  if (line[i] === '{') {
    i++
    while (line[i] !== '}') {
      const labelMatch = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(line.slice(i))
      if (labelMatch === null) throw new Error(`bad label, ${where}`)
      const labelName = labelMatch[1] ?? ''
      if (!LABEL_NAME.test(labelName) || labelName in labels) throw new Error(`bad or repeated label ${labelName}, ${where}`)
      i += labelMatch[0].length
      let value = ''
      for (;;) {
        const c = line[i]
        if (c === undefined) throw new Error(`unterminated label value, ${where}`)
        i++
        if (c === '"') break
        if (c === '\\') {
          const escaped = line[i]
          i++
          if (escaped === 'n') value += '\n'
          else if (escaped === '\\' || escaped === '"') value += escaped
          else throw new Error(`bad escape in a label value, ${where}`)
        } else {
          value += c
        }
      }
      labels[labelName] = value
      if (line[i] === ',') i++
      else if (line[i] !== '}') throw new Error(`expected , or } after a label, ${where}`)
    }
    i++
  }
  const rest = line.slice(i)
  const valueMatch = /^ (\S+)(?: (-?\d+))?$/.exec(rest)
  if (valueMatch === null) throw new Error(`expected " value [timestamp]", ${where}`)
  const value = parseValue(valueMatch[1] ?? '', where)
  return { name, labels, value }
}

/**
 * Values are Go ParseFloat floats (the 0.0.4 format's definition, and what
 * Prometheus accepts): NaN and Inf in any case — prom-client writes `Nan`.
 */
function parseValue(text: string, where: string): number {
  const special = text.toLowerCase()
  if (special === '+inf' || special === 'inf' || special === '+infinity' || special === 'infinity') return Infinity
  if (special === '-inf' || special === '-infinity') return -Infinity
  if (special === 'nan') return NaN
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`value is not a number, ${where}`)
  return Number(text)
}

function checkHelpEscapes(text: string, where: string): void {
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '\\') continue
    const next = text[i + 1]
    if (next !== 'n' && next !== '\\') throw new Error(`bad escape in HELP, ${where}`)
    i++
  }
}

function checkHistogram(family: Family): void {
  const groups = new Map<string, { buckets: { le: number; value: number }[]; count?: number; sum?: number }>()
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels
    const key = JSON.stringify(sortedLabels(rest))
    const group = groups.get(key) ?? { buckets: [] }
    groups.set(key, group)
    if (sample.name.endsWith('_bucket')) {
      if (le === undefined) throw new Error(`${family.name}: a bucket without le`)
      group.buckets.push({ le: parseValue(le, `${family.name} le`), value: sample.value })
    } else if (sample.name.endsWith('_count')) group.count = sample.value
    else if (sample.name.endsWith('_sum')) group.sum = sample.value
  }
  for (const [key, group] of groups) {
    const where = `${family.name}${key}`
    if (group.count === undefined || group.sum === undefined) throw new Error(`${where}: _count or _sum missing`)
    const last = group.buckets.at(-1)
    if (last === undefined || last.le !== Infinity) throw new Error(`${where}: no +Inf bucket last`)
    if (last.value !== group.count) throw new Error(`${where}: +Inf bucket ${last.value} ≠ _count ${group.count}`)
    group.buckets.reduce((previous, bucket) => {
      if (bucket.le <= previous.le || bucket.value < previous.value) throw new Error(`${where}: buckets not cumulative`)
      return bucket
    })
  }
}

function sortedLabels(labels: Record<string, string>): [string, string][] {
  return Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))
}
