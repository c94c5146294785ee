CREATE TABLE "event_wizard"."email_outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"recipient" text NOT NULL,
	"template" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "email_outbox_status_valid" CHECK ("event_wizard"."email_outbox"."status" in ('pending', 'sent', 'failed', 'skipped')),
	CONSTRAINT "email_outbox_attempts_non_negative" CHECK ("event_wizard"."email_outbox"."attempts" >= 0)
);
--> statement-breakpoint
ALTER TABLE "event_wizard"."email_outbox" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "event_wizard"."order_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"tier_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"unit_price" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_items_order_tier_key" UNIQUE("order_id","tier_id"),
	CONSTRAINT "order_items_quantity_range" CHECK ("event_wizard"."order_items"."quantity" between 1 and 50),
	CONSTRAINT "order_items_unit_price_non_negative" CHECK ("event_wizard"."order_items"."unit_price" >= 0)
);
--> statement-breakpoint
ALTER TABLE "event_wizard"."order_items" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "event_wizard"."orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"event_id" uuid NOT NULL,
	"user_id" uuid,
	"buyer_name" text NOT NULL,
	"buyer_email" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"total" integer NOT NULL,
	"currency" text NOT NULL,
	"application_fee" integer DEFAULT 0 NOT NULL,
	"access_key_hash" text NOT NULL,
	"stripe_checkout_session_id" text,
	"stripe_payment_intent_id" text,
	"expires_at" timestamp with time zone,
	"idempotency_key" text,
	"confirmed_at" timestamp with time zone,
	"expired_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"refunded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "orders_event_idempotency_key_key" UNIQUE("event_id","idempotency_key"),
	CONSTRAINT "orders_stripe_checkout_session_id_key" UNIQUE("stripe_checkout_session_id"),
	CONSTRAINT "orders_stripe_payment_intent_id_key" UNIQUE("stripe_payment_intent_id"),
	CONSTRAINT "orders_status_valid" CHECK ("event_wizard"."orders"."status" in ('pending', 'confirmed', 'expired', 'cancelled', 'refunded')),
	CONSTRAINT "orders_buyer_name_length" CHECK (char_length("event_wizard"."orders"."buyer_name") between 1 and 120),
	CONSTRAINT "orders_buyer_email_format" CHECK (char_length("event_wizard"."orders"."buyer_email") <= 254 and "event_wizard"."orders"."buyer_email" like '%_@_%'),
	CONSTRAINT "orders_total_non_negative" CHECK ("event_wizard"."orders"."total" >= 0),
	CONSTRAINT "orders_currency_format" CHECK ("event_wizard"."orders"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "orders_application_fee_within_total" CHECK ("event_wizard"."orders"."application_fee" between 0 and "event_wizard"."orders"."total"),
	CONSTRAINT "orders_idempotency_key_length" CHECK (char_length("event_wizard"."orders"."idempotency_key") between 1 and 255),
	CONSTRAINT "orders_pending_has_expiry" CHECK ("event_wizard"."orders"."status" <> 'pending' or "event_wizard"."orders"."expires_at" is not null)
);
--> statement-breakpoint
ALTER TABLE "event_wizard"."orders" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "event_wizard"."tickets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"tier_id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"code" text NOT NULL,
	"holder_name" text,
	"status" text DEFAULT 'valid' NOT NULL,
	"checked_in_at" timestamp with time zone,
	"checked_in_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tickets_code_key" UNIQUE("code"),
	CONSTRAINT "tickets_status_valid" CHECK ("event_wizard"."tickets"."status" in ('valid', 'void')),
	CONSTRAINT "tickets_code_format" CHECK ("event_wizard"."tickets"."code" ~ '^[A-Z0-9]{12,32}$'),
	CONSTRAINT "tickets_holder_name_length" CHECK (char_length("event_wizard"."tickets"."holder_name") between 1 and 120)
);
--> statement-breakpoint
ALTER TABLE "event_wizard"."tickets" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP VIEW "event_wizard"."my_events";--> statement-breakpoint
ALTER TABLE "event_wizard"."event_ticket_tiers" ADD COLUMN "reserved" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "event_wizard"."events" ADD COLUMN "reserved" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "event_wizard"."order_items" ADD CONSTRAINT "order_items_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "event_wizard"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_wizard"."order_items" ADD CONSTRAINT "order_items_tier_id_event_ticket_tiers_id_fk" FOREIGN KEY ("tier_id") REFERENCES "event_wizard"."event_ticket_tiers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_wizard"."orders" ADD CONSTRAINT "orders_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "event_wizard"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_wizard"."orders" ADD CONSTRAINT "orders_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "auth"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_wizard"."tickets" ADD CONSTRAINT "tickets_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "event_wizard"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_wizard"."tickets" ADD CONSTRAINT "tickets_tier_id_event_ticket_tiers_id_fk" FOREIGN KEY ("tier_id") REFERENCES "event_wizard"."event_ticket_tiers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_wizard"."tickets" ADD CONSTRAINT "tickets_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "event_wizard"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_wizard"."tickets" ADD CONSTRAINT "tickets_checked_in_by_users_id_fk" FOREIGN KEY ("checked_in_by") REFERENCES "auth"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "email_outbox_due_idx" ON "event_wizard"."email_outbox" USING btree ("next_attempt_at") WHERE "event_wizard"."email_outbox"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "order_items_tier_id_idx" ON "event_wizard"."order_items" USING btree ("tier_id");--> statement-breakpoint
CREATE INDEX "orders_event_id_created_idx" ON "event_wizard"."orders" USING btree ("event_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "orders_user_id_created_idx" ON "event_wizard"."orders" USING btree ("user_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "orders_pending_expires_idx" ON "event_wizard"."orders" USING btree ("expires_at") WHERE "event_wizard"."orders"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "tickets_order_id_idx" ON "event_wizard"."tickets" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "tickets_tier_id_idx" ON "event_wizard"."tickets" USING btree ("tier_id");--> statement-breakpoint
CREATE INDEX "tickets_event_id_idx" ON "event_wizard"."tickets" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "tickets_checked_in_by_idx" ON "event_wizard"."tickets" USING btree ("checked_in_by");--> statement-breakpoint
ALTER TABLE "event_wizard"."event_ticket_tiers" ADD CONSTRAINT "event_ticket_tiers_reserved_within_quantity" CHECK ("event_wizard"."event_ticket_tiers"."reserved" between 0 and "event_wizard"."event_ticket_tiers"."quantity");--> statement-breakpoint
ALTER TABLE "event_wizard"."events" ADD CONSTRAINT "events_reserved_within_capacity" CHECK ("event_wizard"."events"."reserved" >= 0 and ("event_wizard"."events"."capacity" is null or "event_wizard"."events"."reserved" <= "event_wizard"."events"."capacity"));--> statement-breakpoint
CREATE VIEW "event_wizard"."my_events" WITH (security_barrier = true) AS (select "id", "user_id", "organization_id", "session_id", "title", "slug", "type", "description", "starts_at", "ends_at", "timezone", "venue_mode", "venue", "online_url", "capacity", "stripe_account_id", "payment_enabled", "cover_image_url", "sponsors", "status", "published_at", "reserved", "created_at", "updated_at" from "event_wizard"."events" where "event_wizard"."events"."user_id" = (select auth.uid()) or ("event_wizard"."events"."organization_id" is not null and event_wizard.is_member("event_wizard"."events"."organization_id", null)));--> statement-breakpoint
CREATE POLICY "whoever can read an order can read its items" ON "event_wizard"."order_items" AS PERMISSIVE FOR SELECT TO "authenticated" USING (exists (select 1 from event_wizard.orders o where o.id = "event_wizard"."order_items"."order_id"));--> statement-breakpoint
CREATE POLICY "buyers can read their own orders" ON "event_wizard"."orders" AS PERMISSIVE FOR SELECT TO "authenticated" USING ("event_wizard"."orders"."user_id" = (select auth.uid()));--> statement-breakpoint
CREATE POLICY "publishers and organization members can read their events' orders" ON "event_wizard"."orders" AS PERMISSIVE FOR SELECT TO "authenticated" USING (event_wizard.is_publisher_or_member("event_wizard"."orders"."event_id", null));--> statement-breakpoint
CREATE POLICY "whoever can read an order can read its tickets" ON "event_wizard"."tickets" AS PERMISSIVE FOR SELECT TO "authenticated" USING (exists (select 1 from event_wizard.orders o where o.id = "event_wizard"."tickets"."order_id"));