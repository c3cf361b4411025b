/**
 * Overdue reports tell somebody (issue 13, item 9).
 *
 * When the SLA clock escalates a report, the dispatchers on duty are texted once for
 * that escalation: the district desk (dispatchers of a department) for every report, a
 * township's dispatchers for reports of their own township. "On duty" is a staff
 * member's own setting (public.staff_set_duty) with a phone for duty texts; the console shows a badge with the
 * overdue reports the caller sees. The messages go through the outbox (valid 12 hours),
 * so the SMS gateway sends them, or admins read them there without one.
 */
alter table public.staff
  add column duty_phone text check (duty_phone ~ '^1[3-9][0-9]{9}$'),
  add column on_duty boolean not null default false;
comment on column public.staff.duty_phone is 'Mobile number for duty texts (overdue reports); null = none.';
comment on column public.staff.on_duty is 'Whether this person gets duty texts now.';

-- Staff set their own duty phone and whether they are on duty through this function (no
-- update policy on their own row: the rest of it is the admins').
create or replace function public.staff_set_duty(p_phone text, p_on_duty boolean) returns void
language plpgsql volatile security definer
set search_path = ''
as $$
begin
  update public.staff s set duty_phone = p_phone, on_duty = p_on_duty
   where s.user_id = auth.uid() and s.active;
  if not found then
    raise exception 'only staff have duty settings' using errcode = '42501';
  end if;
end;
$$;
revoke all on function public.staff_set_duty(text, boolean) from public, anon;
grant execute on function public.staff_set_duty(text, boolean) to authenticated, service_role;

/**
 * Texts the dispatchers on duty about one escalated report (the SLA clock calls it in
 * the transaction that escalates, so once per escalation). Returns how many were texted.
 */
create or replace function app.report_escalation_notify(p_report bigint) returns integer
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_report public.reports;
  n integer;
begin
  select * into v_report from public.reports r where r.id = p_report;
  if not found then
    return 0;
  end if;
  insert into public.outbox_messages (channel, recipient, template, params, expires_at)
  select distinct on (s.duty_phone) 'sms', s.duty_phone, 'report_overdue',
         jsonb_build_object('ticket', v_report.ticket, 'town_code', v_report.town_code,
           'stage', case when v_report.status = 'received' then 'dispatch' else 'answer' end),
         now() + interval '12 hours'
    from public.staff s
   where s.active and s.on_duty and s.duty_phone is not null and s.role = 'dispatcher'
     and (s.town_code is null or s.town_code = v_report.town_code)
   order by s.duty_phone;
  get diagnostics n = row_count;
  return n;
end;
$$;
revoke all on function app.report_escalation_notify(bigint) from public;
grant execute on function app.report_escalation_notify(bigint) to service_role;
