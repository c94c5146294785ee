-- Functions, triggers and grants: drizzle-kit makes none of these.

-- Membership test for policies. SECURITY DEFINER so a policy on organization_members does not query
-- itself under RLS (which recurses forever); search_path pinned so callers cannot shadow the tables.
CREATE OR REPLACE FUNCTION event_wizard.is_member(target_organization uuid, allowed_roles text[])
RETURNS boolean
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT EXISTS (
    SELECT 1
    FROM event_wizard.organization_members m
    WHERE m.organization_id = target_organization
      AND m.user_id = (SELECT auth.uid())
      AND (allowed_roles IS NULL OR m.role = ANY (allowed_roles))
  )
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION event_wizard.is_member(uuid, text[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION event_wizard.is_member(uuid, text[]) TO authenticated, service_role;
--> statement-breakpoint

CREATE OR REPLACE FUNCTION event_wizard.set_updated_at()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION event_wizard.set_updated_at() FROM PUBLIC;
--> statement-breakpoint
CREATE TRIGGER organizations_set_updated_at BEFORE UPDATE ON event_wizard.organizations
  FOR EACH ROW EXECUTE FUNCTION event_wizard.set_updated_at();
--> statement-breakpoint
CREATE TRIGGER organization_members_set_updated_at BEFORE UPDATE ON event_wizard.organization_members
  FOR EACH ROW EXECUTE FUNCTION event_wizard.set_updated_at();
--> statement-breakpoint
CREATE TRIGGER wizard_sessions_set_updated_at BEFORE UPDATE ON event_wizard.wizard_sessions
  FOR EACH ROW EXECUTE FUNCTION event_wizard.set_updated_at();
--> statement-breakpoint
CREATE TRIGGER events_set_updated_at BEFORE UPDATE ON event_wizard.events
  FOR EACH ROW EXECUTE FUNCTION event_wizard.set_updated_at();
--> statement-breakpoint
CREATE TRIGGER event_ticket_tiers_set_updated_at BEFORE UPDATE ON event_wizard.event_ticket_tiers
  FOR EACH ROW EXECUTE FUNCTION event_wizard.set_updated_at();
--> statement-breakpoint
CREATE TRIGGER payment_accounts_set_updated_at BEFORE UPDATE ON event_wizard.payment_accounts
  FOR EACH ROW EXECUTE FUNCTION event_wizard.set_updated_at();
--> statement-breakpoint

-- Who owns a session or published an event never changes; RLS cannot compare old and new rows.
CREATE OR REPLACE FUNCTION event_wizard.forbid_owner_change()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
  IF NEW.user_id IS DISTINCT FROM OLD.user_id THEN
    RAISE EXCEPTION 'the owner of % % cannot change', TG_TABLE_NAME, OLD.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION event_wizard.forbid_owner_change() FROM PUBLIC;
--> statement-breakpoint
CREATE TRIGGER wizard_sessions_forbid_owner_change BEFORE UPDATE OF user_id ON event_wizard.wizard_sessions
  FOR EACH ROW EXECUTE FUNCTION event_wizard.forbid_owner_change();
--> statement-breakpoint
CREATE TRIGGER events_forbid_owner_change BEFORE UPDATE OF user_id ON event_wizard.events
  FOR EACH ROW EXECUTE FUNCTION event_wizard.forbid_owner_change();
--> statement-breakpoint

-- Expires unfinished sessions past their sliding expiry; deletes expired sessions `retention` after
-- they expired and abandoned ones `retention` after they were abandoned (last update); prunes audit
-- rows older than `audit_retention`. Audit rows of deleted sessions stay (their session_id becomes
-- NULL) until they are old enough. Completed sessions stay: their event points back to them.
CREATE OR REPLACE FUNCTION event_wizard.cleanup_expired_sessions(
  at timestamptz DEFAULT now(),
  retention interval DEFAULT interval '30 days',
  audit_retention interval DEFAULT interval '180 days'
)
RETURNS TABLE (expired_sessions integer, deleted_sessions integer, pruned_actions integer)
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
  UPDATE event_wizard.wizard_sessions s
  SET status = 'expired'
  WHERE s.status = 'in_progress' AND s.expires_at <= at;
  GET DIAGNOSTICS expired_sessions = ROW_COUNT;

  DELETE FROM event_wizard.wizard_sessions s
  WHERE (s.status = 'expired' AND s.expires_at <= at - retention)
     OR (s.status = 'abandoned' AND s.updated_at <= at - retention);
  GET DIAGNOSTICS deleted_sessions = ROW_COUNT;

  DELETE FROM event_wizard.wizard_actions a
  WHERE a.created_at <= at - audit_retention;
  GET DIAGNOSTICS pruned_actions = ROW_COUNT;

  RETURN NEXT;
END
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION event_wizard.cleanup_expired_sessions(timestamptz, interval, interval) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION event_wizard.cleanup_expired_sessions(timestamptz, interval, interval) TO service_role;
--> statement-breakpoint

-- Supabase-style privileges: the roles may touch every table, and Row Level Security decides which
-- rows. Tables without a policy for a role (stripe_events, payment_accounts) show it nothing.
GRANT USAGE ON SCHEMA event_wizard TO anon, authenticated, service_role;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA event_wizard TO anon, authenticated, service_role;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA event_wizard
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO anon, authenticated, service_role;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA event_wizard REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
--> statement-breakpoint

-- RLS chooses rows, not columns: the public may read published events, but never the meeting URL,
-- the payment account or who published them.
REVOKE SELECT ON event_wizard.events FROM anon;
--> statement-breakpoint
GRANT SELECT (id, title, slug, type, description, starts_at, ends_at, timezone, venue_mode, venue, capacity,
  payment_enabled, cover_image_url, sponsors, status, published_at, created_at, updated_at)
  ON event_wizard.events TO anon;
