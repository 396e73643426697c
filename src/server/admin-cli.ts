/**
 * `npm run admin -- <command>`: manage a Parley server from its host, with
 * the server's own configuration (DATA_DIR or DATABASE_URL from the
 * environment, src/server/config.ts). Works while the server runs: a
 * session it revokes fails its next REST request at once, and the server
 * closes that session's realtime sockets at its next session sweep (within a
 * minute, src/server/api/sessions.ts).
 *
 * Exit codes: 0 done, 1 refused (unknown user, bad password from stdin,
 * store failure), 2 usage or configuration error.
 */
import { randomBytes } from 'node:crypto'
import { text } from 'node:stream/consumers'
import { parseArgs } from 'node:util'
import { LIMITS } from '../shared/api'
import { inviteLink } from '../shared/invite-link'
import { createInvite } from './api/invites'
import { hashPassword } from './api/passwords'
import { ConfigError, loadConfig, type ServerConfig } from './config'
import { openStore } from './store/open'
import type { Store, UserRecord } from './store/store'

const USAGE = `Usage: npm run admin -- <command> [options]

Manages the Parley server configured by this environment (DATA_DIR, or DATABASE_URL).

Commands:
  create-invite [--hours N]        a single-use invite code (default ${LIMITS.inviteHoursDefault} h, at most ${LIMITS.inviteHoursMax} h) and its link
  promote <username>               make the user an administrator of this server (invites)
  disable-user <username>          sign the user out everywhere and refuse their sign-in
  enable-user <username>           allow a disabled user to sign in again
  reset-password <username>        set a new random password (printed) and sign the user out everywhere;
                                   with --stdin, the new password is read from standard input instead

Options:
  -h, --help                       show this help
`

/** A usage mistake: the message, then the usage, exit 2. */
class UsageError extends Error {}
/** A refusal with a message for the operator: exit 1. */
class Refused extends Error {}

async function main(argv: string[]): Promise<void> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { hours: { type: 'string' }, stdin: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const { values, positionals } = parsed
  const [command, ...rest] = positionals
  if (values.help || command === 'help') {
    process.stdout.write(USAGE)
    return
  }
  if (command === undefined) throw new UsageError('Give a command.')
  const known = ['create-invite', 'promote', 'disable-user', 'enable-user', 'reset-password']
  if (!known.includes(command)) throw new UsageError(`Unknown command "${command}".`)
  if (command === 'create-invite' ? rest.length > 0 : rest.length !== 1) {
    throw new UsageError(command === 'create-invite' ? 'create-invite takes no username.' : `${command} takes exactly one username.`)
  }
  if (values.hours !== undefined && command !== 'create-invite') throw new UsageError('--hours is for create-invite.')
  if (values.stdin && command !== 'reset-password') throw new UsageError('--stdin is for reset-password.')
  const hours = values.hours === undefined ? undefined : parseHours(values.hours)

  const config = loadConfig()
  // Read before the store opens: a password piped in is the operator's, whatever the database says.
  const newPassword = command === 'reset-password' ? await passwordToSet(values.stdin === true) : undefined

  const store = await openStore(config)
  try {
    const now = Date.now()
    const user = async (): Promise<UserRecord> => {
      const name = rest[0] ?? ''
      const found = await store.userByUsername(name)
      if (found === null) throw new Refused(`No user "${name}" on this server.`)
      return found
    }
    switch (command) {
      case 'create-invite': {
        const { code, expiresAt } = await createInvite(store, { createdBy: null, now, ...(hours !== undefined ? { hours } : {}) })
        const server = serverUrl(config)
        console.log(`Invite code: ${code}`)
        console.log(`Link:        ${inviteLink(server, code)}`)
        console.log(`Expires:     ${new Date(expiresAt).toISOString()}`)
        if (config.publicUrl === undefined) console.log(`(The link names ${server}; set PUBLIC_URL to name the address people reach.)`)
        return
      }
      case 'promote': {
        const target = await user()
        await store.setAdmin(target.id, true)
        console.log(target.admin ? `${target.username} already administers this server.` : `${target.username} now administers this server.`)
        return
      }
      case 'disable-user': {
        const target = await user()
        const ended = await store.setDisabled(target.id, true, now)
        console.log(`${target.username} is disabled: ${plural(ended.length, 'session')} signed out; sign-in is refused.`)
        return
      }
      case 'enable-user': {
        const target = await user()
        await store.setDisabled(target.id, false, now)
        console.log(target.disabledAt === null ? `${target.username} was not disabled.` : `${target.username} may sign in again.`)
        return
      }
      case 'reset-password': {
        const target = await user()
        const password = newPassword ?? randomBytes(12).toString('base64url')
        await resetPassword(store, target, password)
        if (newPassword === undefined) console.log(`New password for ${target.username}: ${password}`)
        else console.log(`The password of ${target.username} was changed.`)
        return
      }
    }
  } finally {
    await store.close()
  }
}

async function resetPassword(store: Store, target: UserRecord, password: string): Promise<void> {
  await store.setPasswordHash(target.id, await hashPassword(password))
  const ended = await store.deleteSessionsOf(target.id)
  console.log(`${plural(ended.length, 'session')} of ${target.username} signed out.`)
}

/** --stdin: the whole input, without the line break a shell or `echo` adds; else undefined (one is made up). */
async function passwordToSet(fromStdin: boolean): Promise<string | undefined> {
  if (!fromStdin) return undefined
  const password = (await text(process.stdin)).replace(/\r?\n$/, '')
  if (password.length < LIMITS.passwordMin || password.length > LIMITS.passwordMax) {
    throw new Refused(`The password from standard input must be ${LIMITS.passwordMin}–${LIMITS.passwordMax} characters long.`)
  }
  return password
}

function parseHours(value: string): number {
  const hours = Number(value)
  if (!/^\d+$/.test(value) || hours < 1 || hours > LIMITS.inviteHoursMax) {
    throw new UsageError(`--hours must be a whole number from 1 to ${LIMITS.inviteHoursMax}.`)
  }
  return hours
}

/** Where invite links send people: PUBLIC_URL, else the address the server listens on. */
function serverUrl(config: ServerConfig): string {
  if (config.publicUrl !== undefined) return config.publicUrl.origin
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
  return new URL(`http://${host.includes(':') ? `[${host}]` : host}:${config.port}`).origin
}

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError || err instanceof ConfigError) {
    console.error(err instanceof UsageError ? `${err.message}\n\n${USAGE}` : err.message)
    process.exit(2)
  }
  console.error(err instanceof Refused ? err.message : err)
  process.exit(1)
})
