import { beforeEach, expect, test, vi } from 'vitest'
import { app, BrowserWindow, dialog, resetFakeElectron, shell } from '../../test/shell/fake-electron'
import { createFileServices } from './file-services'

vi.mock('electron', () => import('../../test/shell/fake-electron'))

let language = 'system'
const window = new BrowserWindow({})
const services = () => createFileServices({ window: () => window as never, language: () => language })

beforeEach(() => {
  resetFakeElectron()
  language = 'system'
  app.paths.set('downloads', '/home/me/Downloads')
})

test('the open dialog picks several files; cancelling picks none', async () => {
  dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/a/b.png', '/a/c.pdf'] })
  expect(await services().pickFiles()).toEqual(['/a/b.png', '/a/c.pdf'])
  expect(dialog.showOpenDialog.mock.calls[0]?.[1]).toMatchObject({ properties: ['openFile', 'multiSelections'] })
  expect(await services().pickFiles()).toEqual([])
})

test('the save dialog suggests the name in Downloads, without any directory the name tried to carry', async () => {
  dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: '/home/me/Downloads/报告.pdf' })
  expect(await services().chooseSavePath('../../报告.pdf')).toBe('/home/me/Downloads/报告.pdf')
  expect(dialog.showSaveDialog.mock.calls[0]?.[1]).toMatchObject({ defaultPath: '/home/me/Downloads/报告.pdf' })
  expect(await services().chooseSavePath('x.txt')).toBeNull()
})

test('a document opens at once; an executable only when the user says Open, and Cancel is the default', async () => {
  expect(await services().openPath('/cache/report.pdf', { executable: false })).toBe(true)
  expect(dialog.showMessageBox).not.toHaveBeenCalled()
  expect(shell.openPath).toHaveBeenCalledWith('/cache/report.pdf')

  expect(await services().openPath('/cache/setup.exe', { executable: true })).toBe(false)
  expect(shell.openPath).toHaveBeenCalledTimes(1)
  const box = dialog.showMessageBox.mock.calls[0]?.[1] as { message: string; defaultId: number; cancelId: number; buttons: string[] }
  expect(box.message).toContain('setup.exe')
  expect(box.buttons[box.defaultId]).toBe('Cancel')
  expect(box.cancelId).toBe(box.defaultId)

  dialog.showMessageBox.mockResolvedValueOnce({ response: 1, checkboxChecked: false })
  expect(await services().openPath('/cache/setup.exe', { executable: true })).toBe(true)
  expect(shell.openPath).toHaveBeenLastCalledWith('/cache/setup.exe')
})

test('the question is asked in Chinese when the app is in Chinese', async () => {
  language = 'zh-CN'
  await services().openPath('/cache/安装.exe', { executable: true })
  const box = dialog.showMessageBox.mock.calls[0]?.[1] as { message: string; buttons: string[] }
  expect(box.buttons).toEqual(['取消', '打开'])
  expect(box.message).toContain('安装.exe')
})

test('a file the OS cannot open is an error with the OS’s words; show in folder selects the file', async () => {
  shell.openPath.mockResolvedValueOnce('No application knows how to open this file')
  await expect(services().openPath('/cache/x.unknown', { executable: false })).rejects.toThrow('No application')
  services().showInFolder('/cache/files/a1')
  expect(shell.showItemInFolder).toHaveBeenCalledWith('/cache/files/a1')
})
