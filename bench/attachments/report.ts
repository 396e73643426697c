/**
 * The benchmark's results — one JSON-able object — and their rendering as
 * terminal tables. Every figure that matters is a ratio against a baseline
 * measured in the same run; the absolute ones are there to read it by.
 */
import { median, summarize, type LatencySummary } from '../../test/kit/latency'
import { formatTable } from '../../test/kit/table'
import { machine, type Machine } from '../results'
import type { BenchOptions } from './options'
import type { RssPeak } from './rss-peak'

export interface UploadSide {
  /** Each round's throughput, MiB of file per second of request (start to answer). */
  mibPerSec: number[]
  medianMibPerSec: number
  /** The largest growth of resident memory over the rounds. */
  peakRssGrowthMib: number
  rounds: RssPeak[]
}

export interface AttachmentsReport {
  benchmark: 'attachments'
  finishedAt: string
  machine: Machine
  options: BenchOptions
  upload: {
    bytes: number
    store: 'filesystem'
    parley: UploadSide
    baseline: UploadSide
    /** The bare server flushing each file to the disk (fsync) before it answers. */
    durableBaseline: UploadSide
    /** Parley's median throughput ÷ the bare server's (target ≥ 0.7). */
    throughputRatio: number
    /** Parley's ÷ the durable bare server's: what Parley costs beyond storing the bytes safely. */
    durableThroughputRatio: number
    /** The server's largest RSS growth during an upload, MiB (target ≤ 64). */
    peakRssGrowthMib: number
  }
  thumbnail: {
    photo: { width: number; height: number; bytes: number }
    /** POST /api/attachments of the photo until the 201 (upload, checks, thumbnail, store). */
    server: LatencySummary
    /** sharp alone making the same thumbnail from the same file. */
    sharp: LatencySummary
    p50Ratio: number
    p99Ratio: number
  }
}

const MIB = 1024 * 1024

export function uploadSide(bytes: number, rounds: { ms: number; rss: RssPeak }[]): UploadSide {
  const mibPerSec = rounds.map((round) => bytes / MIB / (round.ms / 1000))
  return {
    mibPerSec,
    medianMibPerSec: median(mibPerSec),
    peakRssGrowthMib: Math.max(...rounds.map((round) => round.rss.growthMib)),
    rounds: rounds.map((round) => round.rss),
  }
}

export function attachmentsReport(
  options: BenchOptions,
  upload: { bytes: number; parley: UploadSide; baseline: UploadSide; durableBaseline: UploadSide },
  thumbnail: { photo: AttachmentsReport['thumbnail']['photo']; serverMs: number[]; sharpMs: number[] },
): AttachmentsReport {
  const server = summarize(thumbnail.serverMs)
  const sharp = summarize(thumbnail.sharpMs)
  return {
    benchmark: 'attachments',
    finishedAt: new Date().toISOString(),
    machine: machine(),
    options,
    upload: {
      ...upload,
      store: 'filesystem',
      throughputRatio: upload.parley.medianMibPerSec / upload.baseline.medianMibPerSec,
      durableThroughputRatio: upload.parley.medianMibPerSec / upload.durableBaseline.medianMibPerSec,
      peakRssGrowthMib: upload.parley.peakRssGrowthMib,
    },
    thumbnail: { photo: thumbnail.photo, server, sharp, p50Ratio: server.p50Ms / sharp.p50Ms, p99Ratio: server.p99Ms / sharp.p99Ms },
  }
}

const f = (value: number, digits = 1): string => value.toFixed(digits)

export function formatReport(report: AttachmentsReport): string {
  const { upload, thumbnail, machine: m } = report
  const uploads = formatTable(
    ['upload', 'MiB/s (median)', 'rounds', 'peak RSS growth MiB'],
    [
      ['bare node:http to disk', f(upload.baseline.medianMibPerSec), upload.baseline.mibPerSec.map((v) => f(v)).join(' '), f(upload.baseline.peakRssGrowthMib)],
      [
        'the same, fsync before answering',
        f(upload.durableBaseline.medianMibPerSec),
        upload.durableBaseline.mibPerSec.map((v) => f(v)).join(' '),
        f(upload.durableBaseline.peakRssGrowthMib),
      ],
      ['Parley POST /api/attachments', f(upload.parley.medianMibPerSec), upload.parley.mibPerSec.map((v) => f(v)).join(' '), f(upload.parley.peakRssGrowthMib)],
    ],
  )
  const thumbnails = formatTable(
    ['thumbnail', 'p50 ms', 'p99 ms', 'samples'],
    [
      ['sharp alone', f(thumbnail.sharp.p50Ms), f(thumbnail.sharp.p99Ms), String(thumbnail.sharp.count)],
      ['Parley upload + thumbnail', f(thumbnail.server.p50Ms), f(thumbnail.server.p99Ms), String(thumbnail.server.count)],
    ],
  )
  return [
    `bench:attachments on ${m.cores} × ${m.cpu}, Node ${m.node}`,
    '',
    `Upload of ${f(upload.bytes / MIB, 0)} MiB (multipart, streamed from disk; filesystem store):`,
    uploads,
    `throughput ratio ${f(upload.throughputRatio, 2)} (target ≥ 0.7), ${f(upload.durableThroughputRatio, 2)} against the durable bare server; server peak RSS growth ${f(upload.peakRssGrowthMib)} MiB (target ≤ 64)`,
    '',
    `Thumbnail of a ${thumbnail.photo.width} × ${thumbnail.photo.height} JPEG (${f(thumbnail.photo.bytes / MIB)} MiB) to WebP ≤ 480 px:`,
    thumbnails,
    `Parley ÷ sharp alone: p50 ${f(thumbnail.p50Ratio, 2)}, p99 ${f(thumbnail.p99Ratio, 2)}`,
  ].join('\n')
}
