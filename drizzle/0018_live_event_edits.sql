-- Whether the caller may change the event (its publisher, or an owner or admin of its organization) and
-- `organization` is the event's own: an edit session belongs where its event does. SECURITY DEFINER
-- because `authenticated` may not read an event's organization_id.
CREATE OR REPLACE FUNCTION event_wizard.may_change_event(target_event uuid, organization uuid)
RETURNS boolean
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT event_wizard.is_publisher_or_member(target_event, array['owner', 'admin']::text[])
    AND EXISTS (
      SELECT 1 FROM event_wizard.events e
      WHERE e.id = target_event AND e.organization_id IS NOT DISTINCT FROM organization
    )
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION event_wizard.may_change_event(uuid, uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION event_wizard.may_change_event(uuid, uuid) TO authenticated, service_role;
--> statement-breakpoint
ALTER TABLE "event_wizard"."wizard_sessions" ADD COLUMN "edits_event_id" uuid;--> statement-breakpoint
ALTER TABLE "event_wizard"."wizard_sessions" ADD CONSTRAINT "wizard_sessions_edits_event_id_fkey" FOREIGN KEY ("edits_event_id") REFERENCES "event_wizard"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "wizard_sessions_one_open_edit_idx" ON "event_wizard"."wizard_sessions" USING btree ("edits_event_id") WHERE "event_wizard"."wizard_sessions"."status" = 'in_progress';--> statement-breakpoint
ALTER POLICY "users can start sessions for themselves in their organizations" ON "event_wizard"."wizard_sessions" TO authenticated WITH CHECK ("event_wizard"."wizard_sessions"."user_id" = (select auth.uid()) and ("event_wizard"."wizard_sessions"."organization_id" is null or event_wizard.is_member("event_wizard"."wizard_sessions"."organization_id", null)) and ("event_wizard"."wizard_sessions"."edits_event_id" is null or event_wizard.may_change_event("event_wizard"."wizard_sessions"."edits_event_id", "event_wizard"."wizard_sessions"."organization_id")));
--> statement-breakpoint

-- Publishing an edit renumbers the kept tiers in one transaction: positions may pass through each
-- other's values before the commit, so their uniqueness is checked at the end of it.
ALTER TABLE "event_wizard"."event_ticket_tiers" DROP CONSTRAINT "event_ticket_tiers_event_position_key";
--> statement-breakpoint
ALTER TABLE "event_wizard"."event_ticket_tiers" ADD CONSTRAINT "event_ticket_tiers_event_position_key"
  UNIQUE ("event_id", "position") DEFERRABLE INITIALLY DEFERRED;
--> statement-breakpoint

-- A changed date, time or place is told to every confirmed attendee, in the transaction that changes
-- the event (the outbox has no policy for users). Only those who may change the event may ask.
CREATE OR REPLACE FUNCTION event_wizard.queue_event_change_emails(target_event uuid)
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  queued integer;
BEGIN
  IF NOT event_wizard.is_publisher_or_member(target_event, array['owner', 'admin']::text[]) THEN
    RAISE EXCEPTION 'not allowed to change event %', target_event USING ERRCODE = 'insufficient_privilege';
  END IF;
  INSERT INTO event_wizard.email_outbox (recipient, template, payload)
  SELECT o.buyer_email, 'event-changed', jsonb_build_object('orderId', o.id)
  FROM event_wizard.orders o
  WHERE o.event_id = target_event AND o.status = 'confirmed';
  GET DIAGNOSTICS queued = ROW_COUNT;
  RETURN queued;
END
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION event_wizard.queue_event_change_emails(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION event_wizard.queue_event_change_emails(uuid) TO authenticated, service_role;
