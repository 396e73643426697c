import { describe, expect, it } from 'vitest'
import type { ConnectionState } from '../../../shared/ipc'
import { ConnectionNewsTracker } from './connection-news'

const said = (start: ConnectionState, states: ConnectionState[]) => {
  const tracker = new ConnectionNewsTracker(start)
  return states.map((state) => tracker.next(state))
}

describe('ConnectionNewsTracker', () => {
  it('says nothing about starting up and connecting', () => {
    expect(said('connecting', ['connected', 'connected'])).toEqual([null, null])
  })

  it('an outage: offline once however often the core retries, then back online', () => {
    expect(said('connected', ['offline', 'connecting', 'offline', 'connecting', 'offline', 'connecting', 'connected'])).toEqual([
      'offline',
      null,
      null,
      null,
      null,
      null,
      'online',
    ])
  })

  it('a connection being replaced: reconnecting, then back online; and offline if the attempt fails', () => {
    expect(said('connected', ['connecting', 'connected'])).toEqual(['reconnecting', 'online'])
    expect(said('connected', ['connecting', 'offline', 'connecting', 'connected'])).toEqual(['reconnecting', 'offline', null, 'online'])
  })

  it('the same status again is not news', () => {
    expect(said('connected', ['connected', 'offline', 'offline', 'connected', 'connected'])).toEqual([null, 'offline', null, 'online', null])
  })

  it('each outage is told afresh', () => {
    expect(said('connected', ['offline', 'connected', 'offline', 'connecting', 'connected'])).toEqual(['offline', 'online', 'offline', null, 'online'])
  })

  it('no server in reach from the start: offline, then online when it comes', () => {
    expect(said('connecting', ['offline', 'connecting', 'offline', 'connecting', 'connected'])).toEqual(['offline', null, null, null, 'online'])
  })
})
