/** You (GET/PATCH /api/me) and the directory (GET /api/users). */
import type { FastifyInstance } from 'fastify'
import { updateMeRequestSchema, userQuerySchema, type User } from '../../../shared/api'
import { currentUser } from '../authenticate'
import type { ApiContext } from '../context'
import { notFound, parseWith } from '../errors'
import { selfView, userView } from '../views'

const DIRECTORY_PAGE = 100

export function userRoutes(ctx: ApiContext) {
  return async (app: FastifyInstance) => {
    app.get('/api/me', async (request): Promise<User> => selfView(currentUser(request), ctx.presence))

    app.patch('/api/me', async (request): Promise<User> => {
      const me = currentUser(request)
      const { displayName } = parseWith(updateMeRequestSchema, request.body)
      const updated = displayName === undefined ? me : await ctx.store.updateDisplayName(me.id, displayName)
      if (updated === null) throw notFound('Your account no longer exists')
      return selfView(updated, ctx.presence)
    })

    app.get('/api/users', async (request): Promise<User[]> => {
      const me = currentUser(request)
      const { q, ids } = parseWith(userQuerySchema, request.query, 'query')
      const users = ids !== undefined ? await ctx.store.usersById(ids) : await ctx.store.searchUsers(q, DIRECTORY_PAGE)
      // Presence only for contacts who have not blocked me.
      const contacts = await ctx.store.contactsAmong(
        me.id,
        users.map((user) => user.id),
      )
      return users.map((user) => userView(user, ctx.presence, contacts.has(user.id)))
    })
  }
}
