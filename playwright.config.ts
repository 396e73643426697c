/**
 * Two projects share the specs (docs/design.md §10): `harness` runs everywhere
 * (built renderer in Debian's Chromium — CHROMIUM_PATH, default
 * /usr/bin/chromium — + the real core in the test process); `electron` drives
 * the real app and skips where the binary is missing. The fixtures in
 * e2e/fixtures/test.ts launch either.
 */
import { defineConfig } from '@playwright/test'
import { ARTIFACTS } from './e2e/fixtures/paths'

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  outputDir: `${ARTIFACTS}/results`,
  globalSetup: './e2e/fixtures/global-setup.ts',
  // Generous: on a busy 2-core machine two or three apps and a server share the CPU.
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list'], ['html', { outputFolder: `${ARTIFACTS}/report`, open: 'never' }]] : 'list',
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'harness' },
    { name: 'electron' },
  ],
})
