/*
 * =======================================================
 * The district's own geography, imported by admins (console or `npm run admin -- geo
 * import`): township boundaries, village places (points or polygons) and water layers.
 * No open data with a usable licence was in reach, so the tables start empty and the
 * app stays honest until the district loads its authoritative data.
 *
 * Real township boundaries replace the approximate Voronoi cells of public.town_areas
 * township by township: that view is the one place township areas come from (warning
 * geocodes, "who does this touch", delivery matching and reach, scenic areas, the
 * assistant), so they all pick real polygons up without further change.
 * =======================================================
 */

/*
 * -------------------------------------------------------
 * Section: tables
 * -------------------------------------------------------
 */
create table public.town_boundaries (
  town_code text primary key references public.towns (code) on delete cascade,
  area extensions.geometry(MultiPolygon, 4326) not null check (extensions.st_isvalid(area)),
  source text check (length(source) <= 300),
  imported_at timestamptz not null default now()
);
comment on table public.town_boundaries is 'Official township boundaries (WGS84) imported by admins; they replace the approximate Voronoi cell of their township.';
create index town_boundaries_area_idx on public.town_boundaries using gist (area);

create table public.village_places (
  village_code text primary key references public.villages (code) on delete cascade,
  geom extensions.geometry(Geometry, 4326) not null
    check (extensions.geometrytype(geom) in ('POINT', 'MULTIPOLYGON') and extensions.st_isvalid(geom)),
  source text check (length(source) <= 300),
  imported_at timestamptz not null default now()
);
comment on table public.village_places is 'Where a village is (WGS84): its committee''s point or its polygon, imported by admins.';
create index village_places_geom_idx on public.village_places using gist (geom);

create table public.water_features (
  ref text primary key check (ref ~ '^[A-Za-z0-9._:-]{1,64}$'),
  kind text not null check (kind in ('water_body', 'river')),
  name_zh text not null check (length(name_zh) between 1 and 100),
  name_en text not null check (length(name_en) between 1 and 200),
  geom extensions.geometry(Geometry, 4326) not null
    check (extensions.geometrytype(geom) in ('MULTIPOLYGON', 'MULTILINESTRING') and extensions.st_isvalid(geom)),
  source text check (length(source) <= 300),
  imported_at timestamptz not null default now()
);
comment on table public.water_features is 'Reservoirs, lakes (polygons) and rivers (lines) as plain map layers, imported by admins.';

/*
 * -------------------------------------------------------
 * Section: row level security
 * Public reference data: everyone reads; only admins write (imports run as the admin).
 * -------------------------------------------------------
 */
alter table public.town_boundaries enable row level security;
alter table public.village_places enable row level security;
alter table public.water_features enable row level security;
revoke insert, update, delete, truncate on public.town_boundaries, public.village_places, public.water_features from anon;
grant select on public.town_boundaries, public.village_places, public.water_features to anon, authenticated;
grant insert, update, delete on public.town_boundaries, public.village_places, public.water_features to authenticated;
grant all on public.town_boundaries, public.village_places, public.water_features to service_role;

create policy "township boundaries are public" on public.town_boundaries for select to anon, authenticated using (true);
create policy "admins write township boundaries" on public.town_boundaries for all to authenticated
  using (app.is_admin()) with check (app.is_admin());
create policy "village places are public" on public.village_places for select to anon, authenticated using (true);
create policy "admins write village places" on public.village_places for all to authenticated
  using (app.is_admin()) with check (app.is_admin());
create policy "water layers are public" on public.water_features for select to anon, authenticated using (true);
create policy "admins write water layers" on public.water_features for all to authenticated
  using (app.is_admin()) with check (app.is_admin());

/*
 * -------------------------------------------------------
 * Section: township areas — real where imported, approximate elsewhere
 * Townships with an imported boundary take it as is. The others keep a Voronoi cell,
 * now computed among the remaining seats only and with the real boundaries cut out,
 * so cells never overlap a real township and fill the rest of the district.
 * `approximate` tells pages which areas still need the "approximate" note.
 * -------------------------------------------------------
 */
drop materialized view public.town_areas;
create materialized view public.town_areas as
  with real_areas as (
    select b.town_code as code, b.area from public.town_boundaries b
  ), covered as (
    select extensions.st_union(r.area) as g from real_areas r
  ), seats as (
    select t.code, t.seat from public.towns t
     where t.seat is not null and not exists (select 1 from real_areas r where r.code = t.code)
  ), cells as (
    select (extensions.st_dump(extensions.st_voronoipolygons(
      extensions.st_collect(s.seat), 0, (select d.outline from public.district d limit 1)))).geom as cell
    from seats s
  ), approximate as (
    select s.code,
           extensions.st_multi(extensions.st_collectionextract(
             case when c.g is null then extensions.st_intersection(x.cell, d.outline)
                  else extensions.st_difference(extensions.st_intersection(x.cell, d.outline), c.g) end, 3)) as area
      from seats s
      join cells x on extensions.st_intersects(x.cell, s.seat)
      cross join public.district d
      cross join covered c
  )
  select r.code, r.area::extensions.geometry(MultiPolygon, 4326) as area, false as approximate from real_areas r
  union all
  select a.code, a.area::extensions.geometry(MultiPolygon, 4326), true from approximate a
   where not extensions.st_isempty(a.area);
comment on materialized view public.town_areas is
  'Township areas: the imported boundary where there is one (approximate = false), else the Voronoi cell of the town seat among the remaining seats, clipped to the district and cut by the real boundaries (approximate = true).';
create unique index town_areas_code_idx on public.town_areas (code);
create index town_areas_area_idx on public.town_areas using gist (area);
grant select on public.town_areas to anon, authenticated, service_role;

create trigger town_boundaries_refresh_areas after insert or update or delete on public.town_boundaries
  for each statement execute function app.refresh_town_areas();

/*
 * -------------------------------------------------------
 * Section: geological hazard points (地质灾害隐患点)
 * The point, its kind and who it threatens are public (people need to know the danger
 * near them). The monitor's name and phone are personal data: only the staff of the
 * point's township and admins read them, in a table of their own.
 * -------------------------------------------------------
 */
create table public.hazard_points (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique check (ref ~ '^[A-Za-z0-9._:-]{1,64}$'),
  kind text not null check (kind in ('collapse', 'landslide', 'debris_flow', 'ground_collapse', 'ground_fissure', 'ground_subsidence', 'unstable_slope')),
  town_code text not null references public.towns (code),
  village_code text references public.villages (code),
  location extensions.geometry(Point, 4326) not null,
  households integer not null default 0 check (households between 0 and 100000),
  people integer not null default 0 check (people between 0 and 1000000),
  refuge_shelter_id uuid references public.shelters (id) on delete set null,
  refuge_place text check (length(refuge_place) <= 200),
  route text check (length(route) <= 500),
  demo boolean not null default false,
  updated_at timestamptz not null default now()
);
comment on table public.hazard_points is 'Geological hazard points (地质灾害隐患点): kind, place, households and people threatened, refuge and route. Public; no personal data (see hazard_point_monitors).';
create index hazard_points_location_idx on public.hazard_points using gist (location);
create index hazard_points_town_idx on public.hazard_points (town_code);

create table public.hazard_point_monitors (
  hazard_point_id uuid primary key references public.hazard_points (id) on delete cascade,
  name text not null check (length(name) between 1 and 40),
  phone text not null check (phone ~ '^[0-9+() -]{3,30}$')
);
comment on table public.hazard_point_monitors is 'The monitor (群测群防员) of a hazard point: personal data, read only by the staff of the point''s township and admins.';

alter table public.hazard_points enable row level security;
alter table public.hazard_point_monitors enable row level security;
revoke all on public.hazard_point_monitors from anon;
revoke insert, update, delete, truncate on public.hazard_points from anon;
grant select on public.hazard_points to anon, authenticated;
grant insert, update, delete on public.hazard_points to authenticated;
grant select, insert, update, delete on public.hazard_point_monitors to authenticated;
grant all on public.hazard_points, public.hazard_point_monitors to service_role;

create policy "hazard points are public" on public.hazard_points for select to anon, authenticated using (true);
create policy "admins write hazard points" on public.hazard_points for all to authenticated
  using (app.is_admin()) with check (app.is_admin());
create policy "the township's staff and admins read monitors" on public.hazard_point_monitors for select to authenticated
  using (app.is_admin() or exists (select 1 from public.hazard_points p
                                    where p.id = hazard_point_id and p.town_code = app.staff_town()));
create policy "admins write monitors" on public.hazard_point_monitors for all to authenticated
  using (app.is_admin()) with check (app.is_admin());

/*
 * -------------------------------------------------------
 * Section: subscriptions per village (the console map)
 * How many live subscriptions watch each village: what a warning covering it would
 * reach. Counts only, for warning issuers and admins — as app.delivery_reach.
 * -------------------------------------------------------
 */
create or replace function app.village_subscriptions()
returns table (village_code text, subscriptions bigint)
language plpgsql stable security definer
set search_path = ''
as $$
begin
  if app.caller_role() is distinct from 'warning_issuer' and app.caller_role() is distinct from 'admin'
     and auth.role() is distinct from 'service_role' then
    raise exception 'only warning issuers and admins see delivery reach' using errcode = '42501';
  end if;
  return query
    select p.village_code, count(distinct s.id)
      from public.subscription_places p
      join public.subscriptions s on s.id = p.subscription_id
     where p.village_code is not null and s.confirmed and (s.until is null or s.until > now())
     group by p.village_code;
end;
$$;
comment on function app.village_subscriptions() is 'Per village, how many live subscriptions watch it (counts only); issuers and admins.';
revoke all on function app.village_subscriptions() from public;
grant execute on function app.village_subscriptions() to authenticated, service_role;
