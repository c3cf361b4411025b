/*
 * =======================================================
 * Townships with no area yet (issue 16 follow-up): 8 township-level units (7 townships
 * and the Zhongguancun science park's area, 110118400) have no sourced seat, so public.town_areas has no row for them until the district
 * imports their boundary. A village subscription there was accepted and then matched
 * no warning at all: the subscriber was silently never informed.
 *
 * Until the township's boundary is imported, a village there (without an imported point
 * or polygon of its own) is matched by the whole district outline: it receives every
 * warning that touches the district. Over-informing is the lesser harm than missing a
 * warning. `district_wide` lets pages and the API say so plainly. Once a boundary is
 * imported, public.town_areas has the township and normal matching applies by itself.
 *
 * The fan-out (src/lib/server/delivery/queue.ts) and app.delivery_reach read
 * public.village_areas, so both pick the rule up without further change.
 * =======================================================
 */
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
