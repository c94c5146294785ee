DROP VIEW "event_wizard"."my_events";--> statement-breakpoint
ALTER TABLE "event_wizard"."events" ADD COLUMN "cancelled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "event_wizard"."events" ADD COLUMN "cancellation_message" text;--> statement-breakpoint
-- Nothing cancelled events before this migration; should a row say so anyway, it gets a time.
UPDATE "event_wizard"."events" SET "cancelled_at" = "updated_at" WHERE "status" = 'cancelled';--> statement-breakpoint
CREATE INDEX "events_cancelled_idx" ON "event_wizard"."events" USING btree ("cancelled_at") WHERE "event_wizard"."events"."status" = 'cancelled';--> statement-breakpoint
ALTER TABLE "event_wizard"."events" ADD CONSTRAINT "events_cancellation_message_length" CHECK (char_length("event_wizard"."events"."cancellation_message") <= 2000);--> statement-breakpoint
ALTER TABLE "event_wizard"."events" ADD CONSTRAINT "events_cancelled_when" CHECK (("event_wizard"."events"."status" = 'cancelled') = ("event_wizard"."events"."cancelled_at" is not null));--> statement-breakpoint
CREATE VIEW "event_wizard"."my_events" WITH (security_barrier = true) AS (select "id", "user_id", "organization_id", "session_id", "title", "slug", "type", "description", "starts_at", "ends_at", "timezone", "venue_mode", "venue", "online_url", "capacity", "stripe_account_id", "payment_enabled", "cover_image_url", "sponsors", "status", "published_at", "cancelled_at", "cancellation_message", "reserved", "created_at", "updated_at" from "event_wizard"."events" where "event_wizard"."events"."user_id" = (select auth.uid()) or ("event_wizard"."events"."organization_id" is not null and event_wizard.is_member("event_wizard"."events"."organization_id", null)));--> statement-breakpoint
ALTER POLICY "anyone can read published events" ON "event_wizard"."events" TO anon USING ("event_wizard"."events"."status" in ('published', 'cancelled'));--> statement-breakpoint
ALTER POLICY "users can read published events and those of their organizations" ON "event_wizard"."events" TO authenticated USING ("event_wizard"."events"."status" in ('published', 'cancelled') or "event_wizard"."events"."user_id" = (select auth.uid()) or ("event_wizard"."events"."organization_id" is not null and event_wizard.is_member("event_wizard"."events"."organization_id", null)));--> statement-breakpoint

-- The view was made again with the new columns, and the default privileges granted it to every role:
-- as in 0011 and 0013, only signed-in users read it, and nobody writes through it.
REVOKE ALL ON event_wizard.my_events FROM anon, authenticated, service_role;
--> statement-breakpoint
GRANT SELECT ON event_wizard.my_events TO authenticated;
--> statement-breakpoint

-- The public page of a cancelled event says when and why: both columns are public, like the status.
GRANT SELECT (cancelled_at, cancellation_message) ON event_wizard.events TO anon, authenticated;
