/**
 * The two streamed requests of attachments, beside the JSON client
 * (api-client.ts), through the same base URL and bearer token:
 *
 * - an upload: `POST /api/attachments`, multipart with one field `file`,
 *   streamed from the private copy with an exact Content-Length (so a server
 *   can refuse a file over its limit before reading it), progress as bytes
 *   handed to the socket;
 * - a download: a GET streamed into a file, progress as bytes written, never
 *   more than the expected size.
 *
 * Failures are sorted as the JSON client sorts them (NetworkError: retry;
 * HttpError: the server's answer), plus LocalFileError when the file on this
 * side cannot be read or written.
 */
import { randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import http, { type IncomingMessage } from 'node:http'
import https from 'node:https'
import { attachmentSchema, errorResponseSchema, type Attachment } from '../../../shared/api'
import { HttpError, NetworkError } from '../api-client'

/** Where requests go: the api client's base URL and token. */
export interface AttachmentServer {
  readonly baseUrl: string
  readonly token: string | null
}

/** The file on this device could not be read or written (a copy deleted under us, a full disk): retrying will not help. */
export class LocalFileError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'LocalFileError'
  }
}

/** A request that moves no byte for this long has failed (a half-open network). */
const IDLE_TIMEOUT_MS = 30_000
/** JSON answers and error bodies are small; anything longer is not read. */
const ANSWER_MAX = 64 * 1024

export interface UploadFile {
  path: string
  name: string
  size: number
}

export function uploadFile(server: AttachmentServer, file: UploadFile, onProgress: (sent: number) => void, signal: AbortSignal): Promise<Attachment> {
  const boundary = `parley-${randomBytes(12).toString('hex')}`
  const head = Buffer.from(
    `--${boundary}\r\n` +
      `Content-Disposition: form-data; name="file"; filename="${quoted(file.name)}"; filename*=UTF-8''${encodeRfc5987(file.name)}\r\n` +
      // The server sniffs the type from the bytes; no claim is made here.
      'Content-Type: application/octet-stream\r\n\r\n',
  )
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  return new Promise<Attachment>((resolve, reject) => {
    let settled = false
    const finish = (err: Error | null, value?: Attachment) => {
      if (settled) return
      settled = true
      if (err) reject(err)
      else resolve(value as Attachment)
    }
    const request = send(server, 'POST', '/api/attachments', signal, {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(head.length + file.size + tail.length),
    })
    // The answer may come before the body is written (413 for a file over the limit): it is what counts.
    request.on('response', (response) => {
      readAnswer(response, 'POST /api/attachments').then(
        (json) => {
          const parsed = attachmentSchema.safeParse(json)
          finish(parsed.success ? null : new HttpError(502, 'bad_response', 'Unexpected answer to an upload'), parsed.data)
        },
        (err: Error) => finish(err),
      )
      stream.destroy()
    })
    request.on('error', (err) => finish(signal.aborted ? abortError() : new NetworkError(`POST /api/attachments: ${describe(err)}`)))
    const stream = createReadStream(file.path)
    let sent = 0
    stream.on('error', (err) => {
      finish(new LocalFileError(`Cannot read the copy of "${file.name}": ${describe(err)}`))
      request.destroy()
    })
    stream.on('data', (chunk) => {
      sent += chunk.length
      if (sent > file.size) {
        finish(new LocalFileError(`The copy of "${file.name}" changed size`))
        request.destroy()
        stream.destroy()
        return
      }
      if (!request.write(chunk)) stream.pause()
      onProgress(sent)
    })
    request.on('drain', () => stream.resume())
    stream.on('end', () => {
      if (sent !== file.size) {
        finish(new LocalFileError(`The copy of "${file.name}" changed size`))
        request.destroy()
        return
      }
      request.end(tail)
    })
    request.write(head)
  })
}

/**
 * GET `path` into `destination` (created or truncated); resolves with the
 * bytes written. More than `maxBytes` fails (a server cannot fill the disk).
 */
export function downloadFile(
  server: AttachmentServer,
  path: string,
  destination: string,
  options: { maxBytes: number; signal: AbortSignal; onProgress?: (received: number) => void },
): Promise<number> {
  const { signal, maxBytes, onProgress } = options
  return new Promise<number>((resolve, reject) => {
    let settled = false
    const finish = (err: Error | null, value = 0) => {
      if (settled) return
      settled = true
      if (err) reject(err)
      else resolve(value)
    }
    const request = send(server, 'GET', path, signal, {})
    request.on('error', (err) => finish(signal.aborted ? abortError() : new NetworkError(`GET ${path}: ${describe(err)}`)))
    request.on('response', (response) => {
      if (response.statusCode !== 200) {
        readAnswer(response, `GET ${path}`).then(() => finish(new HttpError(502, 'bad_response', `GET ${path}: HTTP ${response.statusCode}`)), finish)
        return
      }
      const out = createWriteStream(destination)
      let received = 0
      out.on('error', (err) => {
        finish(new LocalFileError(`Cannot write the download: ${describe(err)}`))
        request.destroy()
      })
      response.on('data', (chunk: Buffer) => {
        received += chunk.length
        if (received > maxBytes) {
          finish(new HttpError(502, 'bad_response', `GET ${path}: more bytes than expected`))
          request.destroy()
          out.destroy()
          return
        }
        if (!out.write(chunk)) response.pause()
        onProgress?.(received)
      })
      out.on('drain', () => response.resume())
      response.on('aborted', () => finish(new NetworkError(`GET ${path}: cut off`)))
      response.on('error', (err) => finish(signal.aborted ? abortError() : new NetworkError(`GET ${path}: ${describe(err)}`)))
      response.on('end', () => {
        if (settled) return
        out.end(() => finish(null, received))
      })
    })
    request.end()
  })
}

function send(server: AttachmentServer, method: string, path: string, signal: AbortSignal, headers: Record<string, string>): http.ClientRequest {
  const url = new URL(`${server.baseUrl}${path}`)
  const client = url.protocol === 'https:' ? https : http
  const request = client.request(url, {
    method,
    signal,
    headers: { ...headers, ...(server.token ? { authorization: `Bearer ${server.token}` } : {}) },
  })
  request.setTimeout(IDLE_TIMEOUT_MS, () => request.destroy(new Error('timed out')))
  return request
}

/** The JSON of a 2xx answer; an HttpError (the server's code and words) for any other status. */
function readAnswer(response: IncomingMessage, what: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let length = 0
    response.on('data', (chunk: Buffer) => {
      length += chunk.length
      if (length <= ANSWER_MAX) chunks.push(chunk)
    })
    response.on('error', (err) => reject(new NetworkError(`${what}: ${describe(err)}`)))
    response.on('aborted', () => reject(new NetworkError(`${what}: cut off`)))
    response.on('end', () => {
      const json = safeJson(Buffer.concat(chunks).toString('utf8'))
      const status = response.statusCode ?? 0
      if (status >= 200 && status < 300) return resolve(json)
      const error = errorResponseSchema.safeParse(json)
      reject(
        error.success
          ? new HttpError(status, error.data.error.code, error.data.error.message)
          : new HttpError(status, 'http_error', `${what}: HTTP ${status}`),
      )
    })
  })
}

function abortError(): Error {
  const err = new Error('aborted')
  err.name = 'AbortError'
  return err
}

export const isAbort = (err: unknown): boolean => err instanceof Error && err.name === 'AbortError'

const describe = (err: unknown): string => (err as { code?: string }).code ?? (err instanceof Error ? err.message : String(err))

const quoted = (name: string): string => name.replace(/["\\\r\n]/g, '_')

const encodeRfc5987 = (name: string): string => encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
