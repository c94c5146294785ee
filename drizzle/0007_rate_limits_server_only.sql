-- Rate-limit counters are the server's bookkeeping: the default privileges of 0001 granted the new
-- table to every role, so take it back from the request roles. Only the service role counts.
REVOKE ALL ON event_wizard.rate_limits FROM anon, authenticated;
--> statement-breakpoint

-- Prunes what sign-in leaves behind: sign-in sessions whose last token expired more than a day ago
-- (ended or not: their tokens are refused by expiry anyway) and expired rate-limit counters. Run by
-- the cleanup job (or pg_cron on Supabase) as the service role.
CREATE OR REPLACE FUNCTION event_wizard.prune_sign_in_state(at timestamptz DEFAULT now())
RETURNS TABLE (pruned_sign_in_sessions integer, pruned_rate_limits integer)
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
  DELETE FROM event_wizard.auth_sessions s WHERE s.expires_at <= at - interval '1 day';
  GET DIAGNOSTICS pruned_sign_in_sessions = ROW_COUNT;
  DELETE FROM event_wizard.rate_limits r WHERE r.expire <= at;
  GET DIAGNOSTICS pruned_rate_limits = ROW_COUNT;
  RETURN NEXT;
END
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION event_wizard.prune_sign_in_state(timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION event_wizard.prune_sign_in_state(timestamptz) TO service_role;
