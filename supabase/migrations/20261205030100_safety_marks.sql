/*
 * =======================================================
 * "I am safe" / "I need help" (报平安, issue 17 item 4).
 * - A resident marks themselves safe (optionally where: home, shelter, relatives; and
 *   their phone, and whether a relative who knows the number may see it) or in need of
 *   help (the report is filed through the one filing verb; the mark points at it).
 * - Marks come from the web (the warning page, the assistant) or as a reply keyword to
 *   a warning SMS. A web phone is what the person typed; an SMS phone is the sender's
 *   number as the carrier gave it: staff and relatives are told which.
 * - Staff read the marks whose phone matches a household on a roll they keep (the
 *   roll's own policies decide), admins all; nobody writes or edits them directly.
 * - A relative's lookup: one security definer function, limited in the database (per
 *   client, per number, district-wide), answering the same "nothing shared" for an
 *   unknown number, an unshared mark and a call for help.
 * - Erased with the evacuation marks: 30 days after their warning ended (or after they
 *   were made, when made without a warning).
 * =======================================================
 */

/*
 * -------------------------------------------------------
 * Section: the rescue category (the enum value comes from 20261205030000)
 * -------------------------------------------------------
 */
insert into public.report_categories (code, urgency, dispatch_hours, accept_hours, feedback_hours, sort)
values ('rescue', 'danger', 1, 1, 1, 5)
on conflict (code) do nothing;

/*
 * -------------------------------------------------------
 * Section: phone numbers as keys
 * -------------------------------------------------------
 */
/** A mainland mobile number as 11 digits (spaces, dashes, +86 / 0086 dropped), or null. */
create or replace function app.phone_key(p text) returns text
language sql immutable
set search_path = ''
as $$
  select case when d ~ '^1[3-9][0-9]{9}$' then d end
    from (select regexp_replace(regexp_replace(coalesce(p, ''), '[^0-9]', '', 'g'), '^(0086|86)(1[0-9]{10})$', '\2') as d) x
$$;
comment on function app.phone_key(text) is 'A mainland mobile number normalised to 11 digits, or null: how marks are matched to the roll.';
revoke all on function app.phone_key(text) from public, anon;
grant execute on function app.phone_key(text) to authenticated, service_role;
create index evac_households_phone_key_idx on public.evac_households (app.phone_key(phone));

/*
 * -------------------------------------------------------
 * Section: marks
 * -------------------------------------------------------
 */
create type public.safety_status as enum ('safe', 'need_help');
comment on type public.safety_status is 'What a resident said: I am safe (我已安全) or I need help (需要帮助).';
create type public.safety_place as enum ('home', 'shelter', 'relatives');
comment on type public.safety_place is 'Where a resident who is safe says they are.';

create table public.safety_marks (
  id uuid primary key default gen_random_uuid(),
  idempotency_key uuid not null unique,
  warning_thread uuid,
  status public.safety_status not null,
  place public.safety_place,
  phone_key text check (phone_key ~ '^1[3-9][0-9]{9}$'),
  share boolean not null default false,
  channel text not null check (channel in ('web', 'sms')),
  report_id bigint references public.reports (id) on delete set null,
  created_at timestamptz not null default now(),
  constraint safety_marks_place check (place is null or status = 'safe'),
  constraint safety_marks_share check (not share or (phone_key is not null and status = 'safe'))
);
comment on table public.safety_marks is 'Residents'' own "I am safe" / "I need help" marks, per warning thread (null: said without a warning page). channel web: the phone is as typed; sms: the carrier''s sender number. share: the person agreed that someone who knows the number may see a safe mark.';
create index safety_marks_phone_idx on public.safety_marks (phone_key, created_at desc);
create index safety_marks_thread_idx on public.safety_marks (warning_thread);

alter table public.safety_marks enable row level security;
revoke all on public.safety_marks from anon, authenticated;
grant select on public.safety_marks to authenticated;
grant all on public.safety_marks to service_role;
-- The subquery runs under the roll's own policies: a household on a roll the caller keeps.
create policy "the roll's keepers read the marks of its phones" on public.safety_marks for select to authenticated
  using (app.is_admin() or (phone_key is not null and exists (
    select 1 from public.evac_households h where app.phone_key(h.phone) = safety_marks.phone_key)));

/**
 * A mark from the web (warning page, assistant). The same key twice is one mark. A call
 * for help names its report by the same idempotency key the report was filed with, so a
 * caller can only point at the report its own post created.
 */
create or replace function public.safety_mark(p_key uuid, p_thread uuid, p_status public.safety_status, p_place public.safety_place,
                                              p_phone text, p_share boolean)
returns boolean
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_phone text := app.phone_key(p_phone);
  n integer;
begin
  if p_key is null then raise exception 'key' using errcode = '22023'; end if;
  if nullif(trim(coalesce(p_phone, '')), '') is not null and v_phone is null then raise exception 'phone' using errcode = '22023'; end if;
  if p_thread is not null and not exists (select 1 from public.warnings w where w.thread_id = p_thread and w.state <> 'draft') then
    raise exception 'warning' using errcode = '22023';
  end if;
  if p_status = 'need_help' and (p_place is not null or p_share) then raise exception 'place' using errcode = '22023'; end if;
  if coalesce(p_share, false) and v_phone is null then raise exception 'share' using errcode = '22023'; end if;
  insert into public.safety_marks (idempotency_key, warning_thread, status, place, phone_key, share, channel, report_id)
  values (p_key, p_thread, p_status, p_place, v_phone, coalesce(p_share, false), 'web',
          case when p_status = 'need_help' then (select r.id from public.reports r where r.idempotency_key = p_key) end)
  on conflict (idempotency_key) do nothing;
  get diagnostics n = row_count;
  if n > 0 then perform pg_notify('evacuation', json_build_object('safety', true)::text); end if;
  return n > 0;
end;
$$;
comment on function public.safety_mark is 'Records a resident''s web mark; true when new, false when the key was seen. Refuses (22023) naming the field.';
revoke all on function public.safety_mark(uuid, uuid, public.safety_status, public.safety_place, text, boolean) from public;
grant execute on function public.safety_mark(uuid, uuid, public.safety_status, public.safety_place, text, boolean) to anon, authenticated, service_role;

/*
 * -------------------------------------------------------
 * Section: a relative's lookup
 * -------------------------------------------------------
 */
create table public.safety_lookups (
  client text not null,
  number text not null,
  at timestamptz not null default now()
);
comment on table public.safety_lookups is 'Recent relative lookups (the last hour) for their limits: client = the server''s hash of the address, number = md5 of the number looked up. No raw address, no raw number.';
create index safety_lookups_at_idx on public.safety_lookups (at);
alter table public.safety_lookups enable row level security;
revoke all on public.safety_lookups from anon, authenticated;
grant all on public.safety_lookups to service_role;

/**
 * What a relative who knows the number may see: the latest mark of the number, if it is
 * "safe" and the person agreed to share it. Anything else — no such number, no mark,
 * not shared, a call for help, a newer call for help — is the same answer: 'none'.
 * Limits (an enumeration target): 5 lookups an hour per client, 10 an hour per number,
 * 600 an hour across the district; over any of them the answer is 'limited' with the
 * seconds to wait, before anything is read.
 */
create or replace function public.safety_lookup(p_phone text, p_client text)
returns table (answer text, marked_at timestamptz, place public.safety_place, channel text, retry_after integer)
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_phone text := app.phone_key(p_phone);
  v_client text := left(coalesce(nullif(p_client, ''), 'unknown'), 128);
  v_number text := md5(coalesce(v_phone, left(coalesce(p_phone, ''), 40)));
  v_oldest timestamptz;
  m public.safety_marks;
begin
  -- One lookup at a time district-wide: the counts are exact, and it is a cheap query.
  perform pg_advisory_xact_lock(hashtext('public.safety_lookup'));
  delete from public.safety_lookups where at < now() - interval '1 hour';
  select max(l.at) into v_oldest from (
    (select at from public.safety_lookups where client = v_client order by at desc offset 4 limit 1)
    union all (select at from public.safety_lookups where number = v_number order by at desc offset 9 limit 1)
    union all (select at from public.safety_lookups order by at desc offset 599 limit 1)) l;
  if v_oldest is not null then
    answer := 'limited';
    retry_after := greatest(1, ceil(extract(epoch from v_oldest + interval '1 hour' - now()))::integer);
    return next;
    return;
  end if;
  insert into public.safety_lookups (client, number) values (v_client, v_number);
  answer := 'none';
  if v_phone is not null then
    select s.* into m from public.safety_marks s where s.phone_key = v_phone order by s.created_at desc, s.id desc limit 1;
    if m.id is not null and m.status = 'safe' and m.share then
      answer := 'safe'; marked_at := m.created_at; place := m.place; channel := m.channel;
    end if;
  end if;
  return next;
end;
$$;
comment on function public.safety_lookup is 'A relative''s lookup by phone: safe (shared) or none, never whether the number is known; limited per client, per number and district-wide.';
revoke all on function public.safety_lookup(text, text) from public;
grant execute on function public.safety_lookup(text, text) to anon, authenticated, service_role;

/*
 * -------------------------------------------------------
 * Section: retention — erased with the evacuation marks
 * -------------------------------------------------------
 */
create or replace function app.prune_evacuation_marks()
returns table (kind text, removed integer)
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  n integer;
  v_ended uuid[];
begin
  v_ended := array(
    select w.thread_id
      from public.warnings w
     where w.state <> 'draft'
     group by w.thread_id
    having not bool_or(app.warning_in_force(w))
       and max(coalesce(w.ended_at, case when w.msg_type = 'Cancel' then coalesce(w.sent, w.created_at) else w.expires end))
           < now() - interval '30 days');
  delete from public.evac_marks m where m.warning_thread = any(v_ended);
  get diagnostics n = row_count;
  kind := 'evacuation_marks'; removed := n; return next;
  delete from public.safety_marks s
   where s.warning_thread = any(v_ended)
      or (s.warning_thread is null and s.created_at < now() - interval '30 days');
  get diagnostics n = row_count;
  kind := 'safety_marks'; removed := n; return next;
  delete from public.safety_lookups where at < now() - interval '1 hour';
end;
$$;
comment on function app.prune_evacuation_marks() is 'Retention: deletes evacuation marks and residents'' safety marks 30 days after their warning ended (safety marks without a warning: 30 days after made); service_role only.';
revoke all on function app.prune_evacuation_marks() from public, anon, authenticated;
grant execute on function app.prune_evacuation_marks() to service_role;
