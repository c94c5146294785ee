import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/*
 * The layers' "never" rules, read from the import statements of every source file: the pages reach
 * the database only through the server; the database layer knows nothing of the app; the domain core
 * knows none of its doors (pages, tRPC, copilot) nor Remix.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

function sourceFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
}

/** What each file imports: a project path for a relative import, the package name otherwise. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8')
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (match) => (match[1] ?? match[2])!,
  )
  return specifiers.map((specifier) => (specifier.startsWith('.') ? relative(root, resolve(root, dirname(file), specifier)) : specifier))
}

const core = ['server/wizard', 'server/orders', 'server/orgs', 'server/payments', 'server/mail', 'server/jobs']
const doors = ['app/', 'server/trpc/', 'server/copilot/', '@remix-run/', '@trpc/server', '@copilotkit/']

function violations(folders: string[], forbidden: string[]) {
  return folders.flatMap(sourceFiles).flatMap((file) =>
    importsOf(file)
      .filter((target) => forbidden.some((prefix) => target === prefix.replace(/\/$/, '') || target.startsWith(prefix)))
      .map((target) => `${file} → ${target}`),
  )
}

describe('the layers', () => {
  it('finds the imports it checks', () => {
    expect(importsOf('server/wizard/publish.ts')).toContain('db/schema')
    expect(importsOf('app/routes/_index.tsx')).toContain('@remix-run/react')
  })

  it('the pages never import the database layer', () => {
    expect(violations(['app'], ['db/'])).toEqual([])
  })

  it('the database layer imports nothing of the server or the pages', () => {
    expect(violations(['db'], ['server/', 'app/'])).toEqual([])
  })

  it('the domain core imports none of its doors', () => {
    expect(violations(core, doors)).toEqual([])
  })
})

/*
 * Every place the service role (BYPASSRLS) runs, with how many calls: each is recorded, with why no
 * user can be checked there, in docs/decisions/002-rls-claims-and-roles.md. A new one fails here
 * until it is recorded in both places: a conscious change.
 */
const serviceRoleUses: Record<string, number> = {
  'server/auth/local-accounts.ts': 3,
  'server/jobs/cleanup.ts': 1,
  'server/mail/worker.ts': 3,
  'server/orders/cancel-event.ts': 3,
  'server/orders/check-in.ts': 1,
  'server/orders/checkout.ts': 2,
  'server/orders/hold-sweeper.ts': 1,
  'server/orders/place-order.ts': 2,
  'server/orders/read-order.ts': 3,
  'server/orders/refund-order.ts': 1,
  'server/orgs/invitations.ts': 3,
  'server/orgs/organizations.ts': 1,
  'server/payments/accounts.ts': 3,
  'server/payments/webhook.ts': 3,
}

describe('the service role', () => {
  it('runs only where decision 002 says why', () => {
    const found: Record<string, number> = {}
    for (const file of ['app', 'server', 'db'].flatMap(sourceFiles)) {
      if (file === 'db/rls.ts') continue
      const calls = readFileSync(join(root, file), 'utf8').match(/\basServiceRole\(/g)?.length ?? 0
      if (calls > 0) found[file] = calls
    }
    expect(found).toEqual(serviceRoleUses)
    const decision = readFileSync(join(root, 'docs/decisions/002-rls-claims-and-roles.md'), 'utf8')
    expect(Object.keys(serviceRoleUses).filter((file) => !decision.includes(`\`${file}\``))).toEqual([])
  })
})
