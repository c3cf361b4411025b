/**
 * Safe Miyun — volunteers: drills and training, sign-up with waitlist, reminders,
 * check-in and hours, teams per township; and the message outbox.
 *
 * Who organises an event: admins, staff of the event's township, and staff of the
 * organising department. Volunteers are auth.users rows (as Supabase phone sign-in
 * makes them) with a profile in public.volunteers; they are not staff.
 * Writes that must hold under concurrency (sign-up, cancel, waitlist promotion) are
 * security definer functions that lock the event row FOR UPDATE.
 */

/*
 * -------------------------------------------------------
 * Section: outbox
 * Messages to people (one-time codes, waitlist promotion, reminders). With no SMS
 * provider configured they stay here and admins read them in the console, like
 * Supabase's local mail catcher. The text is rendered from `template` + `params`
 * in the reader's language, so no wording lives in SQL.
 * -------------------------------------------------------
 */
create table public.outbox_messages (
  id bigint generated always as identity primary key,
  channel text not null check (channel in ('sms')),
  recipient text not null check (length(recipient) between 3 and 200),
  template text not null check (template ~ '^[a-z][a-z0-9_]{1,60}$'),
  params jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  delivered_at timestamptz
);
comment on table public.outbox_messages is 'Messages waiting for (or caught instead of) a delivery channel; admins read them in the console.';
create index outbox_messages_created_idx on public.outbox_messages (created_at desc);

alter table public.outbox_messages enable row level security;
revoke all on public.outbox_messages from anon, authenticated;
grant select on public.outbox_messages to authenticated;
create policy "admins read the outbox" on public.outbox_messages for select to authenticated using (app.is_admin());

/*
 * -------------------------------------------------------
 * Section: volunteers and teams
 * -------------------------------------------------------
 */
create table public.volunteers (
  user_id uuid primary key references auth.users (id) on delete cascade,
  phone text not null unique check (phone ~ '^1[3-9][0-9]{9}$'),
  name text check (length(name) between 1 and 60),
  town_code text references public.towns (code),
  skills text check (length(skills) <= 500),
  certificates text check (length(certificates) <= 500),
  emergency_name text check (length(emergency_name) <= 60),
  emergency_phone text check (emergency_phone ~ '^[0-9+() -]{3,30}$'),
  team_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.volunteers is 'Volunteer profiles; the phone (confirmed by a one-time code) is seen only by the volunteer and organisers.';
create index volunteers_town_idx on public.volunteers (town_code);
create trigger volunteers_touch before update on public.volunteers
  for each row execute function app.touch_updated_at();

create table public.volunteer_teams (
  id uuid primary key default gen_random_uuid(),
  town_code text not null references public.towns (code),
  name text not null check (length(name) between 1 and 80),
  leader_id uuid references public.volunteers (user_id) on delete set null,
  created_at timestamptz not null default now(),
  unique (town_code, name)
);
comment on table public.volunteer_teams is 'Emergency volunteer teams (at least two per township is the goal), each with a leader.';
alter table public.volunteers add constraint volunteers_team_fk
  foreign key (team_id) references public.volunteer_teams (id) on delete set null;

/*
 * -------------------------------------------------------
 * Section: events and registrations
 * -------------------------------------------------------
 */
create type public.volunteer_event_kind as enum ('drill', 'training', 'observation');
create type public.volunteer_event_status as enum ('draft', 'open', 'full', 'cancelled', 'done');
create type public.registration_status as enum ('confirmed', 'waitlisted', 'cancelled');

create table public.volunteer_events (
  id uuid primary key default gen_random_uuid(),
  kind public.volunteer_event_kind not null,
  topic text not null check (topic ~ '^[a-z][a-z_]{1,40}$'),
  title_zh text not null check (length(title_zh) between 1 and 120),
  title_en text not null check (length(title_en) between 1 and 200),
  description_zh text not null default '' check (length(description_zh) <= 4000),
  description_en text not null default '' check (length(description_en) <= 8000),
  town_code text not null references public.towns (code),
  place text not null check (length(place) between 1 and 200),
  location extensions.geometry(Point, 4326),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  capacity integer not null check (capacity between 1 and 10000),
  signup_deadline timestamptz not null,
  min_age integer check (min_age between 0 and 100),
  requirements_zh text not null default '' check (length(requirements_zh) <= 1000),
  requirements_en text not null default '' check (length(requirements_en) <= 2000),
  organiser_department text references public.departments (code),
  status public.volunteer_event_status not null default 'draft',
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint volunteer_events_times check (ends_at > starts_at and signup_deadline <= starts_at)
);
comment on table public.volunteer_events is 'Drills (演练), training (培训) and public-observation drills (公众观摩); public once out of draft.';
create index volunteer_events_starts_idx on public.volunteer_events (starts_at);
create index volunteer_events_town_idx on public.volunteer_events (town_code);
create trigger volunteer_events_touch before update on public.volunteer_events
  for each row execute function app.touch_updated_at();

create table public.volunteer_registrations (
  id uuid primary key default gen_random_uuid(),
  event_id uuid not null references public.volunteer_events (id) on delete cascade,
  volunteer_id uuid not null references public.volunteers (user_id) on delete cascade,
  status public.registration_status not null,
  -- Short check-in code: 8 characters from a 32-letter alphabet (40 bits), random.
  code text not null check (code ~ '^[2-9A-HJ-NP-Z]{8}$'),
  created_at timestamptz not null default now(),
  -- Waitlist order: when the person joined the waitlist (or the seat was taken).
  queued_at timestamptz not null default clock_timestamp(),
  cancelled_at timestamptz,
  promoted_at timestamptz,
  checked_in_at timestamptz,
  checked_out_at timestamptz,
  hours numeric(5, 2) check (hours >= 0),
  checked_in_by uuid references auth.users (id) on delete set null,
  reminded_24h_at timestamptz,
  reminded_2h_at timestamptz,
  unique (event_id, code),
  constraint registrations_checkout_after_checkin check (checked_out_at is null or checked_in_at is not null)
);
comment on table public.volunteer_registrations is 'Sign-ups for events: confirmed, waitlisted or cancelled; check-in/out and hours served.';
-- Double sign-ups are refused: one live registration per person per event.
create unique index volunteer_registrations_live_idx on public.volunteer_registrations (event_id, volunteer_id)
  where status <> 'cancelled';
create index volunteer_registrations_volunteer_idx on public.volunteer_registrations (volunteer_id);
create index volunteer_registrations_waitlist_idx on public.volunteer_registrations (event_id, queued_at)
  where status = 'waitlisted';

/*
 * -------------------------------------------------------
 * Section: helpers for policies
 * -------------------------------------------------------
 */
/** Does the caller organise events of this township / department? */
create or replace function app.organises(p_town text, p_department text) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select coalesce((
    select s.role = 'admin' or s.town_code = p_town or (p_department is not null and s.department_code = p_department)
      from public.staff s where s.user_id = auth.uid() and s.active), false)
$$;

create or replace function app.organises_event(p_event uuid) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select coalesce((select app.organises(e.town_code, e.organiser_department)
                     from public.volunteer_events e where e.id = p_event), false)
$$;

/** Organisers see a volunteer's profile when the person is of their township or signed up for their event. */
create or replace function app.organises_volunteer(p_volunteer uuid) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select app.is_admin()
      or exists (select from public.volunteers v where v.user_id = p_volunteer and v.town_code = app.staff_town())
      or exists (select from public.volunteer_registrations r
                  join public.volunteer_events e on e.id = r.event_id
                 where r.volunteer_id = p_volunteer and app.organises(e.town_code, e.organiser_department))
$$;

revoke all on function app.organises(text, text), app.organises_event(uuid), app.organises_volunteer(uuid) from public;
grant execute on function app.organises(text, text), app.organises_event(uuid), app.organises_volunteer(uuid)
  to anon, authenticated, service_role;

/*
 * -------------------------------------------------------
 * Section: row level security
 * Events are public once out of draft. A volunteer's profile and registrations are
 * theirs and their organisers'; other staff and anonymous callers see none of them.
 * -------------------------------------------------------
 */
alter table public.volunteers enable row level security;
alter table public.volunteer_teams enable row level security;
alter table public.volunteer_events enable row level security;
alter table public.volunteer_registrations enable row level security;

revoke all on public.volunteers, public.volunteer_registrations from anon;
revoke insert, delete on public.volunteers from authenticated;
create policy "volunteers and their organisers see the profile" on public.volunteers for select to authenticated
  using (user_id = auth.uid() or app.organises_volunteer(user_id));
-- The phone is the sign-in identity: changed only through a new confirmed sign-in.
revoke update on public.volunteers from authenticated;
grant update (name, town_code, skills, certificates, emergency_name, emergency_phone) on public.volunteers to authenticated;
create policy "volunteers edit their own profile" on public.volunteers for update to authenticated
  using (user_id = auth.uid()) with check (user_id = auth.uid());
-- Team membership is set by organisers (column team_id), see the function below.

revoke insert, update, delete, truncate on public.volunteer_teams, public.volunteer_events from anon;
create policy "teams are public" on public.volunteer_teams for select to anon, authenticated using (true);
create policy "organisers add teams" on public.volunteer_teams for insert to authenticated
  with check (app.organises(town_code, null));
create policy "organisers edit teams" on public.volunteer_teams for update to authenticated
  using (app.organises(town_code, null)) with check (app.organises(town_code, null));
create policy "organisers remove teams" on public.volunteer_teams for delete to authenticated
  using (app.organises(town_code, null));

create policy "events are public once published" on public.volunteer_events for select to anon, authenticated
  using (status <> 'draft' or app.organises(town_code, organiser_department));
create policy "organisers add events" on public.volunteer_events for insert to authenticated
  with check (app.organises(town_code, organiser_department));
create policy "organisers edit events" on public.volunteer_events for update to authenticated
  using (app.organises(town_code, organiser_department)) with check (app.organises(town_code, organiser_department));

-- Registrations change only through the functions below, except check-in/out by organisers.
revoke insert, update, delete on public.volunteer_registrations from authenticated;
grant update (checked_in_at, checked_out_at, hours, checked_in_by) on public.volunteer_registrations to authenticated;
create policy "volunteers and organisers see registrations" on public.volunteer_registrations for select to authenticated
  using (volunteer_id = auth.uid() or app.organises_event(event_id));
create policy "organisers check people in and out" on public.volunteer_registrations for update to authenticated
  using (app.organises_event(event_id)) with check (app.organises_event(event_id));

/** Seats taken, for everyone (counts only, never who). */
create or replace function app.event_seats(p_event uuid) returns table (confirmed integer, waitlisted integer)
language sql stable security definer
set search_path = ''
as $$
  select count(*) filter (where r.status = 'confirmed')::integer, count(*) filter (where r.status = 'waitlisted')::integer
    from public.volunteer_registrations r where r.event_id = p_event
$$;
revoke all on function app.event_seats(uuid) from public;
grant execute on function app.event_seats(uuid) to anon, authenticated, service_role;

/*
 * -------------------------------------------------------
 * Section: sign-up, cancel, waitlist promotion
 * Each locks the event row FOR UPDATE, so concurrent sign-ups for one event queue up
 * here and capacity is never exceeded, on any number of server processes.
 * -------------------------------------------------------
 */
create or replace function app.new_registration_code() returns text
language sql volatile
set search_path = ''
as $$
  -- gen_random_uuid() draws from the strong random source; bytes 0-5 and 10-11 carry no version bits.
  select string_agg(substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ', 1 + (get_byte(b, i) % 32), 1), '' order by i)
    from (select uuid_send(gen_random_uuid()) as b) r, unnest(array[0, 1, 2, 3, 4, 5, 10, 11]) i
$$;

create or replace function app.volunteer_register(p_event uuid)
returns table (id uuid, status public.registration_status, code text)
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_me uuid := auth.uid();
  v_event public.volunteer_events;
  v_taken integer;
  v_status public.registration_status;
  v_code text;
  v_id uuid;
begin
  if v_me is null or not exists (select from public.volunteers v where v.user_id = v_me and v.name is not null) then
    raise exception 'volunteer profile required' using errcode = '42501', hint = 'profile';
  end if;
  select * into v_event from public.volunteer_events e where e.id = p_event for update;
  if not found or v_event.status = 'draft' then
    raise exception 'no such event' using errcode = 'P0002', hint = 'not_found';
  end if;
  if v_event.status not in ('open', 'full') then
    raise exception 'event is not open for sign-up' using errcode = '22023', hint = 'closed';
  end if;
  if now() > v_event.signup_deadline then
    raise exception 'the sign-up deadline has passed' using errcode = '22023', hint = 'deadline';
  end if;
  if exists (select from public.volunteer_registrations r
              where r.event_id = p_event and r.volunteer_id = v_me and r.status <> 'cancelled') then
    raise exception 'already signed up' using errcode = '23505', hint = 'duplicate';
  end if;
  select count(*) into v_taken from public.volunteer_registrations r
   where r.event_id = p_event and r.status = 'confirmed';
  v_status := case when v_taken < v_event.capacity then 'confirmed' else 'waitlisted' end;
  loop
    v_code := app.new_registration_code();
    exit when not exists (select from public.volunteer_registrations r where r.event_id = p_event and r.code = v_code);
  end loop;
  insert into public.volunteer_registrations (event_id, volunteer_id, status, code)
  values (p_event, v_me, v_status, v_code) returning volunteer_registrations.id into v_id;
  if v_status = 'confirmed' and v_taken + 1 >= v_event.capacity then
    update public.volunteer_events e set status = 'full' where e.id = p_event;
  end if;
  return query select v_id, v_status, v_code;
end;
$$;

/** Cancels the caller's registration; a freed seat goes to the first on the waitlist, who is told. */
create or replace function app.volunteer_cancel(p_registration uuid)
returns table (promoted uuid)
language plpgsql volatile security definer
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
    insert into public.outbox_messages (channel, recipient, template, params)
    values ('sms', v_phone, 'promoted', jsonb_build_object(
      'event_id', v_event.id, 'title_zh', v_event.title_zh, 'title_en', v_event.title_en,
      'starts_at', v_event.starts_at, 'code', v_next.code));
    return query select v_next.id;
  elsif v_event.status = 'full' then
    update public.volunteer_events e set status = 'open' where e.id = v_event.id;
  end if;
end;
$$;

revoke all on function app.new_registration_code(), app.volunteer_register(uuid), app.volunteer_cancel(uuid) from public;
grant execute on function app.volunteer_register(uuid), app.volunteer_cancel(uuid) to authenticated, service_role;

/** Organisers put a volunteer (found by phone) in a team of their township, optionally as its leader. */
create or replace function app.volunteer_join_team(p_team uuid, p_phone text, p_leader boolean)
returns text
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_team public.volunteer_teams;
  v_user uuid;
  v_name text;
begin
  select * into v_team from public.volunteer_teams t where t.id = p_team;
  if not found or not app.organises(v_team.town_code, null) then
    raise exception 'not an organiser of this team' using errcode = '42501', hint = 'not_organiser';
  end if;
  select v.user_id, v.name into v_user, v_name from public.volunteers v where v.phone = p_phone;
  if not found then
    raise exception 'no volunteer with this phone' using errcode = 'P0002', hint = 'no_volunteer';
  end if;
  update public.volunteers v set team_id = p_team where v.user_id = v_user;
  if p_leader then
    update public.volunteer_teams t set leader_id = v_user where t.id = p_team;
  end if;
  return coalesce(v_name, p_phone);
end;
$$;
revoke all on function app.volunteer_join_team(uuid, text, boolean) from public;
grant execute on function app.volunteer_join_team(uuid, text, boolean) to authenticated, service_role;

/*
 * -------------------------------------------------------
 * Section: figures per township
 * Counts only (no personal data), for any staff member.
 * -------------------------------------------------------
 */
create or replace function app.volunteer_figures(p_year integer)
returns table (town_code text, teams integer, active_volunteers integer, trainings_held integer, people_trained integer)
language sql stable security definer
set search_path = ''
as $$
  select t.code,
    (select count(*)::integer from public.volunteer_teams vt where vt.town_code = t.code),
    -- active: attended anything in the last twelve months
    (select count(distinct r.volunteer_id)::integer from public.volunteer_registrations r
       join public.volunteers v on v.user_id = r.volunteer_id
      where v.town_code = t.code and r.checked_in_at > now() - interval '1 year'),
    (select count(*)::integer from public.volunteer_events e
      where e.town_code = t.code and e.kind = 'training' and e.status <> 'cancelled' and e.status <> 'draft'
        and e.ends_at <= now() and extract(year from e.starts_at at time zone 'Asia/Shanghai') = p_year),
    (select count(distinct r.volunteer_id)::integer from public.volunteer_registrations r
       join public.volunteer_events e on e.id = r.event_id
      where e.town_code = t.code and e.kind = 'training' and r.checked_in_at is not null
        and extract(year from e.starts_at at time zone 'Asia/Shanghai') = p_year)
  from public.towns t
  where app.staff_role() is not null
  order by t.code
$$;
revoke all on function app.volunteer_figures(integer) from public;
grant execute on function app.volunteer_figures(integer) to authenticated, service_role;

/*
 * -------------------------------------------------------
 * Section: one-time codes and volunteer sessions (service_role only)
 * The code is stored as an HMAC; 10 minutes, 5 attempts. Requests are counted per
 * phone and per client address here, so the limits hold across processes.
 * -------------------------------------------------------
 */
create table app_private.volunteer_codes (
  id bigint generated always as identity primary key,
  phone text not null,
  address text not null,
  code_hash text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  attempts integer not null default 0,
  used_at timestamptz
);
comment on table app_private.volunteer_codes is 'One-time sign-in codes for volunteers (hashed), with attempt counts; also the request log for rate limits.';
create index volunteer_codes_phone_idx on app_private.volunteer_codes (phone, created_at desc);
create index volunteer_codes_address_idx on app_private.volunteer_codes (address, created_at desc);

create table app_private.volunteer_sessions (
  token_hash text primary key check (token_hash ~ '^[0-9a-f]{64}$'),
  user_id uuid not null references public.volunteers (user_id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz
);
comment on table app_private.volunteer_sessions is 'Volunteer sign-in sessions; the cookie holds a random token, only its SHA-256 is stored.';
create index volunteer_sessions_user_idx on app_private.volunteer_sessions (user_id);

alter table app_private.volunteer_codes enable row level security;
alter table app_private.volunteer_sessions enable row level security;
grant all on app_private.volunteer_codes, app_private.volunteer_sessions to service_role;
