/**
 * The preload: exposes `window.parley` (bridge.ts) and nothing else — no
 * ipcRenderer, no Node. Runs sandboxed; electron-vite bundles it with
 * src/shared into one CommonJS file that requires only `electron`.
 */
import { contextBridge, ipcRenderer } from 'electron'
import { createParleyBridge } from './bridge'

contextBridge.exposeInMainWorld('parley', createParleyBridge(ipcRenderer))
