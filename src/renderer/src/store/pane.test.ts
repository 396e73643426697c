import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { resetAllStores } from '.'
import { followOpenedConversations, paneOf, usePane } from './pane'
import { useUi } from './ui'

let inList = false
let stop: () => void = () => undefined
const listShown = () => usePane.getState().listShown

beforeEach(() => {
  resetAllStores()
  usePane.getState().reset()
  inList = false
  stop = followOpenedConversations(() => inList)
})

afterEach(() => {
  stop()
  resetAllStores()
  usePane.getState().reset()
})

describe('paneOf', () => {
  it('the list with nothing open or when asked for; else the conversation', () => {
    expect(paneOf(null, false)).toBe('list')
    expect(paneOf(null, true)).toBe('list')
    expect(paneOf('c1', true)).toBe('list')
    expect(paneOf('c1', false)).toBe('conversation')
  })
})

describe('followOpenedConversations', () => {
  it('opening another conversation shows it', () => {
    useUi.getState().openConversation('c1')
    usePane.getState().showList()
    useUi.getState().openConversation('c2')
    expect(listShown()).toBe(false)
  })

  it('opening the conversation already open (after Back: the quick switcher, a notification) shows it again', () => {
    useUi.getState().openConversation('c1')
    usePane.getState().showList()
    useUi.getState().openConversation('c1')
    expect(listShown()).toBe(false)
  })

  it('the arrow keys in the list open conversations but leave the list on screen', () => {
    useUi.getState().openConversation('c1')
    usePane.getState().showList()
    inList = true
    useUi.getState().openConversation('c2')
    expect(listShown()).toBe(true)
  })

  it('a search hit (or a message link) shows the conversation, the one already open too', () => {
    useUi.getState().openConversation('c1')
    usePane.getState().showList()
    inList = true
    useUi.getState().jumpToMessage({ conversationId: 'c1', messageKey: 'bob:1', seq: 1 })
    expect(listShown()).toBe(false)
  })

  it('closing the conversation and other changes leave the pane alone', () => {
    useUi.getState().openConversation('c1')
    usePane.getState().showList()
    useUi.getState().setDraft('c1', 'hello')
    useUi.getState().setDialog('settings')
    useUi.getState().openConversation(null)
    expect(listShown()).toBe(true)
  })

  it('stops following once unsubscribed', () => {
    stop()
    usePane.getState().showList()
    useUi.getState().openConversation('c3')
    expect(listShown()).toBe(true)
  })
})
