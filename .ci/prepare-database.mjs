// Creates the app's login role (neither superuser nor BYPASSRLS) and a fresh test database on the
// machine's Postgres. Usage: node .ci/prepare-database.mjs <admin-url> <database>
import postgres from 'postgres'

const [adminUrl, database] = process.argv.slice(2)
if (!adminUrl || !/^[a-z_][a-z0-9_]*$/.test(database ?? '')) {
  console.error('usage: prepare-database.mjs <admin-url> <database>')
  process.exit(2)
}
const sql = postgres(adminUrl, { max: 1, onnotice: () => {} })
try {
  await sql.unsafe(`
    do $$ begin
      if not exists (select 1 from pg_roles where rolname = 'event_wizard_app') then
        create role event_wizard_app login noinherit nosuperuser nobypassrls;
      else
        alter role event_wizard_app login noinherit nosuperuser nobypassrls;
      end if;
    end $$`)
  await sql.unsafe(`drop database if exists ${database} with (force)`)
  await sql.unsafe(`create database ${database}`)
  console.log(`database ${database} and role event_wizard_app ready`)
} finally {
  await sql.end()
}
