-- Registrations: updated_at triggers and grants for the tables of 0005 (drizzle-kit makes neither).

CREATE TRIGGER orders_set_updated_at BEFORE UPDATE ON event_wizard.orders
  FOR EACH ROW EXECUTE FUNCTION event_wizard.set_updated_at();
--> statement-breakpoint
CREATE TRIGGER tickets_set_updated_at BEFORE UPDATE ON event_wizard.tickets
  FOR EACH ROW EXECUTE FUNCTION event_wizard.set_updated_at();
--> statement-breakpoint
CREATE TRIGGER email_outbox_set_updated_at BEFORE UPDATE ON event_wizard.email_outbox
  FOR EACH ROW EXECUTE FUNCTION event_wizard.set_updated_at();
--> statement-breakpoint

-- The default privileges of 0001 already cover tables made by the migrating role; said again here so
-- the grants do not depend on which role ran 0001. Row Level Security decides which rows.
GRANT SELECT, INSERT, UPDATE, DELETE ON event_wizard.orders, event_wizard.order_items, event_wizard.tickets,
  event_wizard.email_outbox TO anon, authenticated, service_role;
--> statement-breakpoint

-- The public page says how many seats are left: anon may read the event's counter too (the column
-- grant of 0001 lists the public columns one by one).
GRANT SELECT (reserved) ON event_wizard.events TO anon;
