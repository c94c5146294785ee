-- How the wizard reads its payment state under RLS. payment_accounts has no policy for users (only the
-- server may read or change Stripe accounts), so the core asks this function instead: for a session
-- the caller may read (the rule of the sessions' select policy: its owner, or a member of its
-- organization), the connected account of the session's organization, or of its owner when it has no
-- organization; NULL when there is none or it was disconnected. It answers only what a form shows.
-- SECURITY DEFINER to read past RLS, so it checks the caller itself; search_path pinned so callers
-- cannot shadow the tables.
CREATE OR REPLACE FUNCTION event_wizard.connected_account_of_session(target_session uuid)
RETURNS jsonb
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT jsonb_build_object(
    'accountId', a.stripe_account_id,
    'chargesEnabled', a.charges_enabled,
    'detailsSubmitted', a.details_submitted,
    'requirements', CASE
      WHEN jsonb_typeof(a.requirements -> 'currently_due') = 'array' THEN a.requirements -> 'currently_due'
      ELSE '[]'::jsonb
    END
  )
  FROM event_wizard.wizard_sessions s
  JOIN event_wizard.payment_accounts a
    ON a.organization_id = s.organization_id
    OR (s.organization_id IS NULL AND a.user_id = s.user_id)
  WHERE s.id = target_session
    AND a.disconnected_at IS NULL
    AND (
      s.user_id = (SELECT auth.uid())
      OR (s.organization_id IS NOT NULL AND event_wizard.is_member(s.organization_id, NULL))
    )
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION event_wizard.connected_account_of_session(uuid) FROM PUBLIC;
--> statement-breakpoint
-- Only requests ask: the webhook and jobs (service role) read payment_accounts themselves.
GRANT EXECUTE ON FUNCTION event_wizard.connected_account_of_session(uuid) TO authenticated;
