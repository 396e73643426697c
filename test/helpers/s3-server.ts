/**
 * An S3-API server for tests and benchmarks: s3rver (npm; a small S3-compatible
 * server written in Node, storing objects as files) as a child process on
 * loopback with its own temporary directory and one bucket. Only tests use it;
 * production points S3_ENDPOINT at real S3 or a self-hosted store. Its one
 * defect that matters here is patched in s3rver-process.ts. It checks that
 * the access key id exists but not SigV4 signatures, so a wrong secret goes
 * unnoticed — tests of refused credentials use an unknown key id.
 */
import type { ChildProcess } from 'node:child_process'
import { makeWorkDir, removeWorkDir, spawnTsx, stopProcess, waitForLine } from '../kit/processes'

export interface S3Server {
  endpoint: string
  bucket: string
  accessKeyId: 'S3RVER'
  secretAccessKey: 'S3RVER'
  /** The server's environment for storing attachments here (path-style, as self-hosted stores need). */
  env: Record<string, string>
  child: ChildProcess
  stop(): Promise<void>
}

export async function startS3Server(bucket = 'parley-test'): Promise<S3Server> {
  const directory = makeWorkDir('parley-s3rver-')
  const child = spawnTsx('test/helpers/s3rver-process.ts', { ...process.env, S3RVER_DIRECTORY: directory, S3RVER_BUCKET: bucket }, ['ignore', 'pipe', 'inherit'])
  try {
    const [, endpoint = ''] = await waitForLine(child, /^s3rver listening on (http:\/\/\S+)$/, 20_000, 's3rver')
    return {
      endpoint,
      bucket,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      env: {
        S3_BUCKET: bucket,
        S3_ENDPOINT: endpoint,
        S3_ACCESS_KEY_ID: 'S3RVER',
        S3_SECRET_ACCESS_KEY: 'S3RVER',
        S3_FORCE_PATH_STYLE: 'true',
      },
      child,
      async stop() {
        await stopProcess(child)
        removeWorkDir(directory)
      },
    }
  } catch (err) {
    await stopProcess(child)
    removeWorkDir(directory)
    throw err
  }
}
