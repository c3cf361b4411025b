/*
 * -------------------------------------------------------
 * Section: earthquake early warning (EEW)
 * Messages of China's earthquake early-warning network, machine-issued and revised
 * several times in the first seconds (one event id, rising sequence numbers). They do
 * not go through the two-person approval: seconds matter, and the network has decided
 * already. Only an API key with role `eew_network` may issue one (app.issue_eew checks
 * app.can('issue_eew')); nobody writes the table directly. Staff may start a drill
 * (status Exercise) for one township, never an Actual message.
 * An EEW is not a warning in force: it lives for a couple of minutes on the devices. The
 * seismological bureau's earthquake report follows through the ordinary warnings.
 * -------------------------------------------------------
 */

alter table public.api_keys drop constraint if exists api_keys_role_check;
alter table public.api_keys add constraint api_keys_role_check check (role in ('warning_issuer', 'dispatcher', 'open311', 'eew_network'));

create table public.eew_messages (
  id uuid primary key default gen_random_uuid(),
  event_id text not null check (event_id ~ '^[A-Za-z0-9._:-]{1,64}$'),
  sequence integer not null check (sequence between 1 and 999),
  msg_type public.cap_msg_type not null,
  status public.cap_status not null check (status in ('Actual', 'Exercise')),
  origin_time timestamptz not null,
  lat double precision not null check (lat between -90 and 90),
  lon double precision not null check (lon between -180 and 180),
  depth_km real not null check (depth_km between 0 and 700),
  magnitude real not null check (magnitude between 0 and 10),
  -- 'api' (compact JSON), 'cap' (CAP 1.2 with EEW parameters), 'drill' (the console)
  source text not null check (source in ('api', 'cap', 'drill')),
  -- the township a drill was started for
  town_code text references public.towns (code),
  issued_by uuid,
  received_at timestamptz not null default now(),
  -- push messages the issuing process had accepted by push services (set after the fan-out)
  pushed integer,
  unique (event_id, sequence),
  constraint eew_drill_is_exercise check (source <> 'drill' or status = 'Exercise')
);
comment on table public.eew_messages is 'Earthquake early warnings as received (every revision); public information, written only through app.issue_eew and app.start_eew_drill.';
create index eew_messages_received_idx on public.eew_messages (received_at desc);

alter table public.eew_messages enable row level security;
revoke all on public.eew_messages from anon, authenticated;
-- everything a page or a feed shows; not who started a drill (issued_by) nor the push count
grant select (id, event_id, sequence, msg_type, status, origin_time, lat, lon, depth_km, magnitude, source, town_code, received_at)
  on public.eew_messages to anon, authenticated;
grant select, update (pushed) on public.eew_messages to service_role;
create policy "everyone reads early warnings" on public.eew_messages for select to anon, authenticated using (true);

/*
 * Who may: the network's machine client issues; staff who issue warnings (and admins)
 * start drills. Same one table of rules as every other action.
 */
create or replace function app.role_may(p_role text, p_action text) returns boolean
language plpgsql immutable
set search_path = ''
as $$
begin
  return case p_action
    -- reference data, shelters, routing rules, the outbox, staff: admins only
    when 'administer' then p_role is not distinct from 'admin'
    -- drafting, approving and issuing warnings (the approval trigger adds two persons)
    when 'issue_warnings' then p_role in ('warning_issuer', 'admin')
    -- an earthquake early warning without approval: the network's machine client only
    when 'issue_eew' then p_role is not distinct from 'eew_network'
    -- an EEW drill (status Exercise) for one township
    when 'start_eew_drill' then p_role in ('warning_issuer', 'admin')
    else app.unknown_action(p_action)
  end;
end;
$$;

-- Every new message (the first of an event or a revision) wakes the live channels of
-- every server process; they read the row itself (a NOTIFY payload is never trusted).
create or replace function app.eew_notify() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform pg_notify('eew', new.id::text);
  return null;
end;
$$;
create trigger eew_messages_notify after insert on public.eew_messages
  for each row execute function app.eew_notify();

/**
 * Stores one EEW message. Idempotent on (event id, sequence): the same message again
 * answers created = false; the same key with other facts is refused (23505). A Cancel
 * or a revision must agree with the event's status (a drill never turns Actual).
 * `latest` says whether it is the newest revision of its event (an older sequence that
 * arrives late is kept but goes nowhere).
 */
create or replace function app.issue_eew(
  p_event_id text, p_sequence integer, p_msg_type public.cap_msg_type, p_status public.cap_status,
  p_origin timestamptz, p_lat double precision, p_lon double precision, p_depth_km real, p_magnitude real, p_source text
) returns table (id uuid, created boolean, latest boolean)
language plpgsql security definer
set search_path = ''
as $$
declare
  v_row public.eew_messages;
  v_status public.cap_status;
begin
  if not app.can('issue_eew') then
    raise exception 'only the earthquake early-warning network''s API key (role eew_network) may issue an EEW'
      using errcode = '42501';
  end if;
  if p_source not in ('api', 'cap') then
    raise exception 'source: must be api or cap' using errcode = '22023';
  end if;
  select m.* into v_row from public.eew_messages m where m.event_id = p_event_id and m.sequence = p_sequence;
  if found then
    if (v_row.msg_type, v_row.status, v_row.origin_time, v_row.lat, v_row.lon, v_row.depth_km, v_row.magnitude)
       is distinct from (p_msg_type, p_status, p_origin, p_lat, p_lon, p_depth_km, p_magnitude) then
      raise exception 'sequence: event % already has a sequence % with other facts', p_event_id, p_sequence using errcode = '23505';
    end if;
    return query select v_row.id, false,
      not exists (select 1 from public.eew_messages o where o.event_id = p_event_id and o.sequence > p_sequence);
    return;
  end if;
  select m.status into v_status from public.eew_messages m where m.event_id = p_event_id limit 1;
  if found and v_status <> p_status then
    raise exception 'status: event % is %, a revision cannot be %', p_event_id, v_status, p_status using errcode = '22023';
  end if;
  insert into public.eew_messages (event_id, sequence, msg_type, status, origin_time, lat, lon, depth_km, magnitude, source, issued_by)
  values (p_event_id, p_sequence, p_msg_type, p_status, p_origin, p_lat, p_lon, p_depth_km, p_magnitude, p_source, auth.uid())
  returning * into v_row;
  return query select v_row.id, true,
    not exists (select 1 from public.eew_messages o where o.event_id = p_event_id and o.sequence > p_sequence);
end;
$$;
comment on function app.issue_eew(text, integer, public.cap_msg_type, public.cap_status, timestamptz, double precision, double precision, real, real, text)
  is 'Stores an earthquake early warning from the network (role eew_network): no approval, idempotent on event id + sequence.';

/**
 * A drill: a made-up quake under the township (a point inside its area), status
 * Exercise, so the whole sequence plays on the devices marked as a drill.
 */
create or replace function app.start_eew_drill(p_town text, p_magnitude real, p_depth_km real)
returns uuid
language plpgsql security definer
set search_path = ''
as $$
declare
  v_point extensions.geometry;
  v_id uuid;
begin
  if not app.can('start_eew_drill') then
    raise exception 'only warning issuers and admins may start an earthquake drill' using errcode = '42501';
  end if;
  if p_magnitude is null or p_magnitude < 3 or p_magnitude > 8 then
    raise exception 'magnitude: a drill takes a magnitude from 3 to 8' using errcode = '22023';
  end if;
  if p_depth_km is null or p_depth_km < 1 or p_depth_km > 40 then
    raise exception 'depth: a drill takes a depth from 1 to 40 km' using errcode = '22023';
  end if;
  select extensions.st_pointonsurface(a.area) into v_point from public.town_areas a where a.code = p_town;
  if v_point is null then
    raise exception 'town: no township %', p_town using errcode = '22023';
  end if;
  insert into public.eew_messages (event_id, sequence, msg_type, status, origin_time, lat, lon, depth_km, magnitude, source, town_code, issued_by)
  values ('drill-' || replace(gen_random_uuid()::text, '-', ''), 1, 'Alert', 'Exercise', now(),
          extensions.st_y(v_point), extensions.st_x(v_point), p_depth_km, p_magnitude, 'drill', p_town, auth.uid())
  returning id into v_id;
  return v_id;
end;
$$;
comment on function app.start_eew_drill(text, real, real) is 'Starts an earthquake early-warning drill (status Exercise) under one township.';

revoke all on function app.issue_eew(text, integer, public.cap_msg_type, public.cap_status, timestamptz, double precision, double precision, real, real, text),
  app.start_eew_drill(text, real, real), app.eew_notify() from public;
grant execute on function app.issue_eew(text, integer, public.cap_msg_type, public.cap_status, timestamptz, double precision, double precision, real, real, text),
  app.start_eew_drill(text, real, real) to authenticated;
