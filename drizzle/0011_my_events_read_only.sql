-- The default privileges of 0001 granted the new view to every role for reading and writing; a simple
-- view is updatable, and it acts as its owner, past the events' policies. Only signed-in users may
-- read it (it shows them their own events), and nobody writes through it.
REVOKE ALL ON event_wizard.my_events FROM anon, authenticated, service_role;
--> statement-breakpoint
GRANT SELECT ON event_wizard.my_events TO authenticated;
