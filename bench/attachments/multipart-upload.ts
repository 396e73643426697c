/**
 * The one client both upload targets get: a multipart/form-data POST with the
 * file in field `file`, streamed from disk through node:http with a
 * Content-Length (as browsers and the desktop app send files), timed from the
 * request's start until the answer's end.
 */
import { randomBytes } from 'node:crypto'
import { createReadStream, statSync } from 'node:fs'
import { request } from 'node:http'
import { basename } from 'node:path'

export interface UploadAnswer {
  status: number
  body: string
  ms: number
}

export function postFile(url: string, path: string, headers: Record<string, string> = {}, contentType = 'application/octet-stream'): Promise<UploadAnswer> {
  const boundary = `----parley-bench-${randomBytes(12).toString('hex')}`
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${basename(path)}"\r\nContent-Type: ${contentType}\r\n\r\n`,
  )
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  const length = head.length + statSync(path).size + tail.length
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(length) },
    })
    req.once('error', reject)
    req.once('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.once('error', reject)
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), ms: performance.now() - started }))
    })
    req.write(head)
    const file = createReadStream(path, { highWaterMark: 256 * 1024 })
    file.once('error', (err) => req.destroy(err))
    file.pipe(req, { end: false })
    file.once('end', () => req.end(tail))
  })
}
