CREATE POLICY "publishers and organization managers can cancel or refund their events' orders" ON "event_wizard"."orders" AS PERMISSIVE FOR UPDATE TO "authenticated" USING (event_wizard.is_publisher_or_member("event_wizard"."orders"."event_id", array['owner', 'admin']::text[])) WITH CHECK (event_wizard.is_publisher_or_member("event_wizard"."orders"."event_id", array['owner', 'admin']::text[]) and "event_wizard"."orders"."status" in ('cancelled', 'refunded'));--> statement-breakpoint
CREATE POLICY "publishers and organization members can check tickets in" ON "event_wizard"."tickets" AS PERMISSIVE FOR UPDATE TO "authenticated" USING (event_wizard.is_publisher_or_member("event_wizard"."tickets"."event_id", null)) WITH CHECK (event_wizard.is_publisher_or_member("event_wizard"."tickets"."event_id", null) and "event_wizard"."tickets"."checked_in_at" is not null and "event_wizard"."tickets"."checked_in_by" = (select auth.uid()));--> statement-breakpoint

-- What the policies above let a signed-in user change, column by column (0013 granted whole rows):
-- a check-in (when, by whom) and nothing else of a ticket (its code, holder, status, order); an order's
-- end state and when it was reached, never its buyer, amounts, key, event or Stripe ids. Updated_at is
-- set by its trigger, which needs no grant. Voiding tickets and releasing seats stay with the core.
REVOKE UPDATE ON event_wizard.tickets, event_wizard.orders FROM authenticated;
--> statement-breakpoint
GRANT UPDATE (checked_in_at, checked_in_by) ON event_wizard.tickets TO authenticated;
--> statement-breakpoint
GRANT UPDATE (status, cancelled_at, refunded_at) ON event_wizard.orders TO authenticated;
