/*
 * =======================================================
 * An orange or red drill or test needs the second person too (outside tester, 2026-12-05).
 *
 * The approval rule asked for a second issuer only for status Actual. An Exercise or a
 * Test is public as well (marked 【演习】/【测试】 in its title, counted on the home page,
 * pushed to those who take drills), so one person alone could put an orange flash-flood
 * banner on every resident's home page by calling it a drill. Now the rule is the level,
 * whatever the status a person gives it: orange and red wait for a second issuer or an
 * admin who is not the author. Blue and yellow drills (a volunteer drill's warning) are
 * issued at once as before; a Cancel never waits; an upstream platform's key and the
 * service role are not persons and are not held (the guard, unchanged).
 * =======================================================
 */
create or replace function app.warning_needs_approval(p_status public.cap_status, p_msg public.cap_msg_type, p_level public.warning_level)
returns boolean
language sql immutable
set search_path = ''
as $$
  select p_status in ('Actual', 'Exercise', 'Test') and p_msg <> 'Cancel' and p_level in ('orange', 'red')
$$;
comment on function app.warning_needs_approval(public.cap_status, public.cap_msg_type, public.warning_level) is
  'Whether a message waits for a second person before it goes out: orange and red, drills and tests included; never a Cancel.';
