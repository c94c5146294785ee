import { defineConfig } from 'drizzle-kit'

// drizzle-kit only writes migrations (`npm run db:generate`); they are applied by db/migrate.ts, never `push`.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema.ts',
  out: './drizzle',
  schemaFilter: ['event_wizard'],
  entities: { roles: { provider: 'supabase' } },
})
