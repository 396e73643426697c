import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'net', 'http', 'https', 'worker_threads']
const rendererImports = [
  { group: ['electron', ...nodeBuiltins], message: 'The renderer is sandboxed: use window.parley.' },
  { group: ['**/main/**', '**/server/**'], message: 'The renderer may import only src/shared.' },
]
const coreWithoutElectron = { group: ['electron'], message: 'src/main/core must not import electron; only the shell does.' }
const testingEntry = { group: ['**/testing', '**/testing.ts'], message: 'src/main/core/testing.ts is for tests, the e2e harness and benchmarks only.' }

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'coverage/**', 'data/**', 'e2e/artifacts/**', 'e2e/.cache/**', 'test-results/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // src/shared is used by every side: no Electron, no Node, no DOM-only code (tsconfig.shared.json
    // compiles it with neither Node's nor the DOM's types).
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['electron', ...nodeBuiltins], message: 'src/shared imports neither Electron nor Node.' }] },
      ],
    },
  },
  {
    // The shell against the installed Electron's types (docs/desktop.md, "Electron APIs"): an API that
    // Electron marks deprecated is an error here, before the next major removes it.
    files: ['src/main/*.ts', 'src/preload/**/*.ts'],
    ignores: ['**/*.test.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-deprecated': 'error' },
  },
  {
    // The desktop core is plain Node so it runs in tests and in the e2e harness.
    files: ['src/main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [coreWithoutElectron] }],
    },
  },
  {
    // The core's test-only entry (src/main/core/testing.ts) is for tests, the e2e harness and benchmarks.
    files: ['src/main/**/*.ts', 'src/preload/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [testingEntry] }],
    },
  },
  {
    files: ['src/main/core/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [coreWithoutElectron, testingEntry] }],
    },
  },
  {
    // The renderer is sandboxed: it talks only to window.parley.
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { patterns: rendererImports }],
    },
  },
  {
    // Only main validates: zod and the schema modules stay out of the renderer's and the preload's bundles
    // (types from them are fine; limits.ts, settings.ts and ipc.ts hold the plain values).
    files: ['src/renderer/**/*.{ts,tsx}', 'src/preload/**/*.ts'],
    ignores: ['**/*.test.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['zod', '**/shared/api', '**/shared/channels', '**/shared/display-name', '**/shared/*-schema'],
              allowTypeImports: true,
              message: 'Only main validates: import types only (values from shared/limits, shared/settings, shared/ipc).',
            },
          ],
        },
      ],
    },
  },
  {
    // One door: bridge.ts alone touches window.parley; the store's actions call it.
    files: ['src/renderer/**/*.{ts,tsx}'],
    ignores: ['src/renderer/src/bridge.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['window', 'globalThis', 'self'].map((object) => ({ object, property: 'parley', message: 'Call a store action; only bridge.ts touches window.parley.' })),
      ],
    },
  },
  {
    // Components read state and call the store's actions, never the bridge.
    files: ['src/renderer/src/components/**/*.{ts,tsx}', 'src/renderer/src/hooks/**/*.ts', 'src/renderer/src/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...rendererImports, { group: ['**/bridge'], message: 'Call a store action (store/*.ts): only the store calls the bridge.' }] },
      ],
    },
  },
  {
    // The server never reaches into the desktop app.
    files: ['src/server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['electron', '**/main/**', '**/renderer/**', '**/preload/**'], message: 'The server imports only src/shared.' }] },
      ],
    },
  },
)
