import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'net', 'http', 'https', 'worker_threads']

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'coverage/**', 'data/**', 'e2e/artifacts/**', 'e2e/.cache/**', 'test-results/**', 'native/**', 'bench/results/**'] },
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
    // src/shared is used by every side: no Electron, no Node, no DOM-only code.
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['electron', ...nodeBuiltins], message: 'src/shared imports neither Electron nor Node.' }] },
      ],
    },
  },
  {
    // The desktop core is plain Node so it runs in tests and in the e2e harness.
    files: ['src/main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['electron'], message: 'src/main/core must not import electron; only the shell does.' }] },
      ],
    },
  },
  {
    // The renderer is sandboxed: it talks only to window.parley.
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', ...nodeBuiltins], message: 'The renderer is sandboxed: use window.parley.' },
            { group: ['**/main/**', '**/server/**'], message: 'The renderer may import only src/shared.' },
          ],
        },
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
