import { z } from 'zod'

/**
 * Every environment variable the app reads, validated once at start. Nothing else reads `process.env`:
 * the server passes this object down (to Remix through the load context).
 */
const booleanFlag = z.enum(['true', 'false', '1', '0'], { message: 'must be true or false' }).transform((value) => value === 'true' || value === '1')

const postgresUrl = z.string().regex(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// or postgresql:// URL' })

/** Express's `trust proxy`: false, true, a hop count, or a comma-separated list of addresses/subnets. */
const trustProxy = z
  .string()
  .trim()
  .transform((value, ctx): boolean | number | string[] => {
    if (value === 'false' || value === '0' || value === '') return false
    if (value === 'true') return true
    if (/^\d+$/.test(value)) return Number(value)
    const list = value.split(',').map((part) => part.trim())
    if (list.some((part) => !/^[\w.:/-]+$/.test(part))) {
      ctx.addIssue({ code: 'custom', message: 'must be true, false, a hop count or a list of addresses' })
      return z.NEVER
    }
    return list
  })

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    /** Where the public reaches the app; https turns on HSTS. Defaults to http://localhost:PORT. */
    APP_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
    TRUST_PROXY: trustProxy.default(false),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATA_DIR: z.string().min(1).default('.data'),
    DATABASE_URL: postgresUrl.optional(),
    MIGRATION_DATABASE_URL: postgresUrl.optional(),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
    DATABASE_PREPARE: booleanFlag.default(true),
    AUTH_MODE: z.enum(['local', 'supabase']).default('local'),
    AUTH_JWT_SECRET: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
    AUTH_JWT_ISSUER: z.string().min(1).default('event-wizard'),
    /** Lifetime of a local session token; renewed while in use once half of it has passed. */
    AUTH_SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
    SUPABASE_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
    SUPABASE_ANON_KEY: z.string().min(1).optional(),
    /** For projects that still sign with a shared HS256 secret; otherwise keys come from SUPABASE_URL's JWKS. */
    SUPABASE_JWT_SECRET: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
    /** Extra origins allowed to call the typed API from a browser (comma-separated). */
    CORS_ORIGINS: z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((origin) => origin.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.url({ message: 'must list origins such as https://app.example.com' })))
      .default([]),
    RATE_LIMIT_AUTH_PER_IP: z.coerce.number().int().min(1).default(20),
    /** Failed sign-ins on one account from one IP before that IP is refused; from all IPs, before attempts slow down. */
    RATE_LIMIT_AUTH_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
    /** The longest an attempt on an account under attack is held (the delay doubles with each failure). */
    RATE_LIMIT_AUTH_SLOWDOWN_MAX_MS: z.coerce.number().int().min(0).max(60_000).default(8000),
    RATE_LIMIT_AUTH_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
    RATE_LIMIT_MUTATIONS_PER_USER: z.coerce.number().int().min(1).default(120),
    RATE_LIMIT_MUTATIONS_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
    /** Orders placed per client IP and window: generous, since many buyers may share one address at an on-sale surge. */
    RATE_LIMIT_ORDERS_PER_IP: z.coerce.number().int().min(1).default(600),
    RATE_LIMIT_ORDERS_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
    /** Where e-mail is sent (smtp:// or smtps://, credentials in the URL); unset, e-mails are logged and marked skipped. */
    SMTP_URL: z.url({ protocol: /^smtps?$/, message: 'must be an smtp:// or smtps:// URL such as smtp://user:pass@smtp.example.com:587' }).optional(),
    /** The sender of every e-mail. */
    MAIL_FROM: z.string().trim().min(3).max(200).default('Event Wizard <no-reply@localhost>'),
    /** How often each instance looks for e-mails to send; 0 turns the worker off. */
    MAIL_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(10),
    /** Typed-API queries per signed-in user, or per IP for visitors (a page view makes one or two). */
    RATE_LIMIT_QUERIES_PER_CLIENT: z.coerce.number().int().min(1).default(600),
    RATE_LIMIT_QUERIES_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
    /** Workers of this instance (node:cluster), each a full server sharing the port: one per core. */
    WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
    /** How often each instance tries the session cleanup (one instance runs it at a time); 0 turns it off. */
    CLEANUP_INTERVAL_MINUTES: z.coerce.number().int().min(0).default(60),
    /** Stripe Connect for paid tickets; unset, only free events can be published. */
    STRIPE_SECRET_KEY: z
      .string()
      .regex(/^(sk|rk)_\w+$/, { message: 'must be a Stripe secret key (sk_… or rk_…)' })
      .optional(),
    /**
     * Signs the webhook deliveries to /api/webhooks/stripe: the endpoints' `whsec_…`, comma-separated
     * (the Connect endpoint's for account events, the platform endpoint's for Checkout's).
     */
    STRIPE_WEBHOOK_SECRET: z
      .string()
      .regex(/^whsec_\w+(,\s*whsec_\w+)*$/, { message: 'must be webhook signing secrets (whsec_…), separated by commas' })
      .optional(),
    /** The platform's fee on each paid order, in basis points of its total (250 = 2.5%). */
    PLATFORM_FEE_BPS: z.coerce.number().int().min(0).max(10_000).default(0),
    /** How often each instance looks for payment holds past their expiry (one runs at a time); 0 turns it off. */
    HOLD_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(60),
    /** Where the Stripe client sends its requests instead of api.stripe.com: a local test server. */
    STRIPE_API_BASE: z
      .url({ protocol: /^https?$/, message: 'must be an http(s) URL such as http://127.0.0.1:12111' })
      .refine((value) => ['', '/'].includes(new URL(value).pathname), { message: 'must be an origin, without a path' })
      .optional(),
    /** The copilot's model; unset, the assistant explains how to configure it and the forms work alone. */
    COPILOT_PROVIDER: z.enum(['openai', 'anthropic', 'groq', 'openai-compatible']).optional(),
    COPILOT_MODEL: z.string().trim().min(1).max(200).optional(),
    COPILOT_API_KEY: z.string().min(1).optional(),
    /** An OpenAI-compatible server (e.g. a local Ollama at http://127.0.0.1:11434/v1), or a proxy for openai. */
    COPILOT_BASE_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL such as http://127.0.0.1:11434/v1' }).optional(),
    /** Copilot runs per user and window (each run may call the model several times). */
    RATE_LIMIT_COPILOT_RUNS_PER_USER: z.coerce.number().int().min(1).default(20),
    /** Copilot requests of any kind (info, run, connect, stop) per user and window. */
    RATE_LIMIT_COPILOT_REQUESTS_PER_USER: z.coerce.number().int().min(1).default(120),
  })
  .superRefine((env, ctx) => {
    // Several instances against one database must share the signing secret; only the embedded
    // database (one instance by nature) may generate its own.
    // It also signs the keys of buyers' order links, in either auth mode.
    if (env.DATABASE_URL && !env.AUTH_JWT_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_JWT_SECRET'],
        message: 'is required when DATABASE_URL is set (every instance must share it)',
      })
    }
    // The embedded database belongs to one process, and Vite's dev server to one terminal.
    if (env.WEB_CONCURRENCY > 1 && !env.DATABASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['WEB_CONCURRENCY'], message: 'above 1 needs DATABASE_URL (the embedded database serves one process)' })
    }
    if (env.WEB_CONCURRENCY > 1 && env.NODE_ENV === 'development') {
      ctx.addIssue({ code: 'custom', path: ['WEB_CONCURRENCY'], message: 'above 1 is for production (npm start); development runs one process' })
    }
    if (env.AUTH_MODE === 'supabase') {
      for (const name of ['SUPABASE_URL', 'SUPABASE_ANON_KEY'] as const) {
        if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when AUTH_MODE=supabase' })
      }
    }
    // Unverifiable webhooks would leave every connected account pending forever.
    if (env.STRIPE_SECRET_KEY && !env.STRIPE_WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['STRIPE_WEBHOOK_SECRET'], message: 'is required when STRIPE_SECRET_KEY is set' })
    }
    if (env.COPILOT_PROVIDER) {
      if (!env.COPILOT_MODEL) ctx.addIssue({ code: 'custom', path: ['COPILOT_MODEL'], message: 'is required when COPILOT_PROVIDER is set' })
      if (env.COPILOT_PROVIDER === 'openai-compatible' && !env.COPILOT_BASE_URL) {
        ctx.addIssue({ code: 'custom', path: ['COPILOT_BASE_URL'], message: 'is required when COPILOT_PROVIDER=openai-compatible' })
      }
      if (env.COPILOT_PROVIDER !== 'openai-compatible' && !env.COPILOT_API_KEY) {
        ctx.addIssue({ code: 'custom', path: ['COPILOT_API_KEY'], message: `is required when COPILOT_PROVIDER=${env.COPILOT_PROVIDER}` })
      }
    }
  })

export type Config = z.infer<typeof EnvSchema> & { APP_URL: string }

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

/** Parses the environment; empty strings count as unset, as in most `.env` files. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''))
  const result = EnvSchema.safeParse(present)
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`))
  }
  const config = result.data
  return { ...config, APP_URL: (config.APP_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, '') }
}
