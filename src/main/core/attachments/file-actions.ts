/**
 * What the user does with a file through the shell (docs/design.md §7.7):
 * open it with the OS's app (an executable type makes the shell ask first),
 * save a copy where they choose, show it in the file manager. Each fetches
 * the whole file into the download cache first when needed and keeps it from
 * eviction meanwhile.
 */
import { copyFile } from 'node:fs/promises'
import { isExecutableName } from '../../../shared/attachment-name'
import { ParleyError } from '../../../shared/ipc'
import type { ShellServices } from '../shell-port'
import type { Attachments } from './attachments'

type FileServices = Pick<ShellServices, 'openPath' | 'chooseSavePath' | 'showInFolder'>

export async function openAttachment(attachments: Attachments, services: FileServices, attachmentId: string): Promise<void> {
  await attachments.withFile(attachmentId, (path, attachment) => services.openPath(path, { executable: isExecutableName(attachment.name) }))
}

/** The save dialog first (nothing is downloaded for a cancelled one), then a copy; false when cancelled. */
export async function saveAttachmentAs(attachments: Attachments, services: FileServices, attachmentId: string): Promise<boolean> {
  const { name } = attachments.attachment(attachmentId)
  const target = await services.chooseSavePath(name)
  if (target === null) return false
  await attachments.withFile(attachmentId, async (path) => {
    try {
      await copyFile(path, target)
    } catch (err) {
      throw new ParleyError('internal', `Could not save "${name}": ${(err as { code?: string }).code ?? String(err)}`)
    }
  })
  return true
}

export async function showAttachmentInFolder(attachments: Attachments, services: FileServices, attachmentId: string): Promise<void> {
  await attachments.withFile(attachmentId, async (path) => services.showInFolder(path))
}
