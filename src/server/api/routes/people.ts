/**
 * People and administration (docs/design.md §4.6): blocking someone, the list
 * of whom you blocked, and invite codes (server administrators only).
 *
 * A block is one-way: the blocked user can no longer post into the blocker's
 * direct conversation (403 `blocked`, routes/conversations.ts), nor join its
 * presence channel (routes/pusher.ts) — their membership of it ends at once,
 * which also stops their typing — nor see the blocker's presence anywhere
 * (contactsAmong; and with the embedded realtime server, in the presence
 * channels of groups they share: ctx.groups.blockChanged). They may still
 * post in those groups.
 */
import type { FastifyInstance } from 'fastify'
import { createInviteRequestSchema, type Invite, type User } from '../../../shared/api'
import { inviteLink } from '../../../shared/invite-link'
import { currentUser } from '../authenticate'
import type { ApiContext } from '../context'
import { badRequest, forbidden, notFound, parseWith } from '../errors'
import { createInvite } from '../invites'
import { ID } from '../membership'
import { userView } from '../views'
import { serverOrigin } from './config'

interface UserParams {
  id: string
}

export function peopleRoutes(ctx: ApiContext) {
  /** The other user of a block request: not yourself (400), and someone who exists (404). */
  async function otherUser(meId: string, id: string) {
    if (id === meId) throw badRequest('You cannot block yourself')
    const [user] = ID.test(id) ? await ctx.store.usersById([id]) : []
    if (user === undefined) throw notFound(`No user ${id.slice(0, 64)}`)
    return user
  }

  return async (app: FastifyInstance) => {
    app.put<{ Params: UserParams }>('/api/users/:id/block', async (request, reply) => {
      const me = currentUser(request)
      const blocked = await otherUser(me.id, request.params.id)
      await ctx.store.block(me.id, blocked.id, ctx.now())
      await ctx.groups.blockChanged(me.id, blocked.id, true)
      const direct = await ctx.store.directConversationBetween(me.id, blocked.id)
      if (direct !== null) await ctx.groups.endPresence(direct, blocked.id)
      return reply.code(204).send()
    })

    app.delete<{ Params: UserParams }>('/api/users/:id/block', async (request, reply) => {
      const me = currentUser(request)
      const blocked = await otherUser(me.id, request.params.id)
      await ctx.store.unblock(me.id, blocked.id)
      await ctx.groups.blockChanged(me.id, blocked.id, false)
      return reply.code(204).send()
    })

    app.get('/api/blocks', async (request): Promise<User[]> => {
      const me = currentUser(request)
      const users = await ctx.store.blockedUsers(me.id)
      const contacts = await ctx.store.contactsAmong(
        me.id,
        users.map((user) => user.id),
      )
      return users.map((user) => userView(user, ctx.presence, contacts.has(user.id)))
    })

    app.post('/api/invites', async (request, reply) => {
      const me = currentUser(request)
      if (!me.admin) throw forbidden('Only an administrator of this server can create invites')
      const { expiresInHours } = parseWith(createInviteRequestSchema, request.body)
      const { code, expiresAt } = await createInvite(ctx.store, { createdBy: me.id, now: ctx.now(), hours: expiresInHours })
      const invite: Invite = { code, url: inviteLink(serverOrigin(ctx, request), code), expiresAt }
      return reply.code(201).send(invite)
    })
  }
}
