CREATE TABLE "event_wizard"."organization_invitations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"email" text NOT NULL,
	"role" text NOT NULL,
	"token_hash" text NOT NULL,
	"invited_by" uuid,
	"expires_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"accepted_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organization_invitations_token_hash_key" UNIQUE("token_hash"),
	CONSTRAINT "organization_invitations_role_valid" CHECK ("event_wizard"."organization_invitations"."role" in ('admin', 'member')),
	CONSTRAINT "organization_invitations_email_lower_case" CHECK ("event_wizard"."organization_invitations"."email" = lower("event_wizard"."organization_invitations"."email"))
);
--> statement-breakpoint
ALTER TABLE "event_wizard"."organization_invitations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "event_wizard"."organization_invitations" ADD CONSTRAINT "organization_invitations_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "event_wizard"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_wizard"."organization_invitations" ADD CONSTRAINT "organization_invitations_invited_by_users_id_fk" FOREIGN KEY ("invited_by") REFERENCES "auth"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_wizard"."organization_invitations" ADD CONSTRAINT "organization_invitations_accepted_by_users_id_fk" FOREIGN KEY ("accepted_by") REFERENCES "auth"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "organization_invitations_pending_key" ON "event_wizard"."organization_invitations" USING btree ("organization_id",lower("email")) WHERE "event_wizard"."organization_invitations"."accepted_at" is null;--> statement-breakpoint
CREATE INDEX "organization_invitations_invited_by_idx" ON "event_wizard"."organization_invitations" USING btree ("invited_by");--> statement-breakpoint
CREATE INDEX "organization_invitations_accepted_by_idx" ON "event_wizard"."organization_invitations" USING btree ("accepted_by");--> statement-breakpoint
CREATE POLICY "organization managers can read its invitations" ON "event_wizard"."organization_invitations" AS PERMISSIVE FOR SELECT TO "authenticated" USING (event_wizard.is_member("event_wizard"."organization_invitations"."organization_id", array['owner', 'admin']::text[]));--> statement-breakpoint

-- Grants (drizzle-kit makes none), said explicitly as in 0013 so they do not depend on which role ran
-- 0001. Row Level Security decides which rows: managers read; nobody but the service role writes.
GRANT SELECT, INSERT, UPDATE, DELETE ON event_wizard.organization_invitations TO anon, authenticated, service_role;
