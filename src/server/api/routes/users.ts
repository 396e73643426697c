import type { FastifyInstance } from 'fastify'
import { userQuerySchema, type User } from '../../../shared/api'
import { currentUser } from '../authenticate'
import type { ApiContext } from '../context'
import { parseWith } from '../errors'
import { userView } from '../views'

const DIRECTORY_PAGE = 100

export function userRoutes(ctx: ApiContext) {
  return async (app: FastifyInstance) => {
    app.get('/api/me', async (request): Promise<User> => userView(currentUser(request), ctx.presence, true))

    app.get('/api/users', async (request): Promise<User[]> => {
      const me = currentUser(request)
      const { q, ids } = parseWith(userQuerySchema, request.query, 'query')
      const users = ids !== undefined ? await ctx.store.usersById(ids) : await ctx.store.searchUsers(q, DIRECTORY_PAGE)
      const contacts = await ctx.store.contactsAmong(
        me.id,
        users.map((user) => user.id),
      )
      return users.map((user) => userView(user, ctx.presence, contacts.has(user.id)))
    })
  }
}
