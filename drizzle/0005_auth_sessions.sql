CREATE TABLE "event_wizard"."auth_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "event_wizard"."auth_sessions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "event_wizard"."auth_sessions" ADD CONSTRAINT "auth_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "auth"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "auth_sessions_user_id_idx" ON "event_wizard"."auth_sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "auth_sessions_expires_at_idx" ON "event_wizard"."auth_sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE POLICY "users can read their own sign-in sessions" ON "event_wizard"."auth_sessions" AS PERMISSIVE FOR SELECT TO "authenticated" USING ("event_wizard"."auth_sessions"."user_id" = (select auth.uid()));--> statement-breakpoint
CREATE POLICY "users can start sign-in sessions for themselves" ON "event_wizard"."auth_sessions" AS PERMISSIVE FOR INSERT TO "authenticated" WITH CHECK ("event_wizard"."auth_sessions"."user_id" = (select auth.uid()) and "event_wizard"."auth_sessions"."revoked_at" is null);--> statement-breakpoint
CREATE POLICY "users can renew or end their own sign-in sessions, never reopen one" ON "event_wizard"."auth_sessions" AS PERMISSIVE FOR UPDATE TO "authenticated" USING ("event_wizard"."auth_sessions"."user_id" = (select auth.uid()) and "event_wizard"."auth_sessions"."revoked_at" is null) WITH CHECK ("event_wizard"."auth_sessions"."user_id" = (select auth.uid()));