/*
 * =======================================================
 * Messaging: one queue (issue 18, item 1).
 *
 * Warning recipients were rows of delivery_queue, report updates rows of report_pushes
 * (with lease columns of their own) and SMS texts rows of sms_messages (delivered_at,
 * expired_at, no lease). They become rows of the one queue, delivery_queue, claimed with
 * a lease and recorded by the same claim/record (src/lib/server/messaging/queue.ts):
 *
 * - a warning message to a matched recipient: warning_id set, template null (the warning
 *   is the content; its validity is the fan-out's deadline in deliveries);
 * - any other message: a template key + parameters (template, params), never rendered
 *   text, with its own validity (expires_at); warning_id only for a warning text kept
 *   without a gateway (valid while that warning is in force).
 *
 * The key changes from (warning_id, recipient_kind, recipient_id) to an id, because a
 * report update or a text is not keyed by a warning; the three columns keep a unique
 * constraint, so the fan-out's resolvers (`on conflict do nothing`) and every reader of
 * a warning's recipients are unchanged. NULLs are distinct: messages without a warning,
 * and numbers without an id, never conflict.
 *
 * The fan-out's hot path (bulk insert of matched rows, claim order, the deliveries
 * deadline) is unchanged but for the id: the new indexes are partial on
 * `template is not null`, so a warning recipient's insert maintains none of them, and
 * the validity trigger runs only for templated rows (its WHEN clause).
 * =======================================================
 */

alter table public.delivery_queue drop constraint delivery_queue_pkey;
alter table public.delivery_queue
  add column id bigint generated always as identity,
  add column template text,
  add column params jsonb,
  -- the number a text goes to (a staff member's duty phone, a volunteer's phone when written)
  add column address text,
  add column expires_at timestamptz,
  add column demo boolean not null default false,
  add column created_at timestamptz not null default now(),
  alter column warning_id drop not null,
  alter column recipient_id drop not null;
alter table public.delivery_queue add primary key (id);
alter table public.delivery_queue
  add constraint delivery_queue_recipient_key unique (warning_id, recipient_kind, recipient_id),
  add constraint delivery_queue_message check (template is not null or warning_id is not null),
  add constraint delivery_queue_template check (template ~ '^[a-z][a-z0-9_]{1,60}$'),
  add constraint delivery_queue_templated check ((template is null) = (params is null) and (template is null) = (expires_at is null)),
  add constraint delivery_queue_recipient_typed check ((recipient_kind = 'phone') = (recipient_id is null)),
  add constraint delivery_queue_address check (length(address) between 3 and 200),
  -- a one-time code is never kept in clear, except in the embedded demo (see sms/codes.ts)
  add constraint sms_codes_not_kept check (template not in ('sign_in_code', 'subscription_code') or not (params ? 'code') or demo);

comment on table public.delivery_queue is 'The one queue of outbound messages, one row per message and recipient: a warning message to a matched recipient (warning_id, no template), or a template key + parameters (report updates, SMS texts). Queued, sent, failed, expired or gone; claimed with a lease.';
comment on column public.delivery_queue.id is 'The message''s key (claim and record use it).';
comment on column public.delivery_queue.warning_id is 'The warning message sent (template null), or the warning a kept warning text is about (valid only while it is in force); null for other messages.';
comment on column public.delivery_queue.recipient_id is 'The recipient, by kind; null for a bare number (kind phone). Not a foreign key: a subscription deleted after a 404/410 keeps its count.';
comment on column public.delivery_queue.template is 'i18n key of a message that is not a warning (sms_texts.templates.* or report_update); null for a warning message.';
comment on column public.delivery_queue.params is 'The template''s parameters; never a rendered text, never a one-time code (check sms_codes_not_kept).';
comment on column public.delivery_queue.address is 'The number a text goes to, when it is not read from the recipient at sending time.';
comment on column public.delivery_queue.expires_at is 'Validity of a templated message: never sent after this (codes 10 min, event messages until the event starts, report updates and other texts a day). Warning messages use deliveries.deadline.';
comment on column public.delivery_queue.demo is 'Kept for the demo (embedded default with demo data): may show a one-time code, marked as demo.';

-- Reading messages that are not warning recipients: the console, retention, deleting a
-- person's messages, expiring stale ones. Partial, so the fan-out never maintains them.
create index delivery_queue_messages_idx on public.delivery_queue (created_at) where template is not null;
create index delivery_queue_messages_recipient_idx on public.delivery_queue (recipient_id) where template is not null;
create index delivery_queue_messages_waiting_idx on public.delivery_queue (id) where template is not null and state = 'queued';

/** A templated message's validity: a day unless said, and never after the event it is about starts. */
create or replace function app.message_validity() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.expires_at := coalesce(new.expires_at, now() + interval '1 day');
  if new.params ? 'starts_at' and jsonb_typeof(new.params -> 'starts_at') = 'string' then
    new.expires_at := least(new.expires_at, (new.params ->> 'starts_at')::timestamptz);
  end if;
  return new;
end;
$$;
create trigger message_validity before insert on public.delivery_queue
  for each row when (new.template is not null) execute function app.message_validity();

/**
 * What became of a message, for the console: 'sent', 'failed', 'expired' (past its
 * validity, or its warning is no longer in force) or 'waiting'. The sender skips what is
 * not 'waiting' (the claim returns it; the upkeep marks it expired).
 */
create or replace function app.message_state(m public.delivery_queue) returns text
language sql stable security definer
set search_path = ''
as $$
  select case
    when m.state = 'sent' then 'sent'
    when m.state in ('failed', 'gone') then 'failed'
    when m.state = 'expired' or m.expires_at <= now() then 'expired'
    when m.template is not null and m.warning_id is not null and not exists (
      select from public.warnings w
       where w.id = m.warning_id and w.state = 'issued' and w.expires > now()) then 'expired'
    else 'waiting'
  end
$$;
revoke all on function app.message_state(public.delivery_queue) from public;
grant execute on function app.message_state(public.delivery_queue) to authenticated, service_role;

/*
 * -------------------------------------------------------
 * Section: the rows of the two old tables move
 * -------------------------------------------------------
 */
insert into public.delivery_queue (recipient_kind, recipient_id, channel, template, params, expires_at,
    state, attempts, next_at, lease_until, created_at)
select 'subscription', p.subscription_id, 'push', 'report_update',
       jsonb_build_object('report', p.report_id, 'ticket', r.ticket, 'event', p.event_kind, 'status', r.status),
       p.created_at + interval '1 day', p.state, p.attempts, p.next_at, p.lease_until, p.created_at
  from public.report_pushes p join public.reports r on r.id = p.report_id
 order by p.id;

insert into public.delivery_queue (warning_id, recipient_kind, recipient_id, channel, template, params, address,
    expires_at, demo, state, sent_at, created_at)
select m.warning_id, m.recipient_kind, m.recipient_id, 'sms', m.template, m.params, m.recipient,
       m.expires_at, m.demo,
       case when m.delivered_at is not null then 'sent' when m.expired_at is not null then 'expired' else 'queued' end::public.delivery_state,
       m.delivered_at, m.created_at
  from public.sms_messages m
 order by m.id;

/*
 * -------------------------------------------------------
 * Section: who may read the queue
 * Warning issuers read the states of warning messages (their counts); SMS texts and
 * report updates (numbers, who follows which report) are read by admins alone.
 * -------------------------------------------------------
 */
drop policy "issuers and admins read delivery states" on public.delivery_queue;
create policy "issuers read warning deliveries, admins every message" on public.delivery_queue for select to authenticated
  using (app.caller_role() = 'admin' or (template is null and app.caller_role() = 'warning_issuer'));

/*
 * -------------------------------------------------------
 * Section: report updates
 * A public step of a followed report queues one push per watching subscription, with
 * the ticket and the status it reached. They go with the follow: unfollowing, deleting
 * the subscription or the report (report_watchers cascades from both) deletes them.
 * -------------------------------------------------------
 */
alter function app.report_pushes_queue() rename to report_updates_queue;
create or replace function app.report_updates_queue() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if new.public and new.kind in ('dispatched', 'accepted', 'note', 'closed', 'reopened', 'merged') then
    insert into public.delivery_queue (recipient_kind, recipient_id, channel, template, params)
      select 'subscription', w.subscription_id, 'push', 'report_update',
             jsonb_build_object('report', r.id, 'ticket', r.ticket, 'event', new.kind, 'status', r.status)
        from public.report_watchers w join public.reports r on r.id = w.report_id
       where w.report_id = new.report_id;
    if found then perform pg_notify('deliveries', 'reports'); end if;
  end if;
  return null;
end;
$$;

create or replace function app.report_updates_unwatched() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  delete from public.delivery_queue q using gone g
   where q.template = 'report_update' and q.recipient_kind = 'subscription'
     and q.recipient_id = g.subscription_id and (q.params ->> 'report')::bigint = g.report_id;
  return null;
end;
$$;
create trigger report_updates_unwatched after delete on public.report_watchers
  referencing old table as gone
  for each statement execute function app.report_updates_unwatched();

/*
 * -------------------------------------------------------
 * Section: functions that write or delete texts, on the one queue
 * Behaviour unchanged; texts are rows of channel sms with a template.
 * -------------------------------------------------------
 */
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
  insert into public.delivery_queue (channel, recipient_kind, recipient_id, address, template, params, expires_at)
  select 'sms', 'staff', d.user_id, d.phone, 'report_overdue',
         jsonb_build_object('ticket', v_report.ticket, 'town_code', v_report.town_code,
           'stage', case when v_report.status = 'received' then 'dispatch' else 'answer' end),
         now() + interval '12 hours'
    from app.staff_on_duty(v_report.town_code) d;
  get diagnostics n = row_count;
  return n;
end;
$$;

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
    insert into public.delivery_queue (channel, recipient_kind, recipient_id, address, template, params)
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
  -- Texts to the number or to the volunteer (a drill's warning rows keep their count, as before).
  delete from public.delivery_queue m
   where m.template is not null and (m.address = v_phone or (m.recipient_kind = 'volunteer' and m.recipient_id = v_me));
  -- The profile, registrations and sessions follow by their foreign keys.
  delete from auth.users u where u.id = v_me;
end;
$$;

-- The kind it reports for texts and report updates is now 'messages'.
create or replace function app.prune_personal_data()
returns table (kind text, removed integer)
language plpgsql security definer
set search_path = ''
as $$
declare
  n integer;
begin
  delete from public.delivery_queue m where m.template is not null and m.created_at < now() - interval '30 days';
  get diagnostics n = row_count;
  kind := 'messages'; removed := n; return next;

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

/*
 * -------------------------------------------------------
 * Section: readers of a warning's recipients count warning messages only
 * -------------------------------------------------------
 */
/** Per channel of a warning message: matched, queued, sent, failed, expired, gone, delivered, shown, skipped. */
create or replace function app.delivery_stats(p_warning uuid)
returns table (channel public.delivery_channel, matched bigint, queued bigint, sent bigint, failed bigint,
  expired bigint, gone bigint, delivered bigint, shown bigint, skipped bigint)
language sql stable security definer
set search_path = ''
as $$
  select c.channel,
         count(q.*), count(*) filter (where q.state = 'queued'), count(*) filter (where q.state = 'sent'),
         count(*) filter (where q.state = 'failed'), count(*) filter (where q.state = 'expired'),
         count(*) filter (where q.state = 'gone'), count(q.delivered_at), count(q.shown_at), count(q.skipped_at)
    from unnest(enum_range(null::public.delivery_channel)) c (channel)
    -- a warning text kept without a gateway is a second row about the same message: not counted
    left join public.delivery_queue q on q.warning_id = p_warning and q.channel = c.channel and q.template is null
   where auth.role() is not distinct from 'service_role' or app.caller_role() in ('warning_issuer', 'admin')
   group by c.channel
$$;

/** Everything stored about a subscription, for its owner. */
create or replace function app.subscription_read(p_id uuid, p_secret_hash text)
returns jsonb
language sql stable security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'id', s.id, 'channel', s.channel, 'endpoint', s.endpoint, 'phone', s.phone, 'confirmed', s.confirmed,
    'lang', s.lang, 'hazards', to_jsonb(s.hazards), 'minLevel', s.min_level, 'exercises', s.exercises,
    'until', s.until, 'createdAt', s.created_at,
    'places', coalesce((select jsonb_agg(jsonb_build_object(
        'label', p.label, 'village', p.village_code, 'town', p.town_code,
        'lat', extensions.st_y(p.geom), 'lon', extensions.st_x(p.geom)) order by p.id)
      from public.subscription_places p where p.subscription_id = s.id), '[]'::jsonb),
    -- warnings received; report updates are not warnings
    'received', (select count(*) from public.delivery_queue q
                  where q.recipient_kind = 'subscription' and q.recipient_id = s.id and q.state = 'sent' and q.template is null),
    'reports', coalesce((select jsonb_agg(r.ticket order by r.id) from public.report_watchers w
      join public.reports r on r.id = w.report_id where w.subscription_id = s.id), '[]'::jsonb))
  from public.subscriptions s
  where s.id = p_id and s.secret_hash = p_secret_hash
$$;

/*
 * -------------------------------------------------------
 * Section: the old tables go
 * -------------------------------------------------------
 */
drop function app.sms_message_state(public.sms_messages);
drop table public.sms_messages;
drop function app.sms_message_validity();
drop table public.report_pushes;
