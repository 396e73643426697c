/**
 * The upload baseline: a bare node:http server that streams each POST body,
 * as it arrives, into a new file of BASELINE_DIR and answers 201 —
 * no parsing, hashing, sniffing or store, so nothing is faster on this machine.
 * `POST /durable` also flushes the file to the disk (fsync) before answering,
 * as a server must before it says a file is stored: the same-run measure of
 * what durability alone costs.
 * Prints "Baseline listening on http://127.0.0.1:<port>" when ready.
 */
import { createWriteStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'

const directory = process.env.BASELINE_DIR
if (directory === undefined) throw new Error('baseline-server.ts needs BASELINE_DIR')
let uploads = 0

const server = createServer((req, res) => {
  uploads += 1
  const path = join(directory, `upload-${uploads}`)
  const durable = req.url === '/durable'
  pipeline(req, createWriteStream(path))
    .then(async () => {
      if (!durable) return
      const file = await open(path, 'r')
      await file.sync()
      await file.close()
    })
    .then(
    () => res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ path })),
    (err: unknown) => res.writeHead(500).end(String(err)),
  )
})
server.listen(0, '127.0.0.1', () => {
  console.log(`Baseline listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`)
})
process.on('SIGTERM', () => process.exit(0))
