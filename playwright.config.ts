/**
 * Two projects share the specs (DESIGN.md §10): `harness` runs everywhere
 * (built renderer in Debian's Chromium + the real core in the test process);
 * `electron` drives the real app and skips where the binary is missing.
 */
import { defineConfig } from '@playwright/test'
import { ARTIFACTS, CHROMIUM_ARGS, chromiumPath } from './e2e/fixtures/paths'

const executablePath = chromiumPath()

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  outputDir: `${ARTIFACTS}/results`,
  globalSetup: './e2e/fixtures/global-setup.ts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list'], ['html', { outputFolder: `${ARTIFACTS}/report`, open: 'never' }]] : 'list',
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'harness',
      use: {
        browserName: 'chromium',
        launchOptions: { ...(executablePath ? { executablePath } : {}), args: CHROMIUM_ARGS },
      },
    },
    { name: 'electron' },
  ],
})
