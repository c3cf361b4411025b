/**
 * Which warnings take the shelters inside their area out of the nearest-shelter answer.
 *
 * Leaving out a shelter because it lies inside a warning's area only makes sense where the
 * warned area itself is the danger: water (flood, flash flood), moving ground (landslide and
 * debris flow), fire and hazardous materials. An earthquake warning covers the whole area
 * people must shelter in, and a weather warning (rainstorm, gale, heat, cold, snow, fog …)
 * says nothing about the ground a shelter stands on: for those, the shelter's suitability
 * for the hazard decides, never its position inside the warned area.
 *
 * One row per hazard, with the reason shown to people in both languages. The device gets
 * this table and the active areas that exclude in its offline snapshot
 * (src/lib/shelters/exclusion.ts applies the same rule there).
 */

/*
 * -------------------------------------------------------
 * Section: the exclusion table
 * -------------------------------------------------------
 */
create table public.hazard_shelter_exclusion (
  hazard public.hazard_code primary key,
  excludes boolean not null,
  reason_zh text not null check (length(reason_zh) between 1 and 200),
  reason_en text not null check (length(reason_en) between 1 and 300)
);
comment on table public.hazard_shelter_exclusion is 'Per hazard: whether an active warning of it excludes the shelters inside its area from the nearest-shelter answer, whatever hazard is asked about, and why (shown to people). Every hazard has a row (a test checks).';

insert into public.hazard_shelter_exclusion (hazard, excludes, reason_zh, reason_en) values
  ('flood', true, '位于洪水预警区域内，可能被水淹没', 'inside a flood warning area: it may be flooded'),
  ('flash_flood', true, '位于山洪预警区域内，可能被山洪冲击', 'inside a flash flood warning area: a flash flood may reach it'),
  ('landslide', true, '位于地质灾害（滑坡、崩塌、泥石流）预警区域内', 'inside a landslide and debris flow warning area'),
  ('forest_fire', true, '位于森林火险预警区域内，可能受火灾威胁', 'inside a forest fire warning area: fire may reach it'),
  ('hazmat', true, '位于危险化学品事故预警区域内', 'inside a hazardous materials warning area'),
  ('earthquake', false, '地震预警覆盖整个区域，避难场所是否适用于地震决定能否前往', 'an earthquake warning covers the whole area; a shelter suitable for earthquakes is where to go'),
  ('rainstorm', false, '天气预警不排除区内避难场所；洪水、山洪预警才排除', 'a weather warning does not exclude shelters; flood and flash flood warnings do'),
  ('blizzard', false, '天气预警不排除区内避难场所', 'a weather warning does not exclude shelters'),
  ('cold_wave', false, '天气预警不排除区内避难场所', 'a weather warning does not exclude shelters'),
  ('gale', false, '天气预警不排除区内避难场所', 'a weather warning does not exclude shelters'),
  ('sandstorm', false, '天气预警不排除区内避难场所', 'a weather warning does not exclude shelters'),
  ('heat', false, '天气预警不排除区内避难场所', 'a weather warning does not exclude shelters'),
  ('drought', false, '天气预警不排除区内避难场所', 'a weather warning does not exclude shelters'),
  ('lightning', false, '天气预警不排除区内避难场所', 'a weather warning does not exclude shelters'),
  ('hail', false, '天气预警不排除区内避难场所', 'a weather warning does not exclude shelters'),
  ('frost', false, '天气预警不排除区内避难场所', 'a weather warning does not exclude shelters'),
  ('fog', false, '天气预警不排除区内避难场所', 'a weather warning does not exclude shelters'),
  ('haze', false, '天气预警不排除区内避难场所', 'a weather warning does not exclude shelters'),
  ('road_icing', false, '天气预警不排除区内避难场所', 'a weather warning does not exclude shelters'),
  ('typhoon', false, '天气预警不排除区内避难场所；洪水、山洪预警才排除', 'a weather warning does not exclude shelters; flood and flash flood warnings do'),
  ('public_emergency', false, '公共事件预警的区域是发布范围，不一定是危险区域；请按预警中的指引行动', 'a public emergency warning''s area is where it is announced, not necessarily the danger; follow its instructions');

alter table public.hazard_shelter_exclusion enable row level security;
revoke insert, update, delete, truncate on public.hazard_shelter_exclusion from anon, authenticated;
grant select on public.hazard_shelter_exclusion to anon, authenticated, service_role;
-- The rule is public (the device carries it); it changes only by migration.
create policy "the exclusion rule is public" on public.hazard_shelter_exclusion for select to anon, authenticated using (true);

/*
 * -------------------------------------------------------
 * Section: the areas that exclude shelters now
 * Built on app.active_hazard_areas (what "in force" means stays the warnings schema's).
 * -------------------------------------------------------
 */
create or replace function app.shelter_exclusion_areas()
returns table (warning_id uuid, hazard public.hazard_code, level public.warning_level, area extensions.geometry)
language sql stable
set search_path = ''
as $$
  select a.warning_id, x.hazard, a.level, a.area
    from public.hazard_shelter_exclusion x
    cross join lateral app.active_hazard_areas(x.hazard) a
   where x.excludes
$$;
comment on function app.shelter_exclusion_areas is 'Areas of the active Actual warnings whose hazard excludes shelters (public.hazard_shelter_exclusion).';
grant execute on function app.shelter_exclusion_areas() to anon, authenticated, service_role;

/*
 * -------------------------------------------------------
 * Section: the nearest suitable shelter (replaces 20261129091000_shelters.sql's)
 * Every active warning whose hazard excludes shelters leaves out the shelters in its area,
 * whatever hazard is asked about (a shelter in a flooding valley is no earthquake refuge
 * either); warnings of other hazards never do. A shelter with no free place is full
 * whatever its status says. The answer gains the excluding warning's hazard and the reason to show.
 * -------------------------------------------------------
 */
drop function public.nearest_shelters(double precision, double precision, public.hazard_code, integer);
create function public.nearest_shelters(
  p_lat double precision, p_lon double precision, p_hazard public.hazard_code, p_limit integer
)
returns table (
  id uuid, name_zh text, name_en text, lat double precision, lon double precision,
  distance_m double precision, status public.shelter_status, capacity integer, occupancy integer,
  class public.shelter_class, indoor boolean, town_code text, demo boolean,
  excluded_reason text, warning_id uuid, warning_level public.warning_level, warning_hazard public.hazard_code,
  reason_zh text, reason_en text
)
language sql stable
set search_path = ''
as $$
  -- The point is written out in each ORDER BY (not joined from a CTE) so that the
  -- planner can walk the GiST index in distance order.
  with areas as materialized (
    select a.warning_id, a.hazard, a.level, a.area from app.shelter_exclusion_areas() a
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
     where s.retired_at is null and (p_hazard is null or p_hazard = any (s.hazards))
       and s.status = 'open' and s.occupancy < s.capacity
       and not exists (select 1 from areas a where extensions.st_intersects(a.area, s.position::extensions.geometry))
     order by s.position operator(extensions.<->)
              extensions.st_setsrid(extensions.st_makepoint(p_lon, p_lat), 4326)::extensions.geography
     limit p_limit
  ),
  answer as (
    select s.*, w.warning_id as w_id, w.level as w_level, w.hazard as w_hazard, (c.id is not null) as is_chosen
      from public.shelters s
      left join chosen c on c.id = s.id
      left join lateral (
        select a.warning_id, a.level, a.hazard from areas a
         where extensions.st_intersects(a.area, s.position::extensions.geometry)
         order by a.level desc, a.hazard limit 1
      ) w on true
     where s.id in (select id from chosen union select id from candidates)
  )
  select a.id, a.name_zh, a.name_en,
         extensions.st_y(a.position::extensions.geometry), extensions.st_x(a.position::extensions.geometry),
         extensions.st_distance(a.position, extensions.st_setsrid(extensions.st_makepoint(p_lon, p_lat), 4326)::extensions.geography),
         a.status, a.capacity, a.occupancy, a.class, a.indoor, a.town_code, a.demo,
         case when a.is_chosen then null
              when a.w_id is not null then 'in_warning_area'
              when a.status <> 'open' then a.status::text
              else 'full' end,
         a.w_id, a.w_level, a.w_hazard, x.reason_zh, x.reason_en
    from answer a
    left join public.hazard_shelter_exclusion x on x.hazard = a.w_hazard
   where a.is_chosen or a.status <> 'open' or a.occupancy >= a.capacity or a.w_id is not null
   order by 14 nulls first, 6
$$;
comment on function public.nearest_shelters is 'Nearest open shelters with free places suitable for a hazard, and the nearby ones left out with the reason (closed, full, in_warning_area: inside an active warning whose hazard excludes shelters, public.hazard_shelter_exclusion).';
grant execute on function public.nearest_shelters(double precision, double precision, public.hazard_code, integer)
  to anon, authenticated, service_role;
