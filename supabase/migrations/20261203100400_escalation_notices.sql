/**
 * Overdue reports tell somebody (issue 13, item 9).
 *
 * When the SLA clock escalates a report, the dispatchers on duty are texted once for
 * that escalation: the district desk (dispatchers of a department) for every report, a
 * township's dispatchers for reports of their own township. "On duty" is a staff
 * member's own setting with a phone for duty texts; the console shows a badge with the
 * overdue reports the caller sees. The messages go through the outbox (valid 12 hours),
 * so the SMS gateway sends them, or admins read them there without one.
 */
alter table public.staff
  add column duty_phone text check (duty_phone ~ '^1[3-9][0-9]{9}$'),
  add column on_duty boolean not null default false;
comment on column public.staff.duty_phone is 'Mobile number for duty texts (overdue reports); null = none.';
comment on column public.staff.on_duty is 'Whether this person gets duty texts now.';

-- Staff set their own duty phone and whether they are on duty; admins anyone's.
grant update (duty_phone, on_duty) on public.staff to authenticated;
create policy "staff set their own duty" on public.staff for update to authenticated
  using (user_id = auth.uid()) with check (user_id = auth.uid());

create or replace function app.staff_own_duty_guard() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if not app.is_admin() and auth.role() is distinct from 'service_role'
     and (to_jsonb(new) - array['duty_phone', 'on_duty', 'updated_at']) is distinct from (to_jsonb(old) - array['duty_phone', 'on_duty', 'updated_at']) then
    raise exception 'staff change only their own duty phone and duty status' using errcode = '42501';
  end if;
  return new;
end;
$$;
create trigger staff_own_duty_guard before update on public.staff
  for each row execute function app.staff_own_duty_guard();

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
