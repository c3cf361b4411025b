/*
 * =======================================================
 * A report is dispatched to a unit that exists, or not at all (an outside tester's
 * finding: the console's dispatch with to=../../x was a success, the report
 * dispatched by the routing rule as if "by rule" had been chosen, and a rule that finds
 * no unit left it dispatched to nobody). The form's value is parsed in one place
 * (reports/workflow.ts, dispatchTarget); here a department must exist and be active, a
 * township must exist, and a dispatch always names a unit. Same body as
 * 20261205040100_direct_dispatch.sql otherwise.
 * =======================================================
 */

create or replace function public.report_dispatch(p_report bigint, p_department text default null, p_town text default null)
returns text
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  r public.reports := app.report_for_step(p_report, 'desk');
  v_dept text := p_department;
  v_town text := p_town;
  v_cat public.report_categories;
begin
  if r.status not in ('received', 'dispatched', 'accepted') then
    raise exception 'report % is %, not open', r.ticket, r.status using errcode = '55000';
  end if;
  if v_dept is not null and v_town is not null then
    raise exception 'dispatch to a department or a township, not both' using errcode = '22023';
  end if;
  if v_dept is not null and not exists (select 1 from public.departments d where d.code = v_dept and d.active) then
    raise exception 'unknown unit: no active department %', v_dept using errcode = '23503';
  end if;
  if v_town is not null and not exists (select 1 from public.towns t where t.code = v_town) then
    raise exception 'unknown unit: no township %', v_town using errcode = '23503';
  end if;
  if v_dept is null and v_town is null then
    select x.department_code, x.unit_town_code into v_dept, v_town from app.report_route(r.category, r.town_code) x;
  end if;
  if v_dept is null and v_town is null then
    raise exception 'unknown unit: the routing rules name no unit for report %', r.ticket using errcode = '23503';
  end if;
  select * into strict v_cat from public.report_categories c where c.code = r.category;
  update public.reports set status = 'dispatched', department_code = v_dept, unit_town_code = v_town,
         dispatched_at = now(), accepted_at = null, escalated_at = null, auto_dispatched_at = null,
         accept_due_at = now() + make_interval(hours => v_cat.accept_hours),
         due_at = now() + make_interval(hours => v_cat.feedback_hours)
   where id = r.id;
  perform app.report_log(r.id, 'dispatched', null, true, coalesce(v_dept, v_town));
  return coalesce(v_dept, v_town);
end;
$$;
