CREATE POLICY "owners and admins can change roles" ON "event_wizard"."organization_members" AS PERMISSIVE FOR UPDATE TO "authenticated" USING (event_wizard.is_member("event_wizard"."organization_members"."organization_id", array['owner']::text[]) or (event_wizard.is_member("event_wizard"."organization_members"."organization_id", array['admin']::text[]) and "event_wizard"."organization_members"."role" <> 'owner')) WITH CHECK (event_wizard.is_member("event_wizard"."organization_members"."organization_id", array['owner']::text[]) or (event_wizard.is_member("event_wizard"."organization_members"."organization_id", array['admin']::text[]) and "event_wizard"."organization_members"."role" <> 'owner'));--> statement-breakpoint
CREATE POLICY "owners and admins can remove members, and anyone can leave" ON "event_wizard"."organization_members" AS PERMISSIVE FOR DELETE TO "authenticated" USING ("event_wizard"."organization_members"."user_id" = (select auth.uid()) or event_wizard.is_member("event_wizard"."organization_members"."organization_id", array['owner']::text[]) or (event_wizard.is_member("event_wizard"."organization_members"."organization_id", array['admin']::text[]) and "event_wizard"."organization_members"."role" <> 'owner'));--> statement-breakpoint

-- Only a member's role changes; who belongs to which organization does not (an invitation adds).
REVOKE UPDATE ON event_wizard.organization_members FROM authenticated;
--> statement-breakpoint
GRANT UPDATE (role) ON event_wizard.organization_members TO authenticated;
--> statement-breakpoint

-- An organization always keeps an owner: demoting or removing the last one is refused (whoever asks,
-- leaving included). SECURITY DEFINER to count owners the caller may no longer see (they just left).
-- Not when the organization itself is being deleted (its members go with it).
CREATE OR REPLACE FUNCTION event_wizard.keep_an_owner()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM event_wizard.organizations o WHERE o.id = OLD.organization_id)
     AND NOT EXISTS (
       SELECT 1 FROM event_wizard.organization_members m
       WHERE m.organization_id = OLD.organization_id AND m.role = 'owner'
     ) THEN
    RAISE EXCEPTION 'organization % would have no owner', OLD.organization_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'organization_keeps_an_owner';
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION event_wizard.keep_an_owner() FROM PUBLIC;
--> statement-breakpoint
CREATE TRIGGER organization_members_keep_an_owner AFTER UPDATE OF role OR DELETE ON event_wizard.organization_members
  FOR EACH ROW WHEN (OLD.role = 'owner') EXECUTE FUNCTION event_wizard.keep_an_owner();
--> statement-breakpoint

-- The organization's members with their e-mail, for its members only: auth.users is not readable by
-- users, so a SECURITY DEFINER function that checks the caller itself.
CREATE OR REPLACE FUNCTION event_wizard.organization_roster(target_organization uuid)
RETURNS TABLE (user_id uuid, email text, role text, joined_at timestamptz)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT m.user_id, u.email::text, m.role, m.created_at
  FROM event_wizard.organization_members m
  JOIN auth.users u ON u.id = m.user_id
  WHERE m.organization_id = target_organization
    AND event_wizard.is_member(target_organization, null)
  ORDER BY array_position(array['owner', 'admin', 'member'], m.role), lower(u.email::text)
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION event_wizard.organization_roster(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION event_wizard.organization_roster(uuid) TO authenticated;
