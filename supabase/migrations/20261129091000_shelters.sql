/**
 * Shelters (应急避难场所) and evacuation routes.
 *
 * A shelter knows the hazards it is suitable for: most of Miyun lives downstream of the
 * reservoir, and a site that is right after an earthquake can be under water in a flood.
 * The nearest-shelter search (public.nearest_shelters) only offers open shelters suitable
 * for the hazard asked about, and leaves out those inside the area of an active warning
 * for that hazard (app.active_hazard_areas), saying why.
 */

/*
 * -------------------------------------------------------
 * Section: types
 * Duration classes per GB/T 44013-2024 (紧急 / 短期 / 长期); GB 21734 classes I/II/III are
 * mapped on import (src/lib/server/shelters/import.ts).
 * -------------------------------------------------------
 */
create type public.shelter_class as enum ('emergency', 'short_term', 'long_term');
comment on type public.shelter_class is 'GB/T 44013-2024 duration class: 紧急 emergency / 短期 short-term / 长期 long-term.';

create type public.shelter_status as enum ('open', 'closed', 'full');
comment on type public.shelter_status is 'Whether a shelter takes people now.';

create type public.shelter_facility as enum (
  'water', 'power', 'toilets', 'medical', 'supplies', 'helipad', 'step_free', 'heating', 'broadcast', 'kitchen', 'showers', 'beds'
);
comment on type public.shelter_facility is 'Facilities a shelter offers; names via i18n shelters.facility.<code>.';

/*
 * -------------------------------------------------------
 * Section: shelters
 * -------------------------------------------------------
 */
create table public.shelters (
  id uuid primary key default gen_random_uuid(),
  ref text unique check (ref ~ '^[A-Za-z0-9._:-]{1,64}$'),
  name_zh text not null check (length(name_zh) between 1 and 100),
  name_en text not null check (length(name_en) between 1 and 200),
  address text check (length(address) <= 200),
  town_code text references public.towns (code),
  position extensions.geography(Point, 4326) not null,
  class public.shelter_class not null,
  indoor boolean not null,
  area_m2 integer check (area_m2 > 0),
  capacity integer not null check (capacity >= 0),
  facilities public.shelter_facility[] not null default '{}',
  hazards public.hazard_code[] not null check (cardinality(hazards) > 0),
  status public.shelter_status not null default 'open',
  occupancy integer not null default 0 check (occupancy >= 0),
  contact text check (length(contact) <= 100),
  phone text check (phone ~ '^[0-9+() -]{3,30}$'),
  note text check (length(note) <= 500),
  demo boolean not null default false,
  retired_at timestamptz,
  updated_at timestamptz not null default now()
);
comment on table public.shelters is 'Emergency shelters with position (WGS84), GB/T 44013 class, capacity, facilities, suitable hazards and live status. demo = synthetic seed data, never real.';
comment on column public.shelters.ref is 'Identifier in the imported source list; re-importing a row with the same ref updates it.';
comment on column public.shelters.hazards is 'Hazards the shelter is suitable for; an earthquake site below the reservoir is not a flood site.';
create index shelters_position_idx on public.shelters using gist (position);
create index shelters_town_idx on public.shelters (town_code);
create trigger shelters_touch before update on public.shelters
  for each row execute function app.touch_updated_at();

/*
 * -------------------------------------------------------
 * Section: evacuation routes
 * From a village or an at-risk area (险村险户, a point or a polygon) to a shelter.
 * -------------------------------------------------------
 */
create table public.evacuation_routes (
  id uuid primary key default gen_random_uuid(),
  shelter_id uuid not null references public.shelters (id) on delete cascade,
  village_code text references public.villages (code),
  origin_name_zh text not null check (length(origin_name_zh) between 1 and 100),
  origin_name_en text not null check (length(origin_name_en) between 1 and 200),
  origin extensions.geometry(Geometry, 4326) not null
    check (extensions.geometrytype(origin) in ('POINT', 'POLYGON', 'MULTIPOLYGON')),
  path extensions.geometry(LineString, 4326) not null,
  description_zh text check (length(description_zh) <= 1000),
  description_en text check (length(description_en) <= 2000),
  walk_minutes integer not null check (walk_minutes between 1 and 600),
  demo boolean not null default false,
  updated_at timestamptz not null default now()
);
comment on table public.evacuation_routes is 'Evacuation routes: a walking line from a village or at-risk area (险村险户) to a shelter. demo = synthetic seed data.';
create index evacuation_routes_shelter_idx on public.evacuation_routes (shelter_id);
create trigger evacuation_routes_touch before update on public.evacuation_routes
  for each row execute function app.touch_updated_at();

/*
 * -------------------------------------------------------
 * Section: row level security
 * Everyone reads shelters in service and all routes. Admins create, edit and retire;
 * staff of a township keep its shelters' status, occupancy and note current — nothing else.
 * -------------------------------------------------------
 */
alter table public.shelters enable row level security;
alter table public.evacuation_routes enable row level security;
-- Anonymous callers only ever read; say so with privileges as well as policies.
revoke insert, update, delete, truncate on public.shelters, public.evacuation_routes from anon;

create policy "shelters in service are public" on public.shelters for select to anon, authenticated
  using (retired_at is null or app.staff_role() is not null);
create policy "admins add shelters" on public.shelters for insert to authenticated with check (app.is_admin());
create policy "admins and the township's staff update shelters" on public.shelters for update to authenticated
  using (app.is_admin() or (town_code is not null and town_code = app.staff_town()))
  with check (app.is_admin() or (town_code is not null and town_code = app.staff_town()));
create policy "admins delete shelters" on public.shelters for delete to authenticated using (app.is_admin());

-- Township staff change the live fields only; the registry itself is the admins'.
create or replace function app.shelters_guard() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if not app.is_admin() and auth.role() is distinct from 'service_role'
     and (to_jsonb(new) - array['status', 'occupancy', 'note', 'updated_at'])
         is distinct from (to_jsonb(old) - array['status', 'occupancy', 'note', 'updated_at']) then
    raise exception 'only an admin may change a shelter''s registry entry; township staff update status, occupancy and note'
      using errcode = '42501';
  end if;
  return new;
end;
$$;
create trigger shelters_guard before update on public.shelters
  for each row execute function app.shelters_guard();

create policy "routes are public" on public.evacuation_routes for select to anon, authenticated using (true);
create policy "admins add routes" on public.evacuation_routes for insert to authenticated with check (app.is_admin());
create policy "admins edit routes" on public.evacuation_routes for update to authenticated
  using (app.is_admin()) with check (app.is_admin());
create policy "admins delete routes" on public.evacuation_routes for delete to authenticated using (app.is_admin());

/*
 * -------------------------------------------------------
 * Section: the nearest suitable shelter
 * KNN (`<->`) on the geography index. `candidates` are the nearest shelters suitable for
 * the hazard whatever their state; those not open or inside an active warning area come
 * back with a reason, the rest in order of distance (metres, on the spheroid).
 * security invoker: RLS applies as for the caller.
 * -------------------------------------------------------
 */
create or replace function public.nearest_shelters(
  p_lat double precision, p_lon double precision, p_hazard public.hazard_code, p_limit integer
)
returns table (
  id uuid, name_zh text, name_en text, lat double precision, lon double precision,
  distance_m double precision, status public.shelter_status, capacity integer, occupancy integer,
  class public.shelter_class, indoor boolean, town_code text, demo boolean,
  excluded_reason text, warning_id uuid, warning_level public.warning_level
)
language sql stable
set search_path = ''
as $$
  -- The point is written out in each ORDER BY (not joined from a CTE) so that the
  -- planner can walk the GiST index in distance order.
  with areas as materialized (
    select a.warning_id, a.level, a.area from app.active_hazard_areas(p_hazard) a where p_hazard is not null
  ),
  candidates as (
    select s.id from public.shelters s
     where s.retired_at is null and (p_hazard is null or p_hazard = any (s.hazards))
     order by s.position operator(extensions.<->)
              extensions.st_setsrid(extensions.st_makepoint(p_lon, p_lat), 4326)::extensions.geography
     limit p_limit
  ),
  chosen as (
    select s.id from public.shelters s
     where s.retired_at is null and (p_hazard is null or p_hazard = any (s.hazards)) and s.status = 'open'
       and not exists (select 1 from areas a where extensions.st_intersects(a.area, s.position::extensions.geometry))
     order by s.position operator(extensions.<->)
              extensions.st_setsrid(extensions.st_makepoint(p_lon, p_lat), 4326)::extensions.geography
     limit p_limit
  ),
  answer as (
    select s.*, w.warning_id as w_id, w.level as w_level, (c.id is not null) as is_chosen
      from public.shelters s
      left join chosen c on c.id = s.id
      left join lateral (
        select a.warning_id, a.level from areas a
         where extensions.st_intersects(a.area, s.position::extensions.geometry)
         order by a.level desc limit 1
      ) w on true
     where s.id in (select id from chosen union select id from candidates)
  )
  select a.id, a.name_zh, a.name_en,
         extensions.st_y(a.position::extensions.geometry), extensions.st_x(a.position::extensions.geometry),
         extensions.st_distance(a.position, extensions.st_setsrid(extensions.st_makepoint(p_lon, p_lat), 4326)::extensions.geography),
         a.status, a.capacity, a.occupancy, a.class, a.indoor, a.town_code, a.demo,
         case when a.is_chosen then null when a.w_id is not null then 'in_warning_area' else a.status::text end,
         a.w_id, a.w_level
    from answer a
   where a.is_chosen or a.status <> 'open' or a.w_id is not null
   order by 14 nulls first, 6
$$;
comment on function public.nearest_shelters is 'Nearest open shelters suitable for a hazard, and the nearby ones left out with the reason (closed, full, in_warning_area).';
grant execute on function public.nearest_shelters(double precision, double precision, public.hazard_code, integer)
  to anon, authenticated, service_role;
