/*
 * =======================================================
 * A township's approximate area contains what belongs to it (outside finding,
 * 2026-12-04 night).
 *
 * A warning for 古北口镇 did not reach 司马台长城 or 古北水镇, though both are in that
 * township (a sourced fact: scenic_areas.town_code), because their sourced points lie in
 * the Voronoi cell of 新城子镇's seat. The seat-only cells are a guess; the township
 * attribute is a sourced fact, so the fact wins: the approximate cells are now drawn
 * around every sourced point of a township — its seat AND its scenic areas' points —
 * and the cells of one township are joined. Everything that reads public.town_areas
 * (geocodes of warnings, the console preview, delivery matching and reach, scenic pages,
 * the on-device "am I in it?" test of the warning's stored area, display screens,
 * Open311, the assistant) then agrees without a rule of its own. Imported real
 * boundaries still win over both (a surveyed line outranks a point's township note).
 *
 * The view is dropped and made again; public.village_areas depends on it and is
 * re-created unchanged (body of 20261204120000_unlocated_townships.sql).
 *
 * app.scenic_in_area is the one rule for "a warning's area reaches a scenic area",
 * used by the console preview and the scenic pages alike.
 * =======================================================
 */
drop materialized view public.town_areas cascade;
create materialized view public.town_areas as
  with real_areas as (
    select b.town_code as code, b.area from public.town_boundaries b
  ), covered as (
    select extensions.st_union(r.area) as g from real_areas r
  ), sites as (
    -- every sourced point that belongs to a township without an imported boundary
    select t.code, t.seat as pt from public.towns t
     where t.seat is not null and not exists (select 1 from real_areas r where r.code = t.code)
    union all
    select s.town_code, s.location from public.scenic_areas s
      join public.towns t on t.code = s.town_code and t.seat is not null
     where s.location is not null and not exists (select 1 from real_areas r where r.code = s.town_code)
  ), cells as (
    select (c.dump).path[1] as n, (c.dump).geom as cell
      from (select extensions.st_dump(extensions.st_voronoipolygons(
              extensions.st_collect(s.pt), 0, (select d.outline from public.district d limit 1))) as dump
              from sites s) c
  ), owned as (
    -- a cell belongs to the township of the site inside it (a site on two cells' border
    -- would name both: the lowest code takes it, so cells never overlap)
    select distinct on (x.n) x.n, x.cell, s.code
      from cells x join sites s on extensions.st_intersects(x.cell, s.pt)
     order by x.n, s.code
  ), joined as (
    select o.code, extensions.st_union(o.cell) as cell from owned o group by o.code
  ), approximate as (
    select j.code,
           extensions.st_multi(extensions.st_collectionextract(
             case when c.g is null then extensions.st_intersection(j.cell, d.outline)
                  else extensions.st_difference(extensions.st_intersection(j.cell, d.outline), c.g) end, 3)) as area
      from joined j
      cross join public.district d
      cross join covered c
  )
  select r.code, r.area::extensions.geometry(MultiPolygon, 4326) as area, false as approximate from real_areas r
  union all
  select a.code, a.area::extensions.geometry(MultiPolygon, 4326), true from approximate a
   where not extensions.st_isempty(a.area);
comment on materialized view public.town_areas is
  'Township areas: the imported boundary where there is one (approximate = false), else the union of the Voronoi cells of the township''s sourced points (its seat and its scenic areas) among all remaining sites, clipped to the district and cut by the real boundaries (approximate = true).';
create unique index town_areas_code_idx on public.town_areas (code);
create index town_areas_area_idx on public.town_areas using gist (area);
grant select on public.town_areas to anon, authenticated, service_role;

-- A scenic area's point or township changes the cells too.
create trigger scenic_areas_refresh_areas after insert or update of location, town_code or delete on public.scenic_areas
  for each statement execute function app.refresh_town_areas();

create or replace view public.village_areas with (security_invoker = true) as
  select v.code, v.town_code,
         case when p.geom is null then coalesce(a.area, d.outline)
              when extensions.geometrytype(p.geom) = 'POINT'
                then extensions.st_multi(extensions.st_buffer(p.geom::extensions.geography, 1500, 16)::extensions.geometry)
              else p.geom end::extensions.geometry(MultiPolygon, 4326) as area,
         p.geom is null as through_town,
         p.geom is null and a.code is null as district_wide
    from public.villages v
    left join public.village_places p on p.village_code = v.code
    left join public.town_areas a on a.code = v.town_code
    left join lateral (select x.outline from public.district x limit 1) d on true;
comment on view public.village_areas is
  'Where a village subscription is matched: its imported point buffered by 1,500 m, its imported polygon, else its township''s area (through_town), else — the township has no area yet — the whole district (district_wide).';
comment on column public.village_areas.district_wide is
  'The village''s township has no area yet (no seat, no imported boundary): the village receives every warning that touches the district.';
grant select on public.village_areas to anon, authenticated, service_role;

-- The one rule for "this area reaches that scenic area": its sourced point inside the
-- area; without a point, its township's area touched (app.area_touches).
create or replace function app.scenic_in_area(p_area extensions.geometry, p_location extensions.geometry, p_town text)
returns boolean
language sql stable
set search_path = ''
as $$
  select case when p_location is not null then extensions.st_intersects(p_area, p_location)
              else exists (select 1 from public.town_areas a where a.code = p_town and app.area_touches(p_area, a.area)) end
$$;
comment on function app.scenic_in_area(extensions.geometry, extensions.geometry, text) is
  'Whether an area (a warning''s) reaches a scenic area: its point inside, else its township''s area touched.';
grant execute on function app.scenic_in_area(extensions.geometry, extensions.geometry, text) to anon, authenticated, service_role;
