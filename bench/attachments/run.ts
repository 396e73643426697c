/**
 * `npm run bench:attachments`: (a) uploading a big file through POST
 * /api/attachments (a real server process, filesystem store) against a bare
 * node:http server streaming the same request to disk, with the server's peak
 * RSS growth during the upload; (b) the time from uploading a camera-sized JPEG
 * to its 201 (thumbnail made) against sharp alone making the same thumbnail.
 * Both baselines run in the same run, on the same files, interleaved with
 * Parley's measurements. Progress goes to stderr; stdout gets the tables, then
 * the results as one JSON line, also written to <results dir>/attachments.json.
 * Sizes: options.ts.
 */
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { mkdir, unlink } from 'node:fs/promises'
import { constants } from 'node:os'
import { join } from 'node:path'
import { newUser } from '../../test/helpers/messenger'
import { cleanUpNow, makeWorkDir, removeWorkDir, spawnTsx, stopProcess, waitForLine } from '../../test/kit/processes'
import { seededRandom } from '../../test/kit/random'
import { spawnServer, type ServerProcess } from '../../test/kit/server-process'
import { publishResults, runBenchmark } from '../results'
import { postFile, type UploadAnswer } from './multipart-upload'
import { readOptions, type BenchOptions } from './options'
import { makePhoto, sharpThumbnailMs } from './photo'
import { attachmentsReport, formatReport, uploadSide } from './report'
import { rssPeakDuring, type RssPeak } from './rss-peak'

const MIB = 1024 * 1024
const WARMUP = 2

/** A file of random bytes (incompressible, so no layer can cheat), written a MiB at a time. */
async function randomFile(path: string, bytes: number): Promise<void> {
  const out = createWriteStream(path)
  for (let written = 0; written < bytes; written += MIB) {
    if (!out.write(randomBytes(Math.min(MIB, bytes - written)))) await once(out, 'drain')
  }
  out.end()
  await once(out, 'finish')
}

function expectCreated(what: string, answer: UploadAnswer): UploadAnswer {
  if (answer.status !== 201) throw new Error(`${what}: ${answer.status} ${answer.body.slice(0, 300)}`)
  return answer
}

async function startBaseline(directory: string): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const child = spawnTsx('bench/attachments/baseline-server.ts', { ...process.env, BASELINE_DIR: directory })
  const [, url = ''] = await waitForLine(child, /^Baseline listening on (http:\/\/\S+)$/, 20_000, 'baseline')
  if (child.pid === undefined) throw new Error('the baseline server has no pid')
  return { url, pid: child.pid, stop: () => stopProcess(child) }
}

async function main(options: BenchOptions): Promise<void> {
  const work = makeWorkDir('parley-bench-attachments-')
  const uploadBytes = options.uploadMib * MIB
  let server: ServerProcess | undefined
  let baseline: Awaited<ReturnType<typeof startBaseline>> | undefined
  try {
    console.error(`writing a ${options.uploadMib} MiB file and a ${options.megapixels} MP photo…`)
    const file = join(work, 'upload.bin')
    await randomFile(file, uploadBytes)
    const photoPath = join(work, 'photo.jpg')
    const photo = await makePhoto(photoPath, options.megapixels, seededRandom(18))

    console.error('starting the servers…')
    server = await spawnServer(
      {
        HOST: '127.0.0.1',
        DATA_DIR: join(work, 'server'),
        LOG_LEVEL: 'warn',
        MAX_UPLOAD_BYTES: String(uploadBytes + MIB),
        UPLOAD_RATE_LIMIT: '1000000',
        AUTH_RATE_LIMIT: '100000',
      },
      { timeoutMs: 30_000, onLine: (line) => console.error(`[server] ${line}`) },
    )
    await mkdir(join(work, 'baseline'))
    baseline = await startBaseline(join(work, 'baseline'))
    const user = await newUser(server.url, 'bench')
    const auth = { authorization: `Bearer ${user.token}` }
    const parleyUpload = (path: string, type?: string): Promise<UploadAnswer> => postFile(`${server?.url}/api/attachments`, path, auth, type)
    const baselineUpload = async (path: string, durable = false): Promise<UploadAnswer> => {
      const answer = expectCreated('baseline upload', await postFile(`${baseline?.url}/${durable ? 'durable' : ''}`, path))
      await unlink((JSON.parse(answer.body) as { path: string }).path)
      return answer
    }

    // (a) The big upload, baseline and Parley alternating which goes first.
    for (let i = 0; i < WARMUP; i++) {
      expectCreated('warm-up upload', await parleyUpload(photoPath, 'image/jpeg'))
      await baselineUpload(photoPath)
    }
    const parleyRounds: { ms: number; rss: RssPeak }[] = []
    const baselineRounds: { ms: number; rss: RssPeak }[] = []
    const durableRounds: { ms: number; rss: RssPeak }[] = []
    for (let round = 0; round < options.rounds; round++) {
      const sides = [
        async () => {
          const { result, rss } = await rssPeakDuring(baseline?.pid ?? 0, () => baselineUpload(file))
          baselineRounds.push({ ms: result.ms, rss })
        },
        async () => {
          const { result, rss } = await rssPeakDuring(baseline?.pid ?? 0, () => baselineUpload(file, true))
          durableRounds.push({ ms: result.ms, rss })
        },
        async () => {
          const { result, rss } = await rssPeakDuring(server?.pid ?? 0, () => parleyUpload(file))
          parleyRounds.push({ ms: expectCreated('upload', result).ms, rss })
        },
      ]
      // Each side goes first, second and last in turn.
      for (let turn = 0; turn < round % sides.length; turn++) sides.push(sides.shift() as (typeof sides)[number])
      for (const side of sides) await side()
      console.error(
        `upload round ${round + 1}/${options.rounds}: baseline ${baselineRounds.at(-1)?.ms.toFixed(0)} ms, durable baseline ${durableRounds.at(-1)?.ms.toFixed(0)} ms, Parley ${parleyRounds.at(-1)?.ms.toFixed(0)} ms`,
      )
    }

    // (b) The photo: Parley's upload-to-thumbnail and sharp alone, interleaved.
    const serverMs: number[] = []
    const sharpMs: number[] = []
    for (let i = 0; i < WARMUP + options.thumbnails; i++) {
      const answer = expectCreated('photo upload', await parleyUpload(photoPath, 'image/jpeg'))
      if (!(JSON.parse(answer.body) as { hasThumbnail?: boolean }).hasThumbnail) throw new Error(`the photo got no thumbnail: ${answer.body}`)
      const alone = await sharpThumbnailMs(photoPath)
      if (i < WARMUP) continue
      serverMs.push(answer.ms)
      sharpMs.push(alone)
    }
    console.error(`thumbnails: ${options.thumbnails} each`)

    const report = attachmentsReport(
      options,
      {
        bytes: uploadBytes,
        parley: uploadSide(uploadBytes, parleyRounds),
        baseline: uploadSide(uploadBytes, baselineRounds),
        durableBaseline: uploadSide(uploadBytes, durableRounds),
      },
      { photo, serverMs, sharpMs },
    )
    publishResults('attachments', formatReport(report), report, options.resultsDir)
  } finally {
    await baseline?.stop()
    await server?.stop(10_000)
    removeWorkDir(work)
  }
}

process.once('exit', cleanUpNow)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    cleanUpNow()
    process.exit(128 + constants.signals[signal])
  })
}
runBenchmark(() => main(readOptions()))
