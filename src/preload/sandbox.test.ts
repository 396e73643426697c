import { fileURLToPath } from 'node:url'
import { createContext, runInContext } from 'node:vm'
import { build, type Rollup } from 'vite'
import { expect, test } from 'vitest'
import { ipcCallNames } from '../shared/ipc'

/**
 * A sandboxed preload cannot load node_modules or Node built-ins: it gets a
 * `require` that knows little more than `electron`. Bundle the preload to
 * CommonJS the way electron.vite.config.ts does and run it in a bare context
 * whose `require` knows only `electron`.
 */
test('the bundled preload needs nothing but electron and exposes parley', async () => {
  const output = (await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: false,
      lib: { entry: fileURLToPath(new URL('./index.ts', import.meta.url)), formats: ['cjs'], fileName: 'index' },
      rollupOptions: { external: ['electron'] },
    },
  })) as Rollup.RollupOutput[]
  const chunks = output.flatMap((result) => result.output).filter((item): item is Rollup.OutputChunk => item.type === 'chunk')
  expect(chunks).toHaveLength(1)

  const required: string[] = []
  const exposed: [string, Record<string, unknown>][] = []
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.push([key, api]) },
    ipcRenderer: { invoke: async () => ({ ok: true, value: null }), on: () => undefined, removeListener: () => undefined },
  }
  const module = { exports: {} }
  const context = createContext({
    module,
    exports: module.exports,
    console,
    require: (name: string) => {
      required.push(name)
      if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`)
      return electron
    },
  })
  runInContext(chunks[0]?.code ?? '', context)

  expect(required).toEqual(['electron'])
  expect(exposed.map(([key]) => key)).toEqual(['parley'])
  expect(Object.keys(exposed[0]?.[1] ?? {}).sort()).toEqual([...ipcCallNames, 'on'].sort())
}, 60_000)
