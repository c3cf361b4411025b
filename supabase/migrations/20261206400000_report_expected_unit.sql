/*
 * =======================================================
 * Who will handle a report, before the desk dispatches it (an outside tester's finding:
 * the tracking page said nothing until dispatch). The routing rule already knows
 * (app.report_route): a category's department — only an active one, as direct dispatch
 * requires — else the report's township (属地). The page shows it marked "expected": the
 * desk may choose otherwise. Only while the report waits for its first dispatch: once a
 * unit has returned it, the desk decides afresh and nothing is promised. It gives a unit
 * code and nothing else, to any holder of the report's tracking token (reporter or
 * supporter): which unit handles a category in a township is the district's public rule,
 * not something about the report or the people in it.
 * =======================================================
 */

create or replace function public.report_track_expected(p_token text)
returns table (department_code text, unit_town_code text)
language sql stable security definer
set search_path = ''
as $$
  select x.department_code, x.unit_town_code
    from public.reports r
    cross join lateral app.report_route(r.category, r.town_code) x
   where r.id = app.report_by_token(p_token)
     and r.status = 'received'
     and not exists (select 1 from public.report_events e where e.report_id = r.id and e.kind = 'returned')
     and (x.department_code is null or exists (select 1 from public.departments d where d.code = x.department_code and d.active))
$$;
comment on function public.report_track_expected(text) is
  'The unit a report waiting for its first dispatch is expected to go to (the category''s rule, else the township), by its tracking token.';
revoke all on function public.report_track_expected(text) from public;
grant execute on function public.report_track_expected(text) to anon, authenticated, service_role;
