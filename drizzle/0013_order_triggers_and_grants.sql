-- Registrations: updated_at triggers and grants for the tables of 0012 (drizzle-kit makes neither).

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

-- The public page says how many seats are left: anon and authenticated may read the event's counter
-- too (the column grants of 0001 and 0009 list the public columns one by one, the same for both).
GRANT SELECT (reserved) ON event_wizard.events TO anon, authenticated;
--> statement-breakpoint

-- 0012 re-created my_events with the new column, and the default privileges granted it to every role
-- again: as in 0011, only signed-in users read it, and nobody writes through it.
REVOKE ALL ON event_wizard.my_events FROM anon, authenticated, service_role;
--> statement-breakpoint
GRANT SELECT ON event_wizard.my_events TO authenticated;
