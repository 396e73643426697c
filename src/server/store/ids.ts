import { randomBytes } from 'node:crypto'

/**
 * A random id with a readable prefix (`u_`, `c_`, `m_`, `a_`). 96 random bits in
 * base64url: safe inside channel names (`private-user-{id}`) and URLs.
 */
export function newId(prefix: 'u' | 'c' | 'm' | 'a'): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`
}
