CREATE TABLE "event_wizard"."copilot_threads" (
	"thread_id" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "copilot_threads_thread_id_length" CHECK (char_length("event_wizard"."copilot_threads"."thread_id") between 1 and 200)
);
--> statement-breakpoint
ALTER TABLE "event_wizard"."copilot_threads" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "event_wizard"."copilot_threads" ADD CONSTRAINT "copilot_threads_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "auth"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_wizard"."copilot_threads" ADD CONSTRAINT "copilot_threads_session_id_wizard_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "event_wizard"."wizard_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "copilot_threads_user_id_idx" ON "event_wizard"."copilot_threads" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "copilot_threads_session_id_idx" ON "event_wizard"."copilot_threads" USING btree ("session_id");--> statement-breakpoint
CREATE POLICY "users can read their own copilot threads" ON "event_wizard"."copilot_threads" AS PERMISSIVE FOR SELECT TO "authenticated" USING ("event_wizard"."copilot_threads"."user_id" = (select auth.uid()));--> statement-breakpoint
CREATE POLICY "users can start copilot threads on sessions they can read" ON "event_wizard"."copilot_threads" AS PERMISSIVE FOR INSERT TO "authenticated" WITH CHECK ("event_wizard"."copilot_threads"."user_id" = (select auth.uid()) and exists (select 1 from event_wizard.wizard_sessions s where s.id = "event_wizard"."copilot_threads"."session_id"));