import type { LoaderFunctionArgs } from '@remix-run/node'
import { DATABASE_RETRY_AFTER_SECONDS } from '../../server/errors'

export async function loader({ context }: LoaderFunctionArgs) {
  const report = await context.app.health()
  const headers = new Headers({ 'Cache-Control': 'no-store' })
  // Unreachable is a moment's outage (postgres.js reconnects); pending migrations are not.
  if (!report.database.reachable) headers.set('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS))
  return Response.json(report, { status: report.ok ? 200 : 503, headers })
}
