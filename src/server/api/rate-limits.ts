import type { FastifyInstance, FastifyRequest } from 'fastify'

const perUser = (request: FastifyRequest) => request.user?.id ?? request.ip

/** Route options: at most `max` requests a minute per signed-in user (after authentication), then 429. */
export function perUserPerMinute(max: number, groupId: string) {
  return {
    config: {
      rateLimit: {
        hook: 'preHandler' as const,
        max,
        timeWindow: 60_000,
        groupId,
        keyGenerator: perUser,
      },
    },
  }
}

/**
 * One budget of `max` requests a minute per signed-in user for every route
 * given these options (a route's own `config.rateLimit` counts that route
 * alone), then 429. Runs after authentication.
 */
export function sharedPerUserPerMinute(app: FastifyInstance, max: number) {
  return { preHandler: app.rateLimit({ max, timeWindow: 60_000, keyGenerator: perUser }) }
}
