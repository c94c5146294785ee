DROP INDEX "event_wizard"."events_user_id_idx";--> statement-breakpoint
DROP INDEX "event_wizard"."events_organization_id_idx";--> statement-breakpoint
CREATE INDEX "events_user_id_idx" ON "event_wizard"."events" USING btree ("user_id","starts_at");--> statement-breakpoint
CREATE INDEX "events_organization_id_idx" ON "event_wizard"."events" USING btree ("organization_id","starts_at");