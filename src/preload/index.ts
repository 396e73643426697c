/**
 * Builds `window.parley`, the renderer's only door to the app. It grows into
 * the typed IPC contract of src/shared/ipc.ts; no raw ipcRenderer is exposed.
 */
import { contextBridge } from 'electron'
import type { ParleyApi } from './api'

const api: ParleyApi = {
  appName: 'Parley',
}

contextBridge.exposeInMainWorld('parley', api)
