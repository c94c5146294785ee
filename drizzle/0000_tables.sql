CREATE SCHEMA "event_wizard";
--> statement-breakpoint
CREATE TABLE "event_wizard"."event_ticket_tiers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"event_id" uuid NOT NULL,
	"position" smallint NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"price" integer NOT NULL,
	"currency" text NOT NULL,
	"quantity" integer NOT NULL,
	"sales_start" timestamp with time zone,
	"sales_end" timestamp with time zone,
	"min_per_order" integer,
	"max_per_order" integer,
	"hidden" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "event_ticket_tiers_event_position_key" UNIQUE("event_id","position"),
	CONSTRAINT "event_ticket_tiers_position_range" CHECK ("event_wizard"."event_ticket_tiers"."position" between 0 and 19),
	CONSTRAINT "event_ticket_tiers_name_length" CHECK (char_length("event_wizard"."event_ticket_tiers"."name") between 1 and 80),
	CONSTRAINT "event_ticket_tiers_description_length" CHECK (char_length("event_wizard"."event_ticket_tiers"."description") <= 500),
	CONSTRAINT "event_ticket_tiers_price_non_negative" CHECK ("event_wizard"."event_ticket_tiers"."price" >= 0),
	CONSTRAINT "event_ticket_tiers_currency_format" CHECK ("event_wizard"."event_ticket_tiers"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "event_ticket_tiers_quantity_positive" CHECK ("event_wizard"."event_ticket_tiers"."quantity" > 0),
	CONSTRAINT "event_ticket_tiers_sales_window" CHECK ("event_wizard"."event_ticket_tiers"."sales_start" < "event_wizard"."event_ticket_tiers"."sales_end"),
	CONSTRAINT "event_ticket_tiers_min_per_order_positive" CHECK ("event_wizard"."event_ticket_tiers"."min_per_order" >= 1),
	CONSTRAINT "event_ticket_tiers_order_limits" CHECK ("event_wizard"."event_ticket_tiers"."min_per_order" <= "event_wizard"."event_ticket_tiers"."max_per_order" and "event_wizard"."event_ticket_tiers"."max_per_order" <= "event_wizard"."event_ticket_tiers"."quantity")
);
--> statement-breakpoint
CREATE TABLE "event_wizard"."events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"organization_id" uuid,
	"session_id" uuid,
	"title" text NOT NULL,
	"slug" text NOT NULL,
	"type" text NOT NULL,
	"description" text,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone,
	"timezone" text NOT NULL,
	"venue_mode" text NOT NULL,
	"venue" jsonb,
	"online_url" text,
	"capacity" integer,
	"stripe_account_id" text,
	"payment_enabled" boolean DEFAULT false NOT NULL,
	"cover_image_url" text,
	"sponsors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text DEFAULT 'published' NOT NULL,
	"published_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "events_session_id_key" UNIQUE("session_id"),
	CONSTRAINT "events_slug_key" UNIQUE("slug"),
	CONSTRAINT "events_title_length" CHECK (char_length("event_wizard"."events"."title") between 3 and 120),
	CONSTRAINT "events_slug_format" CHECK ("event_wizard"."events"."slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length("event_wizard"."events"."slug") <= 160),
	CONSTRAINT "events_type_valid" CHECK ("event_wizard"."events"."type" in ('fashion_show', 'popup', 'exhibition', 'launch', 'other')),
	CONSTRAINT "events_description_length" CHECK (char_length("event_wizard"."events"."description") <= 5000),
	CONSTRAINT "events_ends_after_start" CHECK ("event_wizard"."events"."ends_at" > "event_wizard"."events"."starts_at"),
	CONSTRAINT "events_venue_mode_valid" CHECK ("event_wizard"."events"."venue_mode" in ('physical', 'virtual', 'hybrid')),
	CONSTRAINT "events_online_url_https" CHECK ("event_wizard"."events"."online_url" like 'https://%' and char_length("event_wizard"."events"."online_url") <= 2048),
	CONSTRAINT "events_cover_image_url_https" CHECK ("event_wizard"."events"."cover_image_url" like 'https://%' and char_length("event_wizard"."events"."cover_image_url") <= 2048),
	CONSTRAINT "events_capacity_positive" CHECK ("event_wizard"."events"."capacity" > 0),
	CONSTRAINT "events_sponsors_array" CHECK (jsonb_typeof("event_wizard"."events"."sponsors") = 'array'),
	CONSTRAINT "events_status_valid" CHECK ("event_wizard"."events"."status" in ('published', 'unpublished', 'cancelled'))
);
--> statement-breakpoint
CREATE TABLE "event_wizard"."organization_members" (
	"organization_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organization_members_pkey" PRIMARY KEY("organization_id","user_id"),
	CONSTRAINT "organization_members_role_valid" CHECK ("event_wizard"."organization_members"."role" in ('owner', 'admin', 'member'))
);
--> statement-breakpoint
CREATE TABLE "event_wizard"."organizations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organizations_name_length" CHECK (char_length("event_wizard"."organizations"."name") between 1 and 120)
);
--> statement-breakpoint
CREATE TABLE "event_wizard"."payment_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid,
	"user_id" uuid,
	"stripe_account_id" text NOT NULL,
	"charges_enabled" boolean DEFAULT false NOT NULL,
	"payouts_enabled" boolean DEFAULT false NOT NULL,
	"details_submitted" boolean DEFAULT false NOT NULL,
	"requirements" jsonb,
	"disconnected_at" timestamp with time zone,
	"last_event_created" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payment_accounts_stripe_account_id_key" UNIQUE("stripe_account_id"),
	CONSTRAINT "payment_accounts_organization_id_key" UNIQUE("organization_id"),
	CONSTRAINT "payment_accounts_user_id_key" UNIQUE("user_id"),
	CONSTRAINT "payment_accounts_one_owner" CHECK (num_nonnulls("event_wizard"."payment_accounts"."organization_id", "event_wizard"."payment_accounts"."user_id") = 1)
);
--> statement-breakpoint
ALTER TABLE "event_wizard"."payment_accounts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "event_wizard"."stripe_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"account" text,
	"payload" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error" text,
	CONSTRAINT "stripe_events_attempts_non_negative" CHECK ("event_wizard"."stripe_events"."attempts" >= 0)
);
--> statement-breakpoint
ALTER TABLE "event_wizard"."stripe_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "event_wizard"."wizard_actions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid,
	"user_id" uuid,
	"organization_id" uuid,
	"action_name" text NOT NULL,
	"stage" text,
	"source" text NOT NULL,
	"idempotency_key" text,
	"payload" jsonb,
	"result" text NOT NULL,
	"error_message" text,
	"duration_ms" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "wizard_actions_user_idempotency_key_key" UNIQUE("user_id","idempotency_key"),
	CONSTRAINT "wizard_actions_source_valid" CHECK ("event_wizard"."wizard_actions"."source" in ('form', 'copilot', 'api', 'webhook')),
	CONSTRAINT "wizard_actions_result_valid" CHECK ("event_wizard"."wizard_actions"."result" in ('succeeded', 'failed')),
	CONSTRAINT "wizard_actions_stage_valid" CHECK ("event_wizard"."wizard_actions"."stage" is null or "event_wizard"."wizard_actions"."stage" in ('organizerSetup', 'eventSetup', 'venueSetup', 'ticketSetup', 'paymentSetup', 'sponsorsMedia', 'reviewPublish')),
	CONSTRAINT "wizard_actions_duration_non_negative" CHECK ("event_wizard"."wizard_actions"."duration_ms" >= 0),
	CONSTRAINT "wizard_actions_idempotency_key_length" CHECK (char_length("event_wizard"."wizard_actions"."idempotency_key") between 1 and 255)
);
--> statement-breakpoint
CREATE TABLE "event_wizard"."wizard_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"organization_id" uuid,
	"current_stage" text DEFAULT 'organizerSetup' NOT NULL,
	"completed_stages" text[] DEFAULT '{}'::text[] NOT NULL,
	"organizer_setup" jsonb,
	"event_setup" jsonb,
	"venue_setup" jsonb,
	"ticket_setup" jsonb,
	"payment_setup" jsonb,
	"sponsors_media" jsonb,
	"review_publish" jsonb,
	"completion_details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"completion_percentage" smallint DEFAULT 0 NOT NULL,
	"stripe_account_id" text,
	"event_id" uuid,
	"status" text DEFAULT 'in_progress' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_interaction_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone DEFAULT now() + interval '7 days' NOT NULL,
	CONSTRAINT "wizard_sessions_current_stage_valid" CHECK ("event_wizard"."wizard_sessions"."current_stage" in ('organizerSetup', 'eventSetup', 'venueSetup', 'ticketSetup', 'paymentSetup', 'sponsorsMedia', 'reviewPublish')),
	CONSTRAINT "wizard_sessions_completed_stages_valid" CHECK ("event_wizard"."wizard_sessions"."completed_stages" <@ array['organizerSetup', 'eventSetup', 'venueSetup', 'ticketSetup', 'paymentSetup', 'sponsorsMedia', 'reviewPublish']::text[]),
	CONSTRAINT "wizard_sessions_status_valid" CHECK ("event_wizard"."wizard_sessions"."status" in ('in_progress', 'completed', 'abandoned', 'expired')),
	CONSTRAINT "wizard_sessions_completion_percentage_range" CHECK ("event_wizard"."wizard_sessions"."completion_percentage" between 0 and 100),
	CONSTRAINT "wizard_sessions_version_positive" CHECK ("event_wizard"."wizard_sessions"."version" > 0)
);
--> statement-breakpoint
ALTER TABLE "event_wizard"."event_ticket_tiers" ADD CONSTRAINT "event_ticket_tiers_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "event_wizard"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_wizard"."events" ADD CONSTRAINT "events_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "auth"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_wizard"."events" ADD CONSTRAINT "events_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "event_wizard"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_wizard"."events" ADD CONSTRAINT "events_session_id_wizard_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "event_wizard"."wizard_sessions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_wizard"."organization_members" ADD CONSTRAINT "organization_members_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "event_wizard"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_wizard"."organization_members" ADD CONSTRAINT "organization_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "auth"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_wizard"."organizations" ADD CONSTRAINT "organizations_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "auth"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_wizard"."payment_accounts" ADD CONSTRAINT "payment_accounts_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "event_wizard"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_wizard"."payment_accounts" ADD CONSTRAINT "payment_accounts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "auth"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_wizard"."wizard_actions" ADD CONSTRAINT "wizard_actions_session_id_wizard_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "event_wizard"."wizard_sessions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_wizard"."wizard_actions" ADD CONSTRAINT "wizard_actions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "auth"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_wizard"."wizard_actions" ADD CONSTRAINT "wizard_actions_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "event_wizard"."organizations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_wizard"."wizard_sessions" ADD CONSTRAINT "wizard_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "auth"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_wizard"."wizard_sessions" ADD CONSTRAINT "wizard_sessions_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "event_wizard"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_wizard"."wizard_sessions" ADD CONSTRAINT "wizard_sessions_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "event_wizard"."events"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "events_user_id_idx" ON "event_wizard"."events" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "events_organization_id_idx" ON "event_wizard"."events" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "events_stripe_account_id_idx" ON "event_wizard"."events" USING btree ("stripe_account_id");--> statement-breakpoint
CREATE INDEX "organization_members_user_id_idx" ON "event_wizard"."organization_members" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "organizations_created_by_idx" ON "event_wizard"."organizations" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "stripe_events_account_idx" ON "event_wizard"."stripe_events" USING btree ("account");--> statement-breakpoint
CREATE INDEX "stripe_events_unprocessed_idx" ON "event_wizard"."stripe_events" USING btree ("received_at") WHERE "event_wizard"."stripe_events"."processed_at" is null;--> statement-breakpoint
CREATE INDEX "wizard_actions_session_id_idx" ON "event_wizard"."wizard_actions" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "wizard_actions_organization_id_idx" ON "event_wizard"."wizard_actions" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "wizard_actions_created_at_idx" ON "event_wizard"."wizard_actions" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "wizard_sessions_user_status_updated_idx" ON "event_wizard"."wizard_sessions" USING btree ("user_id","status","updated_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "wizard_sessions_organization_status_updated_idx" ON "event_wizard"."wizard_sessions" USING btree ("organization_id","status","updated_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "wizard_sessions_stripe_account_id_idx" ON "event_wizard"."wizard_sessions" USING btree ("stripe_account_id");--> statement-breakpoint
CREATE INDEX "wizard_sessions_event_id_idx" ON "event_wizard"."wizard_sessions" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "wizard_sessions_status_expires_idx" ON "event_wizard"."wizard_sessions" USING btree ("status","expires_at");