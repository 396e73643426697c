import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Playwright owns e2e/**/*.spec.ts; vitest runs *.test.ts only.
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['node_modules/**', 'out/**', 'e2e/**'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests open many sockets and child processes on a 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
  },
})
