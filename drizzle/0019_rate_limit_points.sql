-- The rate limiter's three operations as functions the app's login role calls directly, each one
-- statement outside any transaction: taking a point used to be a transaction of four round trips
-- (begin, the service role's settings, the upsert, commit) in front of every request it guards.
-- SECURITY DEFINER with an empty search_path, as the other server functions; the login role may run
-- them because it already may act as the service role that owns the counters, and nothing else may.
-- Naming them needs the schema: USAGE only, which grants no table (still none of the request roles'
-- privileges without switching to one).
GRANT USAGE ON SCHEMA event_wizard TO event_wizard_app;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION event_wizard.take_rate_limit_points(counter_key text, amount integer, duration_ms integer, force_expire boolean)
RETURNS TABLE (points integer, ms_before_next integer)
LANGUAGE sql
SECURITY DEFINER
SET search_path = ''
AS $$
  INSERT INTO event_wizard.rate_limits AS r (key, points, expire)
  VALUES (counter_key, amount,
          CASE WHEN duration_ms > 0 THEN now() + duration_ms * interval '1 millisecond' END)
  ON CONFLICT (key) DO UPDATE SET
    -- An expired counter starts again from these points; a live one adds them and keeps its window.
    points = CASE WHEN force_expire OR r.expire <= now() THEN excluded.points ELSE r.points + excluded.points END,
    expire = CASE WHEN force_expire OR r.expire <= now() THEN excluded.expire ELSE r.expire END
  RETURNING r.points,
    CASE WHEN r.expire IS NULL THEN -1 ELSE greatest(0, ceil(extract(epoch FROM r.expire - now()) * 1000))::integer END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION event_wizard.read_rate_limit_points(counter_key text)
RETURNS TABLE (points integer, ms_before_next integer)
LANGUAGE sql
SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT r.points,
    CASE WHEN r.expire IS NULL THEN -1 ELSE greatest(0, ceil(extract(epoch FROM r.expire - now()) * 1000))::integer END
  FROM event_wizard.rate_limits r
  WHERE r.key = counter_key AND (r.expire IS NULL OR r.expire > now());
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION event_wizard.clear_rate_limit_points(counter_key text)
RETURNS boolean
LANGUAGE sql
SECURITY DEFINER
SET search_path = ''
AS $$
  WITH deleted AS (DELETE FROM event_wizard.rate_limits r WHERE r.key = counter_key RETURNING 1)
  SELECT count(*) > 0 FROM deleted;
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION event_wizard.take_rate_limit_points(text, integer, integer, boolean) FROM PUBLIC;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION event_wizard.read_rate_limit_points(text) FROM PUBLIC;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION event_wizard.clear_rate_limit_points(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION event_wizard.take_rate_limit_points(text, integer, integer, boolean) TO event_wizard_app, service_role;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION event_wizard.read_rate_limit_points(text) TO event_wizard_app, service_role;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION event_wizard.clear_rate_limit_points(text) TO event_wizard_app, service_role;
