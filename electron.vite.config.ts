import { randomBytes } from 'node:crypto'
import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'
import { CONTENT_SECURITY_POLICY, developmentContentSecurityPolicy } from './src/main/content-security-policy'

/**
 * `npm run dev` only: React Refresh's inline preamble needs a script nonce.
 * Vite puts `nonce` on the scripts it injects (html.cspNonce); this swaps
 * index.html's policy for the same one with that nonce. Builds keep the
 * production policy untouched.
 */
function developmentCsp(nonce: string): Plugin {
  return {
    name: 'parley:development-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      if (!html.includes(CONTENT_SECURITY_POLICY)) throw new Error('index.html does not carry the production Content-Security-Policy')
      return html.replace(CONTENT_SECURITY_POLICY, developmentContentSecurityPolicy(nonce))
    },
  }
}

export default defineConfig(({ command }) => {
  const nonce = command === 'serve' ? randomBytes(18).toString('base64') : undefined
  return {
    main: {
      // src/main/core is bundled with the shell; packages stay external (loaded from node_modules at run
      // time): dependencies by default, and pusher-js, which is a devDependency.
      build: {
        externalizeDeps: { include: ['pusher-js'] },
        rollupOptions: { input: { index: resolve('src/main/index.ts') } },
      },
    },
    preload: {
      // Sandboxed preloads cannot require node_modules or load ES modules:
      // bundle everything into one CommonJS file.
      build: {
        externalizeDeps: false,
        rollupOptions: {
          input: { index: resolve('src/preload/index.ts') },
          output: { format: 'cjs', entryFileNames: '[name].cjs' },
        },
      },
    },
    renderer: {
      root: resolve('src/renderer'),
      // electron-vite builds with relative asset URLs (base './'): the same build loads from app://parley/ in the
      // app and from the e2e harness's static server.
      plugins: [react(), ...(nonce !== undefined ? [developmentCsp(nonce)] : [])],
      ...(nonce !== undefined ? { html: { cspNonce: nonce } } : {}),
      build: {
        // electron-vite leaves the renderer unminified; minified it loads and parses faster at every start
        // (bench/desk's cold start). Source maps are separate files without a sourceMappingURL comment
        // ('hidden'): for support, to map a stack trace from a user's log; the page never loads them.
        minify: true,
        sourcemap: 'hidden',
        rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
      },
    },
  }
})
