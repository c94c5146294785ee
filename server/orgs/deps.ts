import type { Database } from '../../db/client'

/** What the organization functions need: the database, and the secret invitation links are signed with. */
export interface OrgDeps {
  db: Database
  invitationSecret: string
}
