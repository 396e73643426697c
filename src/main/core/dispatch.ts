/**
 * One IPC call, from untrusted arguments to a result envelope: validate with
 * the contract's zod schema, call the core, and turn any failure into
 * `{ok:false, error:{code,message}}` (errors.ts). The Electron shell and the
 * e2e harness both route every call through here, so they validate
 * identically.
 */
import type { IpcCallName, IpcEnvelope, IpcResults } from '../../shared/ipc'
import { ipcArgs } from '../../shared/ipc-schema'
import type { CoreCalls } from './core-api'
import { errorReply } from './errors'

export function isCallName(name: unknown): name is IpcCallName {
  return typeof name === 'string' && Object.hasOwn(ipcArgs, name)
}

export async function dispatchCall(core: CoreCalls, name: unknown, raw: unknown): Promise<IpcEnvelope<unknown>> {
  if (!isCallName(name)) return { ok: false, error: { code: 'bad_request', message: 'Unknown call' } }
  const parsed = ipcArgs[name].safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''
    return { ok: false, error: { code: 'bad_request', message: `${name}: ${where}${issue?.message ?? 'invalid arguments'}` } }
  }
  try {
    const call = core[name] as (args: unknown) => Promise<IpcResults[IpcCallName]>
    return { ok: true, value: await call.call(core, parsed.data) }
  } catch (err) {
    return errorReply(err)
  }
}
