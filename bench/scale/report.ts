/**
 * The benchmark's results as one object (written to <results dir>/scale.json
 * and printed as the last line of stdout): the machine, the options, what
 * was skipped and why, and the three parts, each reduced over its rounds.
 */
import { median, summarize, type LatencySummary } from '../../test/kit/latency'
import type { LoadResult } from '../api/closed-loop'
import type { FanoutResult } from '../fanout/summary'
import type { Machine } from '../results'
import type { ScaleOptions } from './options'
import type { RestRound } from './rest-latency'
import type { BenchDatabase } from './services'

export interface RestResult {
  label: string
  nodes: number
  rounds: number
  sentPerSec: number
  /** POST → `message.created` at the receiver. */
  delivery: LatencySummary
  /** POST → 201. */
  post: LatencySummary
  missing: number
}

export interface StoreScenarioResult {
  callers: number
  /** Median of the rounds' appends per second, and each round's. */
  perSec: number
  perSecByRound: number[]
  /** appendMessage call latency in the round closest to the median. */
  latency: LatencySummary
}

export interface StoreResult {
  store: 'sqlite' | 'postgres'
  label: string
  oneCaller: StoreScenarioResult
  manyCallers: StoreScenarioResult
}

export interface ScaleReport {
  machine: Machine
  options: Omit<ScaleOptions, 'redisUrl' | 'databaseUrl' | 'resultsDir'>
  postgres: BenchDatabase['settings'] | null
  /** Parts or setups left out, each with the reason. */
  skipped: string[]
  fanout: FanoutResult[]
  rest: RestResult[]
  store: { results: StoreResult[]; postgresOverSqlite: { oneCaller: number; manyCallers: number } | null }
  elapsedS: number
}

export function summarizeRest(label: string, nodes: number, rounds: readonly RestRound[]): RestResult {
  const sent = rounds.reduce((total, round) => total + round.sent, 0)
  const windowMs = rounds.reduce((total, round) => total + round.windowMs, 0)
  return {
    label,
    nodes,
    rounds: rounds.length,
    sentPerSec: (sent * 1000) / windowMs,
    delivery: summarize(rounds.flatMap((round) => round.deliveryMs)),
    post: summarize(rounds.flatMap((round) => round.postMs)),
    missing: rounds.reduce((total, round) => total + round.missing, 0),
  }
}

export function summarizeStoreScenario(callers: number, rounds: readonly LoadResult[]): StoreScenarioResult {
  const perSecByRound = rounds.map((round) => round.perSec)
  const perSec = median(perSecByRound)
  const distance = (round: LoadResult): number => Math.abs(round.perSec - perSec)
  const medianRound = [...rounds].sort((a, b) => distance(a) - distance(b))[0]
  if (medianRound === undefined) throw new Error('a store scenario without rounds')
  return { callers, perSec, perSecByRound, latency: medianRound.latency }
}

export function postgresOverSqlite(results: readonly StoreResult[]): ScaleReport['store']['postgresOverSqlite'] {
  const sqlite = results.find((result) => result.store === 'sqlite')
  const postgres = results.find((result) => result.store === 'postgres')
  if (sqlite === undefined || postgres === undefined) return null
  return {
    oneCaller: postgres.oneCaller.perSec / sqlite.oneCaller.perSec,
    manyCallers: postgres.manyCallers.perSec / sqlite.manyCallers.perSec,
  }
}
