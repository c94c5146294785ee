-- Column grants of `authenticated` on events now match anon's: a signed-in user reads the public
-- columns of someone else's published event and nothing more (not the meeting URL, the payment
-- account, the publisher, the session or the organization). The event's own people read those through
-- the view event_wizard.my_events (0010), which checks who asks.
REVOKE SELECT ON event_wizard.events FROM authenticated;
--> statement-breakpoint
GRANT SELECT (id, title, slug, type, description, starts_at, ends_at, timezone, venue_mode, venue, capacity,
  payment_enabled, cover_image_url, sponsors, status, published_at, created_at, updated_at)
  ON event_wizard.events TO authenticated;
--> statement-breakpoint

-- Whether the caller published the event, or is a member of its organization (with one of
-- allowed_roles, or any role when NULL). For the tiers' policies, which may no longer read an event's
-- user_id or organization_id as the caller. SECURITY DEFINER to read them, so it checks the caller
-- itself; search_path pinned so callers cannot shadow the tables.
CREATE OR REPLACE FUNCTION event_wizard.is_publisher_or_member(target_event uuid, allowed_roles text[])
RETURNS boolean
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT EXISTS (
    SELECT 1
    FROM event_wizard.events e
    WHERE e.id = target_event
      AND (
        e.user_id = (SELECT auth.uid())
        OR (e.organization_id IS NOT NULL AND event_wizard.is_member(e.organization_id, allowed_roles))
      )
  )
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION event_wizard.is_publisher_or_member(uuid, text[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION event_wizard.is_publisher_or_member(uuid, text[]) TO authenticated, service_role;
