import { defineConfig } from 'vitest/config'

// Tests do not go through Remix's Vite plugin; HTTP tests load the production build instead.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    env: { COPILOTKIT_TELEMETRY_DISABLED: 'true' },
  },
})
