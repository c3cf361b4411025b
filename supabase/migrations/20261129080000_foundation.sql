/**
 * Safe Miyun — foundation schema.
 *
 * Runs unchanged on Supabase (`supabase db push`) and, after the app's bootstrap
 * (src/lib/server/db/bootstrap.ts), on any PostgreSQL >= 15 with PostGIS and on
 * PGlite. Authorization is Row Level Security: every table has it enabled, and the
 * app runs each request as `anon` or `authenticated` with `request.jwt.claims` set.
 */

create extension if not exists postgis with schema extensions;

/*
 * -------------------------------------------------------
 * Section: schemas
 * `app` holds helper functions that policies call; `app_private` holds what only
 * the identity issuer and background jobs (service_role) may touch.
 * -------------------------------------------------------
 */
create schema if not exists app;
grant usage on schema app to anon, authenticated, service_role;

create schema if not exists app_private;
revoke all on schema app_private from public, anon, authenticated;
grant usage on schema app_private to service_role;

create or replace function app.touch_updated_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

/*
 * -------------------------------------------------------
 * Section: places — the district, its township-level units and villages
 * Official statistical codes; rows come from supabase/reference (generated migration).
 * -------------------------------------------------------
 */
create table public.district (
  adcode integer primary key,
  name_zh text not null,
  name_en text not null,
  outline extensions.geometry(MultiPolygon, 4326) not null,
  source text not null
);
comment on table public.district is 'The district outline (WGS84), one row: Miyun, adcode 110118.';
create index district_outline_idx on public.district using gist (outline);

create table public.towns (
  code text primary key check (code ~ '^110118[0-9]{3}$'),
  name_zh text not null,
  name_en text not null,
  kind text not null check (kind in ('town', 'subdistrict', 'area')),
  seat extensions.geometry(Point, 4326),
  seat_confidence text check (seat_confidence in ('high', 'medium', 'low')),
  seat_source text,
  population integer check (population >= 0),
  population_source text
);
comment on table public.towns is 'Township-level units (镇/街道/地区) with 9-digit statistical codes; seat = town government, where sourced.';

create table public.villages (
  code text primary key check (code ~ '^110118[0-9]{6}$'),
  town_code text not null references public.towns (code),
  name_zh text not null,
  name_en text not null,
  kind text not null check (kind in ('village', 'community'))
);
comment on table public.villages is 'Villages (村) and communities (社区) with 12-digit statistical codes.';
create index villages_town_idx on public.villages (town_code);

/*
 * -------------------------------------------------------
 * Section: departments
 * The district departments that warnings come from and reports are routed to.
 * Admins edit them in the console; a department's own staff may update its phone.
 * -------------------------------------------------------
 */
create table public.departments (
  code text primary key check (code ~ '^[a-z][a-z0-9_]{1,39}$'),
  name_zh text not null check (length(name_zh) between 1 and 100),
  name_en text not null check (length(name_en) between 1 and 200),
  short_zh text check (length(short_zh) <= 40),
  phone text check (phone ~ '^[0-9+() -]{3,30}$'),
  sort integer not null default 100,
  active boolean not null default true,
  updated_at timestamptz not null default now()
);
comment on table public.departments is 'District departments (应急管理局, 水务局, …): routing targets and warning senders.';
create trigger departments_touch before update on public.departments
  for each row execute function app.touch_updated_at();

/*
 * -------------------------------------------------------
 * Section: staff
 * A staff account is an auth.users row (Supabase Auth or the built-in issuer) plus
 * this profile, which says what the person may do and for which unit.
 * -------------------------------------------------------
 */
create type public.staff_role as enum ('dispatcher', 'handler', 'warning_issuer', 'admin');

create table public.staff (
  user_id uuid primary key references auth.users (id) on delete cascade,
  email text not null unique check (email = lower(email) and email like '%_@_%'),
  display_name text check (length(display_name) <= 80),
  role public.staff_role not null,
  department_code text references public.departments (code),
  town_code text references public.towns (code),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Every account belongs to exactly one unit: a department or a township.
  constraint staff_one_unit check (num_nonnulls(department_code, town_code) = 1)
);
comment on table public.staff is 'Staff profiles: role and unit (department or township) of each signed-in staff member.';
create index staff_department_idx on public.staff (department_code);
create index staff_town_idx on public.staff (town_code);
create trigger staff_touch before update on public.staff
  for each row execute function app.touch_updated_at();

/*
 * -------------------------------------------------------
 * Section: API keys
 * For machine clients (an upstream warning feed, an Open311 client). Created by an
 * admin, shown once, stored as SHA-256 only. Their id is the `sub` of the claims a
 * request with the key runs under.
 * -------------------------------------------------------
 */
create table public.api_keys (
  id uuid primary key default gen_random_uuid(),
  name text not null unique check (length(name) between 1 and 80),
  role text not null check (role in ('warning_issuer', 'dispatcher', 'open311')),
  prefix text not null check (length(prefix) between 4 and 16),
  key_hash text not null unique check (key_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
comment on table public.api_keys is 'API keys of machine clients; only the hash is stored, the key is shown once.';

/*
 * -------------------------------------------------------
 * Section: who is calling — helpers for policies
 * security definer so a policy can read staff/api_keys without granting the caller
 * read access to them; search_path is empty so nothing can be shadowed.
 * -------------------------------------------------------
 */
create or replace function app.staff_role() returns public.staff_role
language sql stable security definer
set search_path = ''
as $$
  select s.role from public.staff s where s.user_id = auth.uid() and s.active
$$;

create or replace function app.staff_department() returns text
language sql stable security definer
set search_path = ''
as $$
  select s.department_code from public.staff s where s.user_id = auth.uid() and s.active
$$;

create or replace function app.staff_town() returns text
language sql stable security definer
set search_path = ''
as $$
  select s.town_code from public.staff s where s.user_id = auth.uid() and s.active
$$;

create or replace function app.is_admin() returns boolean
language sql stable security definer
set search_path = ''
as $$
  select coalesce((select s.role = 'admin' from public.staff s where s.user_id = auth.uid() and s.active), false)
$$;

/** The role of the caller: a staff role, an API key's role, or null (anonymous). */
create or replace function app.caller_role() returns text
language sql stable security definer
set search_path = ''
as $$
  select coalesce(
    (select s.role::text from public.staff s where s.user_id = auth.uid() and s.active),
    (select k.role from public.api_keys k
      where k.id = auth.uid() and k.revoked_at is null
        and coalesce((auth.jwt() ->> 'api_key')::boolean, false))
  )
$$;

revoke all on function app.staff_role(), app.staff_department(), app.staff_town(), app.is_admin(), app.caller_role() from public;
grant execute on function app.staff_role(), app.staff_department(), app.staff_town(), app.is_admin(), app.caller_role()
  to anon, authenticated, service_role;

/*
 * -------------------------------------------------------
 * Section: row level security — places and departments
 * Public reference data: everyone reads; only admins change.
 * -------------------------------------------------------
 */
alter table public.district enable row level security;
alter table public.towns enable row level security;
alter table public.villages enable row level security;
alter table public.departments enable row level security;

create policy "places are public" on public.district for select to anon, authenticated using (true);
create policy "towns are public" on public.towns for select to anon, authenticated using (true);
create policy "villages are public" on public.villages for select to anon, authenticated using (true);
create policy "admins edit towns" on public.towns for update to authenticated
  using (app.is_admin()) with check (app.is_admin());
create policy "admins edit villages" on public.villages for update to authenticated
  using (app.is_admin()) with check (app.is_admin());

create policy "departments are public" on public.departments for select to anon, authenticated using (true);
create policy "admins add departments" on public.departments for insert to authenticated
  with check (app.is_admin());
create policy "admins and the department's own staff edit it" on public.departments for update to authenticated
  using (app.is_admin() or code = app.staff_department())
  with check (app.is_admin() or code = app.staff_department());

-- A department's own staff may keep its phone current; names, order and status are the admins'.
create or replace function app.departments_guard() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if not app.is_admin() and auth.role() is distinct from 'service_role'
     and (new.code, new.name_zh, new.name_en, new.short_zh, new.sort, new.active)
         is distinct from (old.code, old.name_zh, old.name_en, old.short_zh, old.sort, old.active) then
    raise exception 'only an admin may change a department''s names, order or status'
      using errcode = '42501';
  end if;
  return new;
end;
$$;
create trigger departments_guard before update on public.departments
  for each row execute function app.departments_guard();

/*
 * -------------------------------------------------------
 * Section: row level security — staff and API keys
 * Anonymous callers see neither. Staff see themselves and colleagues of their own
 * unit; admins see and manage everyone. API keys are the admins' alone, and even
 * they cannot read a key's hash.
 * -------------------------------------------------------
 */
alter table public.staff enable row level security;
alter table public.api_keys enable row level security;
revoke all on public.staff, public.api_keys from anon;

create policy "staff see themselves and their unit" on public.staff for select to authenticated
  using (
    user_id = auth.uid()
    or app.is_admin()
    or (department_code is not null and department_code = app.staff_department())
    or (town_code is not null and town_code = app.staff_town())
  );
create policy "admins add staff" on public.staff for insert to authenticated with check (app.is_admin());
create policy "admins edit staff" on public.staff for update to authenticated
  using (app.is_admin()) with check (app.is_admin());
create policy "admins remove staff" on public.staff for delete to authenticated using (app.is_admin());

revoke all on public.api_keys from authenticated;
grant select (id, name, role, prefix, created_at, last_used_at, revoked_at) on public.api_keys to authenticated;
grant update (revoked_at) on public.api_keys to authenticated;
create policy "admins see api keys" on public.api_keys for select to authenticated using (app.is_admin());
create policy "admins revoke api keys" on public.api_keys for update to authenticated
  using (app.is_admin()) with check (app.is_admin());

/*
 * -------------------------------------------------------
 * Section: the built-in issuer's private tables
 * Used only when Supabase Auth is not configured. service_role only: RLS is on and
 * no policy grants anything to anon or authenticated.
 * -------------------------------------------------------
 */
create table app_private.sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  ip text,
  user_agent text
);
comment on table app_private.sessions is 'Sign-in sessions of the built-in issuer; a token is valid only while its session is.';
create index sessions_user_idx on app_private.sessions (user_id);

create table app_private.sign_in_failures (
  key text primary key,
  failures integer not null default 0,
  window_started_at timestamptz not null default now(),
  locked_until timestamptz
);
comment on table app_private.sign_in_failures is 'Failed sign-ins per e-mail and per client address, for lockout.';

create table app_private.secrets (
  name text primary key,
  value text not null,
  created_at timestamptz not null default now()
);
comment on table app_private.secrets is 'Keys generated once for the embedded default (JWT signing secret, later VAPID).';

alter table app_private.sessions enable row level security;
alter table app_private.sign_in_failures enable row level security;
alter table app_private.secrets enable row level security;
grant all on all tables in schema app_private to service_role;
