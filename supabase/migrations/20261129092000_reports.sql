/**
 * Hazard reports handled 12345-style (接诉即办): report → dispatch → accept → reply/close
 * → rate, with deadlines and the three rates.
 *
 * Residents have no account. They file and follow a report only through the
 * security definer functions below (`report_submit`, `report_track`, ...), which
 * validate everything; anon has no grant on any report table, so reports cannot be
 * listed. A report is followed with a private token of which only the SHA-256 is kept.
 * Staff change a report only through `report_*` functions that check who may make
 * each step; every step is a row in report_events (who, which unit, when).
 */

/*
 * -------------------------------------------------------
 * Section: categories and service standards
 * Deadlines default to Beijing's 12345 standard: dispatch within 2 h; feedback within
 * 2 h for danger to life or property, 24 h for water/power/gas, 7 days for general,
 * 15 days for complex cases. Natural time (12345 does not count working hours).
 * -------------------------------------------------------
 */
create type public.report_category as enum (
  'geological', 'fire_safety', 'gas', 'hazmat', 'flood_water', 'forest_fire', 'road_bridge',
  'construction', 'confined_space', 'ebike_charging', 'special_equipment', 'tourism', 'other'
);
comment on type public.report_category is 'What a hazard report is about; names via i18n reports.categories.<code>.';

create type public.report_status as enum ('received', 'dispatched', 'accepted', 'closed', 'merged', 'hidden');
comment on type public.report_status is 'received = awaiting dispatch; dispatched → accepted (签收) → closed (办结); merged into another; hidden by moderation.';

create type public.report_rating as enum ('satisfied', 'basically_satisfied', 'unsatisfied');
comment on type public.report_rating is '满意 / 基本满意 / 不满意.';

create table public.report_categories (
  code public.report_category primary key,
  urgency text not null check (urgency in ('danger', 'utility', 'general', 'complex')),
  dispatch_hours integer not null default 2 check (dispatch_hours between 1 and 720),
  accept_hours integer not null default 2 check (accept_hours between 1 and 720),
  feedback_hours integer not null check (feedback_hours between 1 and 2160),
  sort integer not null default 100
);
comment on table public.report_categories is 'Per category: urgency and the service-standard clocks (hours, natural time); admins edit.';

insert into public.report_categories (code, urgency, feedback_hours, sort) values
  ('forest_fire', 'danger', 2, 10),
  ('gas', 'danger', 2, 20),
  ('fire_safety', 'danger', 2, 30),
  ('hazmat', 'danger', 2, 40),
  ('geological', 'danger', 2, 50),
  ('flood_water', 'danger', 2, 60),
  ('confined_space', 'danger', 2, 70),
  ('road_bridge', 'utility', 24, 80),
  ('ebike_charging', 'general', 168, 90),
  ('special_equipment', 'general', 168, 100),
  ('construction', 'general', 168, 110),
  ('tourism', 'general', 168, 120),
  ('other', 'complex', 360, 130);

/*
 * -------------------------------------------------------
 * Section: routing — category × township → responsible unit
 * The most specific rule wins: (category, township), then (category, any township).
 * No rule: the township itself (属地管理).
 * -------------------------------------------------------
 */
create table public.report_routes (
  id bigint generated always as identity primary key,
  category public.report_category not null,
  town_code text references public.towns (code),
  department_code text not null references public.departments (code),
  constraint report_routes_unique unique nulls not distinct (category, town_code)
);
comment on table public.report_routes is 'Routing rules: a category (in one township, or in all when town_code is null) goes to a department; otherwise to the township (属地).';

insert into public.report_routes (category, town_code, department_code) values
  ('flood_water', null, 'water'),
  ('forest_fire', null, 'landscape_forestry'),
  ('hazmat', null, 'emergency'),
  ('special_equipment', null, 'market_regulation'),
  ('construction', null, 'housing'),
  ('tourism', null, 'culture_tourism'),
  ('fire_safety', null, 'fire_rescue');

/*
 * -------------------------------------------------------
 * Section: reports
 * -------------------------------------------------------
 */
create table public.report_ticket_counters (
  day date primary key,
  last integer not null
);
comment on table public.report_ticket_counters is 'Per Beijing day, the last ticket serial handed out (MY-YYYYMMDD-NNNN).';

create table public.reports (
  id bigint generated always as identity primary key,
  ticket text not null unique check (ticket ~ '^MY-[0-9]{8}-[0-9]{4,}$'),
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  idempotency_key uuid unique,
  category public.report_category not null,
  description text not null check (length(description) between 5 and 2000),
  town_code text not null references public.towns (code),
  village_code text references public.villages (code),
  address text check (length(address) <= 200),
  location extensions.geometry(Point, 4326),
  status public.report_status not null default 'received',
  department_code text references public.departments (code),
  unit_town_code text references public.towns (code),
  created_at timestamptz not null default now(),
  dispatch_due_at timestamptz not null,
  dispatched_at timestamptz,
  accept_due_at timestamptz,
  accepted_at timestamptz,
  due_at timestamptz,
  closed_at timestamptz,
  escalated_at timestamptz,
  reply text check (length(reply) <= 2000),
  rating public.report_rating,
  rated_at timestamptz,
  reopened_at timestamptz,
  merged_into bigint references public.reports (id),
  constraint reports_one_unit check (num_nonnulls(department_code, unit_town_code) <= 1),
  constraint reports_unit_when_dispatched check (status in ('received', 'merged', 'hidden') or num_nonnulls(department_code, unit_town_code) = 1)
);
comment on table public.reports is 'Hazard reports from residents: what, where, who handles it, deadlines, reply and rating. No personal data (see report_people).';
create index reports_status_idx on public.reports (status, due_at);
create index reports_department_idx on public.reports (department_code);
create index reports_unit_town_idx on public.reports (unit_town_code);
create index reports_location_idx on public.reports using gist (location);

create table public.report_people (
  id bigint generated always as identity primary key,
  report_id bigint not null references public.reports (id) on delete cascade,
  kind text not null check (kind in ('reporter', 'supporter')),
  name text check (length(name) <= 40),
  phone text check (phone ~ '^[0-9+() -]{5,20}$'),
  idempotency_key uuid unique,
  created_at timestamptz not null default now(),
  erased_at timestamptz
);
comment on table public.report_people is 'Who filed or joined ("my problem too") a report, with optional name and phone for the call back: seen only by its dispatchers and handlers; erased after the retention period.';
create index report_people_report_idx on public.report_people (report_id);

create table public.report_cohandlers (
  report_id bigint not null references public.reports (id) on delete cascade,
  department_code text not null references public.departments (code),
  summoned_at timestamptz not null default now(),
  primary key (report_id, department_code)
);
comment on table public.report_cohandlers is '吹哨报到: departments summoned as co-handlers of a report.';

create table public.report_events (
  id bigint generated always as identity primary key,
  report_id bigint not null references public.reports (id) on delete cascade,
  kind text not null check (kind in ('received', 'dispatched', 'accepted', 'note', 'returned', 'whistle',
    'closed', 'rated', 'reopened', 'merged', 'escalated', 'hidden', 'joined', 'photo_redacted')),
  public boolean not null default true,
  actor uuid,
  unit text,
  note text check (length(note) <= 2000),
  created_at timestamptz not null default now()
);
comment on table public.report_events is 'The timeline of a report: every step with who (actor), for which unit, and when; public rows are shown to the resident.';
create index report_events_report_idx on public.report_events (report_id, id);

create table public.report_photos (
  id bigint generated always as identity primary key,
  report_id bigint not null references public.reports (id) on delete cascade,
  stage text not null check (stage in ('report', 'reply')),
  content_type text not null check (content_type in ('image/jpeg', 'image/webp')),
  bytes bytea check (octet_length(bytes) <= 2000000),
  width integer not null check (width between 1 and 4096),
  height integer not null check (height between 1 and 4096),
  created_at timestamptz not null default now(),
  redacted_at timestamptz,
  constraint report_photos_bytes check ((bytes is null) = (redacted_at is not null))
);
comment on table public.report_photos is 'Photos of a report or its reply, re-encoded by the server (no EXIF/GPS); redacting deletes the bytes.';
create index report_photos_report_idx on public.report_photos (report_id);

/*
 * -------------------------------------------------------
 * Section: who handles a report — helpers for policies and functions
 * The dispatch desk: dispatchers (a township's dispatchers only for their township)
 * and admins. Handlers: staff of the assigned unit, and of summoned co-handlers.
 * -------------------------------------------------------
 */
create or replace function app.report_desk(p_town text) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select coalesce((
    select s.role = 'admin' or (s.role = 'dispatcher' and (s.town_code is null or s.town_code = p_town))
      from public.staff s where s.user_id = auth.uid() and s.active), false)
$$;

create or replace function app.report_handler(p_report bigint, p_with_cohandlers boolean default true) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select coalesce((
    select s.role in ('handler', 'dispatcher')
       and ((s.department_code is not null and (s.department_code = r.department_code
              or (p_with_cohandlers and exists (select 1 from public.report_cohandlers c
                    where c.report_id = r.id and c.department_code = s.department_code))))
         or (s.town_code is not null and s.town_code = r.unit_town_code))
      from public.staff s, public.reports r
     where s.user_id = auth.uid() and s.active and r.id = p_report), false)
$$;

create or replace function app.report_sees(p_report bigint) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select app.report_desk((select r.town_code from public.reports r where r.id = p_report))
      or app.report_handler(p_report)
$$;

revoke all on function app.report_desk(text), app.report_handler(bigint, boolean), app.report_sees(bigint) from public;
grant execute on function app.report_desk(text), app.report_handler(bigint, boolean), app.report_sees(bigint)
  to authenticated, service_role;

/*
 * -------------------------------------------------------
 * Section: row level security
 * Categories and routes: everyone reads, admins edit. Reports and everything hanging
 * off them: only the dispatch desk and the handlers read; nobody writes directly —
 * the report_* functions do, after checking the caller.
 * -------------------------------------------------------
 */
alter table public.report_categories enable row level security;
alter table public.report_routes enable row level security;
alter table public.report_ticket_counters enable row level security;
alter table public.reports enable row level security;
alter table public.report_people enable row level security;
alter table public.report_cohandlers enable row level security;
alter table public.report_events enable row level security;
alter table public.report_photos enable row level security;

create policy "categories are public" on public.report_categories for select to anon, authenticated using (true);
create policy "admins edit categories" on public.report_categories for update to authenticated
  using (app.is_admin()) with check (app.is_admin());
create policy "routes are public" on public.report_routes for select to anon, authenticated using (true);
create policy "admins add routes" on public.report_routes for insert to authenticated with check (app.is_admin());
create policy "admins edit routes" on public.report_routes for update to authenticated
  using (app.is_admin()) with check (app.is_admin());
create policy "admins remove routes" on public.report_routes for delete to authenticated using (app.is_admin());

revoke all on public.report_ticket_counters, public.reports, public.report_people, public.report_cohandlers,
  public.report_events, public.report_photos from anon, authenticated;
grant select on public.reports, public.report_people, public.report_cohandlers, public.report_events,
  public.report_photos to authenticated;

create policy "desk and handlers see reports" on public.reports for select to authenticated
  using (app.report_desk(town_code) or app.report_handler(id));
create policy "desk and handlers see who reported" on public.report_people for select to authenticated
  using (app.report_sees(report_id));
create policy "desk and handlers see co-handlers" on public.report_cohandlers for select to authenticated
  using (app.report_sees(report_id));
create policy "desk and handlers see the timeline" on public.report_events for select to authenticated
  using (app.report_sees(report_id));
create policy "desk and handlers see photos" on public.report_photos for select to authenticated
  using (app.report_sees(report_id));

/*
 * -------------------------------------------------------
 * Section: residents — file, follow, join, rate (anon, through these functions only)
 * -------------------------------------------------------
 */
create or replace function app.report_token_hash(p_token text) returns text
language sql immutable
set search_path = ''
as $$ select encode(sha256(convert_to(p_token, 'UTF8')), 'hex') $$;

-- JPEG (FF D8 FF) or WebP (RIFF....WEBP): the server re-encodes to these; anything else is refused.
create or replace function app.report_photo_ok(p_type text, p_bytes bytea) returns boolean
language sql immutable
set search_path = ''
as $$
  select p_bytes is not null and octet_length(p_bytes) between 12 and 2000000 and case p_type
    when 'image/jpeg' then substring(p_bytes from 1 for 3) = '\xffd8ff'::bytea
    when 'image/webp' then substring(p_bytes from 1 for 4) = '\x52494646'::bytea and substring(p_bytes from 9 for 4) = '\x57454250'::bytea
    else false end
$$;

/**
 * Files a report. p_photos: [{"type":"image/jpeg","width":..,"height":..,"base64":".."}], at most 4.
 * p_token: the private tracking token (>= 32 url-safe characters, chosen by the client so an
 * offline device knows its link before it is online); only its hash is stored.
 * The same p_key twice gives the one report (the second call returns it, created = false).
 */
create or replace function public.report_submit(
  p_key uuid, p_token text, p_category public.report_category, p_description text, p_town text,
  p_village text, p_address text, p_lon double precision, p_lat double precision,
  p_name text, p_phone text, p_photos jsonb default '[]'
) returns table (ticket text, created boolean)
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_day date := (now() at time zone 'Asia/Shanghai')::date;
  v_serial integer;
  v_id bigint;
  v_ticket text;
  v_cat public.report_categories;
  v_photo jsonb;
  v_bytes bytea;
begin
  if p_token is null or p_token !~ '^[A-Za-z0-9_-]{32,128}$' then
    raise exception 'the tracking token must be 32 to 128 url-safe characters' using errcode = '22023';
  end if;
  if p_key is not null then
    select r.ticket into v_ticket from public.reports r where r.idempotency_key = p_key;
    if found then
      return query select v_ticket, false;
      return;
    end if;
  end if;
  if p_village is not null and not exists (select 1 from public.villages v where v.code = p_village and v.town_code = p_town) then
    raise exception 'the village is not in that township' using errcode = '22023';
  end if;
  if (p_lon is null) <> (p_lat is null) or (p_lon is not null and not exists (
      select 1 from public.district d
       where extensions.st_dwithin(d.outline::extensions.geography,
               extensions.st_setsrid(extensions.st_makepoint(p_lon, p_lat), 4326)::extensions.geography, 5000))) then
    raise exception 'the location is not in Miyun District' using errcode = '22023';
  end if;
  if jsonb_typeof(coalesce(p_photos, '[]')) <> 'array' or jsonb_array_length(coalesce(p_photos, '[]')) > 4 then
    raise exception 'at most 4 photos' using errcode = '22023';
  end if;

  select * into strict v_cat from public.report_categories c where c.code = p_category;
  insert into public.report_ticket_counters as t (day, last) values (v_day, 1)
    on conflict (day) do update set last = t.last + 1
    returning t.last into v_serial;
  v_ticket := 'MY-' || to_char(v_day, 'YYYYMMDD') || '-' || lpad(v_serial::text, 4, '0');

  insert into public.reports (ticket, token_hash, idempotency_key, category, description, town_code, village_code,
                              address, location, dispatch_due_at)
  values (v_ticket, app.report_token_hash(p_token), p_key, p_category, btrim(p_description), p_town,
          p_village, nullif(btrim(p_address), ''),
          case when p_lon is not null then extensions.st_setsrid(extensions.st_makepoint(p_lon, p_lat), 4326) end,
          now() + make_interval(hours => v_cat.dispatch_hours))
  returning id into v_id;
  insert into public.report_people (report_id, kind, name, phone)
  values (v_id, 'reporter', nullif(btrim(p_name), ''), nullif(btrim(p_phone), ''));
  for v_photo in select * from jsonb_array_elements(coalesce(p_photos, '[]')) loop
    v_bytes := decode(v_photo ->> 'base64', 'base64');
    if not app.report_photo_ok(v_photo ->> 'type', v_bytes) then
      raise exception 'a photo is not a JPEG or WebP image' using errcode = '22023';
    end if;
    insert into public.report_photos (report_id, stage, content_type, bytes, width, height)
    values (v_id, 'report', v_photo ->> 'type', v_bytes, (v_photo ->> 'width')::integer, (v_photo ->> 'height')::integer);
  end loop;
  insert into public.report_events (report_id, kind) values (v_id, 'received');
  return query select v_ticket, true;
exception
  when unique_violation then
    -- Two posts with one key at the same moment: the other one won; answer with its ticket.
    if p_key is not null then
      return query select r.ticket, false from public.reports r where r.idempotency_key = p_key;
      if found then return; end if;
    end if;
    raise;
end;
$$;

/** The resident's view of a report: no personal data, by token only. */
create or replace function public.report_track(p_token text)
returns table (
  id bigint, ticket text, category public.report_category, description text, town_code text, village_code text,
  address text, status public.report_status, unit_department text, unit_town text, created_at timestamptz,
  due_at timestamptz, closed_at timestamptz, reply text, rating public.report_rating, reopened boolean,
  supporters integer, overdue boolean
)
language sql stable security definer
set search_path = ''
as $$
  select r.id, r.ticket, r.category, r.description, r.town_code, r.village_code, r.address, r.status,
         r.department_code, r.unit_town_code, r.created_at, r.due_at, r.closed_at, r.reply, r.rating,
         r.reopened_at is not null,
         (select count(*)::integer from public.report_people p where p.report_id = r.id and p.kind = 'supporter'),
         r.status in ('dispatched', 'accepted') and r.due_at < now()
    from public.reports r
   where r.token_hash = app.report_token_hash(p_token) and r.status <> 'hidden'
$$;

create or replace function public.report_track_events(p_token text)
returns table (kind text, unit text, note text, created_at timestamptz)
language sql stable security definer
set search_path = ''
as $$
  select e.kind, e.unit, e.note, e.created_at
    from public.report_events e join public.reports r on r.id = e.report_id
   where r.token_hash = app.report_token_hash(p_token) and e.public
   order by e.id
$$;

create or replace function public.report_track_photo(p_token text, p_photo bigint)
returns table (content_type text, bytes bytea)
language sql stable security definer
set search_path = ''
as $$
  select p.content_type, p.bytes
    from public.report_photos p join public.reports r on r.id = p.report_id
   where r.token_hash = app.report_token_hash(p_token) and p.id = p_photo and p.bytes is not null
$$;

create or replace function public.report_track_photos(p_token text)
returns table (id bigint, stage text, width integer, height integer)
language sql stable security definer
set search_path = ''
as $$
  select p.id, p.stage, p.width, p.height
    from public.report_photos p join public.reports r on r.id = p.report_id
   where r.token_hash = app.report_token_hash(p_token) and p.bytes is not null
   order by p.id
$$;

/** Open reports of a category near a point (or in the same village without one): no personal data. */
create or replace function public.reports_nearby(
  p_category public.report_category, p_lon double precision, p_lat double precision, p_village text,
  p_meters double precision default 500
) returns table (id bigint, ticket text, description text, created_at timestamptz, meters integer, supporters integer)
language sql stable security definer
set search_path = ''
as $$
  select r.id, r.ticket, left(r.description, 140), r.created_at,
         case when p_lon is not null and r.location is not null then round(extensions.st_distance(r.location::extensions.geography,
           extensions.st_setsrid(extensions.st_makepoint(p_lon, p_lat), 4326)::extensions.geography))::integer end,
         (select count(*)::integer from public.report_people p where p.report_id = r.id and p.kind = 'supporter')
    from public.reports r
   where r.category = p_category and r.status in ('received', 'dispatched', 'accepted')
     and ((p_lon is not null and p_lat is not null and r.location is not null
           and extensions.st_dwithin(r.location::extensions.geography,
                 extensions.st_setsrid(extensions.st_makepoint(p_lon, p_lat), 4326)::extensions.geography,
                 least(greatest(p_meters, 10), 2000)))
       or (p_lon is null and p_village is not null and r.village_code = p_village))
   order by r.created_at desc
   limit 5
$$;

/** "This is my problem too": adds the person to an open report; the same key twice adds once. */
create or replace function public.report_join(p_report bigint, p_key uuid, p_name text, p_phone text)
returns text
language plpgsql volatile security definer
set search_path = ''
as $$
declare v_ticket text;
begin
  select r.ticket into v_ticket from public.reports r
   where r.id = p_report and r.status in ('received', 'dispatched', 'accepted');
  if not found then
    raise exception 'no open report %', p_report using errcode = 'P0002';
  end if;
  insert into public.report_people (report_id, kind, name, phone, idempotency_key)
  values (p_report, 'supporter', nullif(btrim(p_name), ''), nullif(btrim(p_phone), ''), p_key)
  on conflict (idempotency_key) do nothing;
  if found then
    insert into public.report_events (report_id, kind) values (p_report, 'joined');
  end if;
  return v_ticket;
end;
$$;

/** The resident rates a closed report; unsatisfied may reopen it once (back to the same unit, a fresh clock). */
create or replace function public.report_rate(p_token text, p_rating public.report_rating, p_reopen boolean default false)
returns public.report_status
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  r public.reports;
  v_hours integer;
begin
  select * into r from public.reports x where x.token_hash = app.report_token_hash(p_token) for update;
  if not found then raise exception 'no such report' using errcode = 'P0002'; end if;
  if r.status <> 'closed' then raise exception 'only a closed report can be rated' using errcode = '55000'; end if;
  if p_reopen and (p_rating <> 'unsatisfied' or r.reopened_at is not null) then
    raise exception 'a report may be reopened once, and only when unsatisfied' using errcode = '55000';
  end if;
  if r.rating is not null and not p_reopen then raise exception 'already rated' using errcode = '55000'; end if;
  insert into public.report_events (report_id, kind, note) values (r.id, 'rated', p_rating::text);
  if p_reopen then
    select c.feedback_hours into v_hours from public.report_categories c where c.code = r.category;
    update public.reports set status = 'dispatched', rating = null, rated_at = null, reopened_at = now(),
           closed_at = null, accepted_at = null, escalated_at = null, dispatched_at = now(),
           accept_due_at = now() + make_interval(hours => (select c.accept_hours from public.report_categories c where c.code = r.category)),
           due_at = now() + make_interval(hours => v_hours)
     where id = r.id;
    insert into public.report_events (report_id, kind, unit) values (r.id, 'reopened', coalesce(r.department_code, r.unit_town_code));
    return 'dispatched';
  end if;
  update public.reports set rating = p_rating, rated_at = now() where id = r.id;
  return 'closed';
end;
$$;

revoke all on function public.report_submit(uuid, text, public.report_category, text, text, text, text, double precision, double precision, text, text, jsonb),
  public.report_track(text), public.report_track_events(text), public.report_track_photo(text, bigint), public.report_track_photos(text),
  public.reports_nearby(public.report_category, double precision, double precision, text, double precision),
  public.report_join(bigint, uuid, text, text), public.report_rate(text, public.report_rating, boolean) from public;
grant execute on function public.report_submit(uuid, text, public.report_category, text, text, text, text, double precision, double precision, text, text, jsonb),
  public.report_track(text), public.report_track_events(text), public.report_track_photo(text, bigint), public.report_track_photos(text),
  public.reports_nearby(public.report_category, double precision, double precision, text, double precision),
  public.report_join(bigint, uuid, text, text), public.report_rate(text, public.report_rating, boolean)
  to anon, authenticated, service_role;
revoke all on function app.report_token_hash(text), app.report_photo_ok(text, bytea) from public;
grant execute on function app.report_token_hash(text), app.report_photo_ok(text, bytea) to anon, authenticated, service_role;

/*
 * -------------------------------------------------------
 * Section: staff steps — dispatch, accept, note, return, close, merge, whistle, hide
 * Each checks who may make it (42501 if not), and the state (55000 if wrong).
 * -------------------------------------------------------
 */
create or replace function app.report_route(p_category public.report_category, p_town text)
returns table (department_code text, unit_town_code text)
language sql stable security definer
set search_path = ''
as $$
  select x.d, case when x.d is null then p_town end
    from (select coalesce(
      (select rr.department_code from public.report_routes rr where rr.category = p_category and rr.town_code = p_town),
      (select rr.department_code from public.report_routes rr where rr.category = p_category and rr.town_code is null)) as d) x
$$;

-- Locks the report and checks the caller: 'desk', 'lead' (assigned unit) or 'handler' (lead or co-handler).
create or replace function app.report_for_step(p_report bigint, p_who text) returns public.reports
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  r public.reports;
  v_ok boolean;
begin
  select * into r from public.reports x where x.id = p_report for update;
  if not found then raise exception 'no report %', p_report using errcode = 'P0002'; end if;
  v_ok := case p_who
      when 'desk' then app.report_desk(r.town_code)
      when 'lead' then app.report_handler(r.id, false)
      when 'handler' then app.report_handler(r.id, true) or app.report_desk(r.town_code)
      when 'whistle' then app.report_desk(r.town_code) or (r.unit_town_code is not null and app.report_handler(r.id, false))
      else false end;
  if not coalesce(v_ok, false) then
    raise exception 'not allowed to % this report', p_who using errcode = '42501';
  end if;
  return r;
end;
$$;

create or replace function app.report_log(p_report bigint, p_kind text, p_note text default null, p_public boolean default true, p_unit text default null)
returns void
language sql volatile security definer
set search_path = ''
as $$
  insert into public.report_events (report_id, kind, public, actor, unit, note)
  values (p_report, p_kind, p_public, auth.uid(),
          coalesce(p_unit, (select coalesce(s.department_code, s.town_code) from public.staff s where s.user_id = auth.uid())), p_note)
$$;

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
  if v_dept is null and v_town is null then
    select x.department_code, x.unit_town_code into v_dept, v_town from app.report_route(r.category, r.town_code) x;
  end if;
  select * into strict v_cat from public.report_categories c where c.code = r.category;
  update public.reports set status = 'dispatched', department_code = v_dept, unit_town_code = v_town,
         dispatched_at = now(), accepted_at = null, escalated_at = null,
         accept_due_at = now() + make_interval(hours => v_cat.accept_hours),
         due_at = now() + make_interval(hours => v_cat.feedback_hours)
   where id = r.id;
  perform app.report_log(r.id, 'dispatched', null, true, coalesce(v_dept, v_town));
  return coalesce(v_dept, v_town);
end;
$$;

create or replace function public.report_accept(p_report bigint) returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare r public.reports := app.report_for_step(p_report, 'lead');
begin
  if r.status <> 'dispatched' then raise exception 'report % is %, not awaiting acceptance', r.ticket, r.status using errcode = '55000'; end if;
  update public.reports set status = 'accepted', accepted_at = now() where id = r.id;
  perform app.report_log(r.id, 'accepted');
end;
$$;

create or replace function public.report_note(p_report bigint, p_note text, p_public boolean) returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare r public.reports := app.report_for_step(p_report, 'handler');
begin
  if length(btrim(coalesce(p_note, ''))) = 0 then raise exception 'a note needs words' using errcode = '22023'; end if;
  perform app.report_log(r.id, 'note', btrim(p_note), p_public);
end;
$$;

/** 退单: the assigned unit returns a wrongly dispatched report to the desk, with a reason. */
create or replace function public.report_return(p_report bigint, p_reason text) returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare r public.reports := app.report_for_step(p_report, 'lead');
begin
  if r.status not in ('dispatched', 'accepted') then raise exception 'report % is %', r.ticket, r.status using errcode = '55000'; end if;
  if length(btrim(coalesce(p_reason, ''))) = 0 then raise exception 'say why it is returned' using errcode = '22023'; end if;
  perform app.report_log(r.id, 'returned', btrim(p_reason), false);
  update public.reports set status = 'received', department_code = null, unit_town_code = null, accepted_at = null,
         accept_due_at = null, due_at = null, escalated_at = null, dispatch_due_at = now() + interval '2 hours'
   where id = r.id;
end;
$$;

/** 办结: the assigned unit replies and closes; p_photos as in report_submit. */
create or replace function public.report_close(p_report bigint, p_reply text, p_photos jsonb default '[]') returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  r public.reports := app.report_for_step(p_report, 'lead');
  v_photo jsonb;
  v_bytes bytea;
begin
  if r.status <> 'accepted' then raise exception 'report % is %: accept it first', r.ticket, r.status using errcode = '55000'; end if;
  if length(btrim(coalesce(p_reply, ''))) < 5 then raise exception 'the reply needs at least 5 characters' using errcode = '22023'; end if;
  if jsonb_typeof(coalesce(p_photos, '[]')) <> 'array' or jsonb_array_length(coalesce(p_photos, '[]')) > 4 then
    raise exception 'at most 4 photos' using errcode = '22023';
  end if;
  for v_photo in select * from jsonb_array_elements(coalesce(p_photos, '[]')) loop
    v_bytes := decode(v_photo ->> 'base64', 'base64');
    if not app.report_photo_ok(v_photo ->> 'type', v_bytes) then
      raise exception 'a photo is not a JPEG or WebP image' using errcode = '22023';
    end if;
    insert into public.report_photos (report_id, stage, content_type, bytes, width, height)
    values (r.id, 'reply', v_photo ->> 'type', v_bytes, (v_photo ->> 'width')::integer, (v_photo ->> 'height')::integer);
  end loop;
  update public.reports set status = 'closed', closed_at = now(), reply = btrim(p_reply) where id = r.id;
  perform app.report_log(r.id, 'closed', btrim(p_reply));
end;
$$;

/** Merges a duplicate into another open report: its people join the other as supporters. */
create or replace function public.report_merge(p_report bigint, p_into bigint) returns text
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  r public.reports := app.report_for_step(p_report, 'desk');
  target public.reports := app.report_for_step(p_into, 'desk');
begin
  if r.id = target.id then raise exception 'a report cannot be merged into itself' using errcode = '22023'; end if;
  if r.status not in ('received', 'dispatched', 'accepted') or target.status not in ('received', 'dispatched', 'accepted') then
    raise exception 'both reports must be open' using errcode = '55000';
  end if;
  update public.report_people set report_id = target.id, kind = 'supporter' where report_id = r.id;
  update public.reports set status = 'merged', merged_into = target.id where id = r.id;
  perform app.report_log(r.id, 'merged', target.ticket);
  perform app.report_log(target.id, 'joined', r.ticket);
  return target.ticket;
end;
$$;

/** 吹哨报到: the desk, or the township handling the report, summons a department as co-handler. */
create or replace function public.report_whistle(p_report bigint, p_department text) returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare r public.reports := app.report_for_step(p_report, 'whistle');
begin
  if r.status not in ('dispatched', 'accepted') then raise exception 'report % is %', r.ticket, r.status using errcode = '55000'; end if;
  insert into public.report_cohandlers (report_id, department_code) values (r.id, p_department)
    on conflict do nothing;
  if found then perform app.report_log(r.id, 'whistle', null, true, p_department); end if;
end;
$$;

/** Moderation: hide a report (abuse, personal data in the text), or remove one photo's bytes. */
create or replace function public.report_hide(p_report bigint, p_reason text) returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare r public.reports := app.report_for_step(p_report, 'desk');
begin
  if length(btrim(coalesce(p_reason, ''))) = 0 then raise exception 'say why it is hidden' using errcode = '22023'; end if;
  update public.reports set status = 'hidden' where id = r.id;
  perform app.report_log(r.id, 'hidden', btrim(p_reason), false);
end;
$$;

create or replace function public.report_redact_photo(p_photo bigint) returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare v_report bigint;
begin
  select p.report_id into v_report from public.report_photos p where p.id = p_photo;
  if not found then raise exception 'no photo %', p_photo using errcode = 'P0002'; end if;
  perform app.report_for_step(v_report, 'desk');
  update public.report_photos set bytes = null, redacted_at = now() where id = p_photo;
  perform app.report_log(v_report, 'photo_redacted', p_photo::text, false);
end;
$$;

revoke all on function app.report_route(public.report_category, text), app.report_for_step(bigint, text),
  app.report_log(bigint, text, text, boolean, text) from public;
grant execute on function app.report_route(public.report_category, text) to anon, authenticated, service_role;

revoke all on function public.report_dispatch(bigint, text, text), public.report_accept(bigint),
  public.report_note(bigint, text, boolean), public.report_return(bigint, text), public.report_close(bigint, text, jsonb),
  public.report_merge(bigint, bigint), public.report_whistle(bigint, text), public.report_hide(bigint, text),
  public.report_redact_photo(bigint) from public;
grant execute on function public.report_dispatch(bigint, text, text), public.report_accept(bigint),
  public.report_note(bigint, text, boolean), public.report_return(bigint, text), public.report_close(bigint, text, jsonb),
  public.report_merge(bigint, bigint), public.report_whistle(bigint, text), public.report_hide(bigint, text),
  public.report_redact_photo(bigint) to authenticated;

/*
 * -------------------------------------------------------
 * Section: the three rates — public aggregates, no personal data
 * Per unit (department or township) and Beijing month of dispatch:
 *   response   = accepted by the accept deadline / dispatched
 *   resolution = closed by the feedback deadline / dispatched
 *   satisfaction = (satisfied + basically satisfied) / rated
 * -------------------------------------------------------
 */
create or replace function public.report_rates(p_from date, p_to date)
returns table (month text, unit_kind text, unit_code text, dispatched integer, responded integer, resolved integer,
               rated integer, satisfied integer)
language sql stable security definer
set search_path = ''
as $$
  select to_char(r.dispatched_at at time zone 'Asia/Shanghai', 'YYYY-MM'),
         case when r.department_code is not null then 'department' else 'town' end,
         coalesce(r.department_code, r.unit_town_code),
         count(*)::integer,
         count(*) filter (where r.accepted_at is not null and r.accepted_at <= r.accept_due_at)::integer,
         count(*) filter (where r.closed_at is not null and r.closed_at <= r.due_at)::integer,
         count(r.rating)::integer,
         count(*) filter (where r.rating in ('satisfied', 'basically_satisfied'))::integer
    from public.reports r
   where r.dispatched_at is not null and r.status not in ('merged', 'hidden')
     and (r.dispatched_at at time zone 'Asia/Shanghai')::date between p_from and p_to
   group by 1, 2, 3
   order by 1 desc, 2, 3
$$;
revoke all on function public.report_rates(date, date) from public;
grant execute on function public.report_rates(date, date) to anon, authenticated, service_role;
