/**
 * The Store's side of attachments (docs/design.md §4.5) on SQLite and
 * PostgreSQL: uploads attach inside the send's transaction (the sender's
 * own, unattached, all or nothing), every view of a message carries them in
 * order, a repeated clientId attaches nothing, two sends racing for one
 * upload attach it once, a delete frees exactly its blobs, and the sweeper's
 * queries take only stale unattached uploads.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { requirePostgres } from '../../../test/kit/services'
import { storeFactories, type StoreFactory } from '../../../test/support/store-factories'
import { newId } from './ids'
import { MessageRefusedError, type NewAttachment, type Store, type UserRecord } from './store'

const postgresMissing = await requirePostgres('attachment store tests: the postgres variant')

function attachmentContract(factory: StoreFactory): void {
  let store: Store
  let cleanup: () => Promise<void>
  let n = 0
  beforeEach(async () => {
    ;({ store, cleanup } = await factory.open())
  })
  afterEach(async () => {
    await cleanup()
  })

  const user = (): Promise<UserRecord> =>
    store.createUser({ id: newId('u'), username: `user${++n}`, displayName: 'u', passwordHash: 'x', createdAt: 1 })

  const pair = async () => {
    const [a, b] = [await user(), await user()]
    const { conversation } = await store.createConversation({ kind: 'group', title: 'g', memberIds: [a.id, b.id], createdBy: a.id, now: 10 })
    return { a, b, conversationId: conversation.id }
  }

  async function uploadOf(uploader: UserRecord, createdAt = 100, image = false): Promise<NewAttachment> {
    const id = newId('a')
    const attachment: NewAttachment = {
      id,
      uploaderId: uploader.id,
      name: `${id}.bin`,
      size: 12,
      mime: image ? 'image/png' : 'application/octet-stream',
      width: image ? 4 : null,
      height: image ? 3 : null,
      hasThumbnail: image,
      sha256: 'ab'.repeat(32),
      blobKey: id,
      thumbnailKey: image ? `${id}.thumb` : null,
      thumbnailSize: image ? 40 : null,
      createdAt,
    }
    await store.reserveBlobKeys(image ? [id, `${id}.thumb`] : [id], createdAt + 1_000)
    await store.createAttachment(attachment)
    return attachment
  }

  const view = (a: NewAttachment) => ({ id: a.id, name: a.name, size: a.size, mime: a.mime, width: a.width, height: a.height, hasThumbnail: a.hasThumbnail })

  test('an upload is readable by id, unattached, and its reserved keys are off the deletion queue', async () => {
    const a = await user()
    const upload = await uploadOf(a, 100, true)
    expect(await store.attachment(upload.id)).toEqual({ ...upload, messageId: null, conversationId: null })
    expect(await store.attachment('a_missing')).toBeNull()
    expect(await store.dueBlobDeletions(10_000, 10)).toEqual([])
  })

  test('a send attaches uploads in the order given; every view carries them', async () => {
    const { a, b, conversationId } = await pair()
    const [one, two] = [await uploadOf(a, 100, true), await uploadOf(a)]
    const { message } = await store.appendMessage({ conversationId, senderId: a.id, clientId: 'k1', body: '', now: 200, attachmentIds: [two.id, one.id] })
    expect(message.attachments).toEqual([view(two), view(one)])
    expect((await store.messages(conversationId, { limit: 10 })).messages[0]?.attachments).toEqual([view(two), view(one)])
    expect((await store.messages(conversationId, { changedAfter: 0, limit: 10 })).messages[0]?.attachments).toEqual([view(two), view(one)])
    expect((await store.conversationFor(conversationId, b.id))?.lastMessage?.attachments).toEqual([view(two), view(one)])
    expect(await store.attachment(one.id)).toMatchObject({ messageId: message.id, conversationId })
    // A message without attachments has [].
    const plain = await store.appendMessage({ conversationId, senderId: b.id, clientId: 'k2', body: 'hi', now: 201 })
    expect(plain.message.attachments).toEqual([])
  })

  test("someone else's upload, an attached one or an unknown id refuses the whole send; nothing is stored or attached", async () => {
    const { a, b, conversationId } = await pair()
    const mine = await uploadOf(a)
    const theirs = await uploadOf(b)
    for (const ids of [[mine.id, theirs.id], [mine.id, 'a_unknown']]) {
      await expect(
        store.appendMessage({ conversationId, senderId: a.id, clientId: `k-${ids[1]}`, body: 'x', now: 200, attachmentIds: ids }),
      ).rejects.toMatchObject({ reason: 'attachment_refused' })
    }
    expect((await store.messages(conversationId, { limit: 10 })).messages).toEqual([])
    expect(await store.attachment(mine.id)).toMatchObject({ messageId: null })
    const sent = await store.appendMessage({ conversationId, senderId: a.id, clientId: 'ok', body: 'x', now: 201, attachmentIds: [mine.id] })
    await expect(
      store.appendMessage({ conversationId, senderId: a.id, clientId: 'again', body: 'y', now: 202, attachmentIds: [mine.id] }),
    ).rejects.toBeInstanceOf(MessageRefusedError)
    // The same clientId again: the original, attaching nothing new.
    const other = await uploadOf(a)
    const repeat = await store.appendMessage({ conversationId, senderId: a.id, clientId: 'ok', body: 'x', now: 203, attachmentIds: [other.id] })
    expect(repeat).toEqual({ message: sent.message, created: false })
    expect(await store.attachment(other.id)).toMatchObject({ messageId: null })
  })

  test('two sends racing for one upload: exactly one gets it, the other is refused', async () => {
    const { a, conversationId } = await pair()
    const upload = await uploadOf(a)
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        store.appendMessage({ conversationId, senderId: a.id, clientId: `race${i}`, body: 'x', now: 200 + i, attachmentIds: [upload.id] }),
      ),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof MessageRefusedError)).toBe(true)
    const messages = (await store.messages(conversationId, { limit: 10 })).messages
    expect(messages.map((m) => m.attachments.length)).toEqual([1])
  })

  test('deleting the message frees exactly its blobs: rows gone, keys queued until the reaper confirms', async () => {
    const { a, conversationId } = await pair()
    const [picture, file, kept] = [await uploadOf(a, 100, true), await uploadOf(a), await uploadOf(a)]
    const { message } = await store.appendMessage({ conversationId, senderId: a.id, clientId: 'd', body: 'x', now: 200, attachmentIds: [picture.id, file.id] })
    const change = await store.deleteMessage({ conversationId, messageId: message.id, userId: a.id, now: 300 })
    expect(change.message.attachments).toEqual([])
    expect(change.freedBlobKeys.sort()).toEqual([picture.id, `${picture.id}.thumb`, file.id].sort())
    expect(await store.attachment(picture.id)).toBeNull()
    expect(await store.attachment(kept.id)).not.toBeNull()
    expect((await store.dueBlobDeletions(300, 10)).sort()).toEqual(change.freedBlobKeys.sort())
    await store.blobDeletesFailed([file.id], 900)
    await store.blobsDeleted([picture.id, `${picture.id}.thumb`])
    expect(await store.dueBlobDeletions(300, 10)).toEqual([])
    expect(await store.dueBlobDeletions(900, 10)).toEqual([file.id])
    // Deleting again frees nothing.
    expect((await store.deleteMessage({ conversationId, messageId: message.id, userId: a.id, now: 400 })).freedBlobKeys).toEqual([])
  })

  test('the sweep takes unattached uploads older than the cutoff, never attached or newer ones', async () => {
    const { a, conversationId } = await pair()
    const [old, oldAttached, fresh] = [await uploadOf(a, 100, true), await uploadOf(a, 100), await uploadOf(a, 5_000)]
    await store.appendMessage({ conversationId, senderId: a.id, clientId: 's', body: 'x', now: 200, attachmentIds: [oldAttached.id] })
    const keys = await store.sweepUploads(1_000, 6_000, 10)
    expect(keys.sort()).toEqual([old.id, `${old.id}.thumb`].sort())
    expect(await store.attachment(old.id)).toBeNull()
    expect(await store.attachment(oldAttached.id)).not.toBeNull()
    expect(await store.attachment(fresh.id)).not.toBeNull()
    expect(await store.sweepUploads(1_000, 6_000, 10)).toEqual([])
    // Reserved keys that never got their row come due after the reservation.
    await store.reserveBlobKeys(['a_orphan'], 7_000)
    expect(await store.dueBlobDeletions(6_999, 10)).not.toContain('a_orphan')
    expect(await store.dueBlobDeletions(7_000, 10)).toContain('a_orphan')
  })
}

for (const factory of storeFactories) {
  describe.skipIf(factory.name === 'postgres' && postgresMissing !== null)(`attachments in the ${factory.name} store`, () => attachmentContract(factory))
}
