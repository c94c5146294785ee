-- What Supabase provides and plain Postgres (or PGlite) does not: the API roles, the `auth` schema
-- with its claim helpers, and `auth.users` for local accounts. Idempotent; applied before every
-- migration run except on Supabase (detected by its `supabase_auth_admin` role). Statements are separated
-- by drizzle-kit's marker so each runs on its own.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN
    CREATE ROLE anon NOLOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN
    CREATE ROLE authenticated NOLOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
    CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
  END IF;
  -- The app's login role: neither superuser nor BYPASSRLS, and NOINHERIT, so it holds no privilege of
  -- its own until a transaction switches to one of the roles below. Operators give it LOGIN and a
  -- password (CI: `CREATE ROLE event_wizard_app LOGIN` before migrating).
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'event_wizard_app') THEN
    CREATE ROLE event_wizard_app NOLOGIN NOINHERIT;
  END IF;
END
$$;

--> statement-breakpoint
GRANT anon, authenticated, service_role TO event_wizard_app;

--> statement-breakpoint
CREATE SCHEMA IF NOT EXISTS auth;

--> statement-breakpoint
GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;

--> statement-breakpoint
-- As Supabase defines them; a pooled connection reads an unset setting back as '', hence nullif.
CREATE OR REPLACE FUNCTION auth.jwt()
RETURNS jsonb
LANGUAGE sql
STABLE
AS $$
  SELECT coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

--> statement-breakpoint
CREATE OR REPLACE FUNCTION auth.uid()
RETURNS uuid
LANGUAGE sql
STABLE
AS $$
  SELECT coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;

--> statement-breakpoint
CREATE OR REPLACE FUNCTION auth.role()
RETURNS text
LANGUAGE sql
STABLE
AS $$
  SELECT coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;

--> statement-breakpoint
-- Local accounts (AUTH_MODE=local): the columns Supabase's auth.users has that the app uses, plus the
-- password hash. Only the server, as service_role, reads or writes it.
CREATE TABLE IF NOT EXISTS auth.users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email varchar(255),
  encrypted_password text,
  last_sign_in_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS users_email_lower_key ON auth.users (lower(email));

--> statement-breakpoint
REVOKE ALL ON auth.users FROM anon, authenticated;

--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON auth.users TO service_role;
