import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../server/config'
import { copilotModelOf } from '../server/copilot/model'
import { createStripeConnect } from '../server/payments/stripe-client'

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  throw new Error('expected the configuration to be refused')
}

describe('configuration', () => {
  it('has defaults that start the app on the embedded database', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      DATA_DIR: '.data',
      AUTH_MODE: 'local',
      TRUST_PROXY: false,
      APP_URL: 'http://localhost:3000',
    })
    expect(config.DATABASE_URL).toBeUndefined()
  })

  it('names each variable that is wrong, and why', () => {
    const problems = problemsOf({ PORT: 'eighty', DATABASE_URL: 'mysql://x', AUTH_MODE: 'ldap', DATABASE_PREPARE: 'maybe' })
    expect(problems).toHaveLength(4)
    expect(problems.find((p) => p.startsWith('PORT '))).toMatch(/number/)
    expect(problems.find((p) => p.startsWith('DATABASE_URL '))).toMatch(/postgres:\/\//)
    expect(problems.find((p) => p.startsWith('AUTH_MODE '))).toMatch(/local|supabase/)
    expect(problems.find((p) => p.startsWith('DATABASE_PREPARE '))).toMatch(/true or false/)
  })

  it('requires a shared signing secret once a real database is used', () => {
    expect(problemsOf({ DATABASE_URL: 'postgres://app@db/prod' })).toEqual([
      'AUTH_JWT_SECRET is required when DATABASE_URL is set (every instance must share it)',
    ])
    expect(problemsOf({ AUTH_JWT_SECRET: 'too-short' })[0]).toMatch(/^AUTH_JWT_SECRET must be at least 32 characters/)
  })

  it('runs one worker by default, and several only on a shared database in production', () => {
    expect(loadConfig({}).WEB_CONCURRENCY).toBe(1)
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://app@db/prod', AUTH_JWT_SECRET: 'x'.repeat(32) }
    expect(loadConfig({ ...production, WEB_CONCURRENCY: '4' }).WEB_CONCURRENCY).toBe(4)
    expect(problemsOf({ ...production, WEB_CONCURRENCY: '0' })[0]).toMatch(/^WEB_CONCURRENCY /)
    expect(problemsOf({ ...production, WEB_CONCURRENCY: 'many' })[0]).toMatch(/^WEB_CONCURRENCY /)
    expect(problemsOf({ NODE_ENV: 'production', WEB_CONCURRENCY: '2' })).toEqual([
      'WEB_CONCURRENCY above 1 needs DATABASE_URL (the embedded database serves one process)',
    ])
    expect(problemsOf({ ...production, NODE_ENV: 'development', WEB_CONCURRENCY: '2' })).toEqual([
      'WEB_CONCURRENCY above 1 is for production (npm start); development runs one process',
    ])
  })

  it.each([
    ['false', false],
    ['true', true],
    ['2', 2],
    ['10.0.0.0/8, 127.0.0.1', ['10.0.0.0/8', '127.0.0.1']],
  ])('reads TRUST_PROXY=%j', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).TRUST_PROXY).toEqual(expected)
  })

  it('treats empty values as unset and trims a trailing slash from APP_URL', () => {
    expect(loadConfig({ PORT: '', APP_URL: 'https://events.example.com/' })).toMatchObject({
      PORT: 3000,
      APP_URL: 'https://events.example.com',
    })
  })

  it('turns payments on only with a Stripe key and its webhook secret', () => {
    expect(createStripeConnect(loadConfig({}))).toBeNull()
    expect(problemsOf({ STRIPE_SECRET_KEY: 'sk_test_123' })).toEqual(['STRIPE_WEBHOOK_SECRET is required when STRIPE_SECRET_KEY is set'])
    expect(problemsOf({ STRIPE_SECRET_KEY: 'pk_test_123', STRIPE_WEBHOOK_SECRET: 'whsec_123' })[0]).toMatch(/^STRIPE_SECRET_KEY must be a Stripe secret key/)
    expect(problemsOf({ STRIPE_API_BASE: 'http://127.0.0.1:12111/v1' })[0]).toMatch(/^STRIPE_API_BASE must be an origin/)
    const config = loadConfig({ STRIPE_SECRET_KEY: 'sk_test_123', STRIPE_WEBHOOK_SECRET: 'whsec_123' })
    expect(config.STRIPE_API_BASE).toBeUndefined()
    expect(createStripeConnect(config)?.webhookSecrets).toEqual(['whsec_123'])
    // The Connect endpoint's and the platform endpoint's secrets, both accepted.
    const both = loadConfig({ STRIPE_SECRET_KEY: 'sk_test_123', STRIPE_WEBHOOK_SECRET: 'whsec_connect, whsec_platform' })
    expect(createStripeConnect(both)?.webhookSecrets).toEqual(['whsec_connect', 'whsec_platform'])
    expect(problemsOf({ STRIPE_WEBHOOK_SECRET: 'whsec_1,,whsec_2' })[0]).toMatch(/^STRIPE_WEBHOOK_SECRET must be webhook signing secrets/)
    expect(problemsOf({ PLATFORM_FEE_BPS: '10001' })[0]).toMatch(/^PLATFORM_FEE_BPS /)
    expect(loadConfig({}).PLATFORM_FEE_BPS).toBe(0)
  })

  it("builds the copilot's model only from a complete provider configuration", () => {
    expect(copilotModelOf(loadConfig({}))).toBeNull()
    expect(problemsOf({ COPILOT_PROVIDER: 'openai' })).toEqual([
      'COPILOT_MODEL is required when COPILOT_PROVIDER is set',
      'COPILOT_API_KEY is required when COPILOT_PROVIDER=openai',
    ])
    expect(problemsOf({ COPILOT_PROVIDER: 'openai-compatible', COPILOT_MODEL: 'llama3.2' })).toEqual([
      'COPILOT_BASE_URL is required when COPILOT_PROVIDER=openai-compatible',
    ])
    expect(problemsOf({ COPILOT_PROVIDER: 'mistral', COPILOT_MODEL: 'x', COPILOT_API_KEY: 'k' })[0]).toMatch(/^COPILOT_PROVIDER /)
    const cases = [
      [{ COPILOT_PROVIDER: 'openai', COPILOT_MODEL: 'gpt-4o-mini', COPILOT_API_KEY: 'sk-test' }, 'openai', 'gpt-4o-mini'],
      [{ COPILOT_PROVIDER: 'anthropic', COPILOT_MODEL: 'claude-sonnet-4-5', COPILOT_API_KEY: 'sk-ant-test' }, 'anthropic', 'claude-sonnet-4-5'],
      [{ COPILOT_PROVIDER: 'groq', COPILOT_MODEL: 'llama-3.3-70b-versatile', COPILOT_API_KEY: 'gsk_test' }, 'groq', 'llama-3.3-70b-versatile'],
      [{ COPILOT_PROVIDER: 'openai-compatible', COPILOT_MODEL: 'llama3.2', COPILOT_BASE_URL: 'http://127.0.0.1:11434/v1' }, 'openai-compatible', 'llama3.2'],
    ] as const
    for (const [env, provider, modelId] of cases) {
      const model = copilotModelOf(loadConfig(env)) as { provider: string; modelId: string }
      expect(model.provider.startsWith(provider)).toBe(true)
      expect(model.modelId).toBe(modelId)
    }
  })
})
