/*
 * =======================================================
 * Messaging: the SMS texts table says what it holds (issue 18, item 2), and its
 * recipients are typed; "staff on duty" is a resolver (issue 18, item 1).
 *
 * outbox_messages held texts only (its channel check allows 'sms' alone), while
 * "outbox" also named its renderer and the browser's offline report queue. It is
 * renamed sms_messages, with its indexes, checks, trigger, policy and state function;
 * the functions that write or delete its rows are replaced to use the new name, their
 * behaviour unchanged except where said.
 *
 * Each text now says who its recipient is, as delivery_queue does: a phone number
 * (a subscriber asking for a code), a volunteer, or a staff member (duty texts).
 * recipient keeps the number the text went to, which the console shows.
 * =======================================================
 */
alter table public.outbox_messages rename to sms_messages;
alter index public.outbox_messages_pkey rename to sms_messages_pkey;
alter index public.outbox_messages_created_idx rename to sms_messages_created_idx;
alter index public.outbox_messages_waiting_idx rename to sms_messages_waiting_idx;
alter table public.sms_messages rename constraint outbox_codes_not_kept to sms_codes_not_kept;
alter table public.sms_messages rename constraint outbox_messages_channel_check to sms_messages_channel_check;
alter table public.sms_messages rename constraint outbox_messages_recipient_check to sms_messages_recipient_check;
alter table public.sms_messages rename constraint outbox_messages_template_check to sms_messages_template_check;
alter table public.sms_messages rename constraint outbox_messages_warning_id_fkey to sms_messages_warning_id_fkey;
alter trigger outbox_validity on public.sms_messages rename to sms_message_validity;
alter function app.outbox_validity() rename to sms_message_validity;
-- The parameter's type followed the table; the grants follow the function.
alter function app.outbox_state(public.sms_messages) rename to sms_message_state;
alter policy "admins read the outbox" on public.sms_messages rename to "admins read the SMS texts";
comment on table public.sms_messages is 'SMS texts to one person each (codes, reminders, waiting-list promotions, duty texts, warning texts caught without a gateway): template key + parameters, never rendered text; admins read them in the console.';

alter table public.sms_messages
  add column recipient_kind public.recipient_kind not null default 'phone',
  add column recipient_id uuid,
  add constraint sms_messages_recipient_typed check ((recipient_kind = 'phone') = (recipient_id is null)),
  add constraint sms_messages_recipient_kind check (recipient_kind in ('phone', 'volunteer', 'staff'));
comment on column public.sms_messages.recipient_kind is 'Who the text is for: a phone number alone, a volunteer or a staff member (recipient_id).';
comment on column public.sms_messages.recipient_id is 'The volunteer''s or staff member''s user id; null for a number alone.';
comment on column public.sms_messages.recipient is 'The number the text goes to (a staff member''s duty phone, a volunteer''s phone when written).';

-- Waiting-list promotions written before this migration went to volunteers.
update public.sms_messages m set recipient_kind = 'volunteer', recipient_id = v.user_id
  from public.volunteers v where m.template = 'promoted' and v.phone = m.recipient;

/*
 * -------------------------------------------------------
 * Section: the staff on duty, as a resolver
 * -------------------------------------------------------
 */
/**
 * Who is on duty for a township's reports: active dispatchers who turned duty on and
 * left a duty phone, the desk (no township) and that township's own. One row per
 * number, so a phone shared by two accounts gets one text. The SLA clock's duty texts
 * go through it; a later staff notification reuses it.
 */
create or replace function app.staff_on_duty(p_town text)
returns table (user_id uuid, phone text)
language sql stable
set search_path = ''
as $$
  select distinct on (s.duty_phone) s.user_id, s.duty_phone
    from public.staff s
   where s.active and s.on_duty and s.duty_phone is not null and s.role = 'dispatcher'
     and (s.town_code is null or s.town_code is not distinct from p_town)
   order by s.duty_phone, s.user_id
$$;
revoke all on function app.staff_on_duty(text) from public, anon, authenticated;
grant execute on function app.staff_on_duty(text) to service_role;
comment on function app.staff_on_duty(text) is 'Resolver "staff on duty": dispatchers on duty for a township (the desk and the township''s own), one per duty phone.';

/** Texts the dispatchers on duty about one escalated report (the SLA clock calls it in its transaction). */
create or replace function app.report_escalation_notify(p_report bigint) returns integer
language plpgsql security definer
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
  insert into public.sms_messages (channel, recipient_kind, recipient_id, recipient, template, params, expires_at)
  select 'sms', 'staff', d.user_id, d.phone, 'report_overdue',
         jsonb_build_object('ticket', v_report.ticket, 'town_code', v_report.town_code,
           'stage', case when v_report.status = 'received' then 'dispatch' else 'answer' end),
         now() + interval '12 hours'
    from app.staff_on_duty(v_report.town_code) d;
  get diagnostics n = row_count;
  return n;
end;
$$;

/*
 * -------------------------------------------------------
 * Section: functions that write or delete texts, on the new name
 * -------------------------------------------------------
 */
create or replace function app.volunteer_cancel(p_registration uuid)
returns table (promoted uuid)
language plpgsql security definer
set search_path = ''
as $$
declare
  v_me uuid := auth.uid();
  v_reg public.volunteer_registrations;
  v_event public.volunteer_events;
  v_next public.volunteer_registrations;
  v_phone text;
begin
  select r.* into v_reg from public.volunteer_registrations r where r.id = p_registration;
  if not found or v_reg.volunteer_id is distinct from v_me then
    raise exception 'no such registration' using errcode = 'P0002', hint = 'not_found';
  end if;
  select * into v_event from public.volunteer_events e where e.id = v_reg.event_id for update;
  -- Re-read under the event lock: a concurrent cancel may have got here first.
  select r.* into v_reg from public.volunteer_registrations r where r.id = p_registration;
  if v_reg.status = 'cancelled' then
    return;
  end if;
  if v_event.starts_at <= now() then
    raise exception 'the event has started' using errcode = '22023', hint = 'started';
  end if;
  update public.volunteer_registrations r set status = 'cancelled', cancelled_at = now() where r.id = p_registration;
  if v_reg.status <> 'confirmed' then
    return;
  end if;
  select r.* into v_next from public.volunteer_registrations r
   where r.event_id = v_event.id and r.status = 'waitlisted'
   order by r.queued_at, r.id limit 1;
  if found then
    update public.volunteer_registrations r set status = 'confirmed', promoted_at = now() where r.id = v_next.id;
    select v.phone into v_phone from public.volunteers v where v.user_id = v_next.volunteer_id;
    insert into public.sms_messages (channel, recipient_kind, recipient_id, recipient, template, params)
    values ('sms', 'volunteer', v_next.volunteer_id, v_phone, 'promoted', jsonb_build_object(
      'event_id', v_event.id, 'title_zh', v_event.title_zh, 'title_en', v_event.title_en,
      'starts_at', v_event.starts_at, 'code', v_next.code));
    return query select v_next.id;
  elsif v_event.status = 'full' then
    update public.volunteer_events e set status = 'open' where e.id = v_event.id;
  end if;
end;
$$;

create or replace function app.volunteer_delete_me() returns void
language plpgsql security definer
set search_path = ''
as $$
declare
  v_me uuid := auth.uid();
  v_phone text;
  v_reg uuid;
begin
  select v.phone into v_phone from public.volunteers v where v.user_id = v_me;
  if not found then
    raise exception 'no volunteer account' using errcode = 'P0002', hint = 'not_found';
  end if;
  for v_reg in
    select r.id from public.volunteer_registrations r join public.volunteer_events e on e.id = r.event_id
     where r.volunteer_id = v_me and r.status <> 'cancelled' and e.starts_at > now()
  loop
    perform app.volunteer_cancel(v_reg);
  end loop;
  insert into public.volunteer_hours_kept (event_id, checked_in, hours)
    select r.event_id, true, r.hours from public.volunteer_registrations r
     where r.volunteer_id = v_me and r.checked_in_at is not null;
  delete from app_private.volunteer_codes c where c.phone = v_phone;
  delete from public.sms_messages m where m.recipient = v_phone or (m.recipient_kind = 'volunteer' and m.recipient_id = v_me);
  -- The profile, registrations and sessions follow by their foreign keys.
  delete from auth.users u where u.id = v_me;
end;
$$;

-- The kind it reports for texts is now 'sms_messages'.
create or replace function app.prune_personal_data()
returns table (kind text, removed integer)
language plpgsql security definer
set search_path = ''
as $$
declare
  n integer;
begin
  delete from public.sms_messages m where m.created_at < now() - interval '30 days';
  get diagnostics n = row_count;
  kind := 'sms_messages'; removed := n; return next;

  delete from app_private.volunteer_codes c where c.created_at < now() - interval '1 day';
  get diagnostics n = row_count;
  kind := 'volunteer_codes'; removed := n; return next;

  delete from app_private.sessions s where least(s.expires_at, coalesce(s.revoked_at, s.expires_at)) < now() - interval '30 days';
  get diagnostics n = row_count;
  kind := 'sessions'; removed := n; return next;

  delete from app_private.volunteer_sessions s where least(s.expires_at, coalesce(s.revoked_at, s.expires_at)) < now() - interval '30 days';
  get diagnostics n = row_count;
  kind := 'volunteer_sessions'; removed := n; return next;

  with old as (
    select r.id from public.reports r
     where r.texts_erased_at is null and r.status in ('closed', 'merged', 'hidden')
       and coalesce(r.closed_at, r.created_at) < now() - interval '1 year'
     limit 1000
     for update skip locked
  ), photos as (
    update public.report_photos p set bytes = null, redacted_at = now()
      from old where p.report_id = old.id and p.bytes is not null
    returning p.id
  )
  update public.reports r
     set description = '[erased]', address = null, texts_erased_at = now(),
         location = extensions.st_snaptogrid(r.location, 0.001)
    from old where r.id = old.id;
  get diagnostics n = row_count;
  kind := 'report_texts'; removed := n; return next;
end;
$$;
