/*
 * =======================================================
 * Village areas: where a village subscription is matched. A village with an imported
 * point is matched by that point buffered by 1,500 m (a Miyun village's houses spread
 * along its valley road for one to two kilometres around the committee); a village with
 * an imported polygon by the polygon; any other village, as before, by its township's
 * area (public.town_areas: real or approximate).
 *
 * Replaces app.delivery_reach so that village places count through public.village_areas
 * instead of their whole township, with the one "touched" rule app.area_touches (issue 13,
 * 20261203120000_warning_safety.sql on main); the fan-out's own query
 * (src/lib/server/delivery/queue.ts) changes the same way.
 * =======================================================
 */
create view public.village_areas with (security_invoker = true) as
  select v.code, v.town_code,
         case when p.geom is null then a.area
              when extensions.geometrytype(p.geom) = 'POINT'
                then extensions.st_multi(extensions.st_buffer(p.geom::extensions.geography, 1500, 16)::extensions.geometry)
              else p.geom end::extensions.geometry(MultiPolygon, 4326) as area,
         p.geom is null as through_town
    from public.villages v
    left join public.village_places p on p.village_code = v.code
    left join public.town_areas a on a.code = v.town_code;
comment on view public.village_areas is
  'Where a village subscription is matched: its imported point buffered by 1,500 m, its imported polygon, or else its township''s area (through_town).';
grant select on public.village_areas to anon, authenticated, service_role;

create or replace function app.delivery_reach(p_area text, p_hazard public.hazard_code,
  p_level public.warning_level, p_status public.cap_status)
returns table (channel public.delivery_channel, subscriptions bigint)
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_area extensions.geometry;
begin
  if app.caller_role() is distinct from 'warning_issuer' and app.caller_role() is distinct from 'admin'
     and auth.role() is distinct from 'service_role' then
    raise exception 'only warning issuers and admins see delivery reach' using errcode = '42501';
  end if;
  v_area := extensions.st_setsrid(extensions.st_geomfromgeojson(p_area), 4326);
  return query
    with reached as (
      select s.id, s.channel
        from public.subscriptions s
       where s.confirmed and (s.until is null or s.until > now())
         and (cardinality(s.hazards) = 0 or p_hazard = any(s.hazards))
         and s.min_level <= p_level
         -- Test, System and Draft messages are never delivered to people
         and (p_status = 'Actual' or (p_status = 'Exercise' and s.exercises))
         and exists (
           select 1 from public.subscription_places p
            where p.subscription_id = s.id
              and (extensions.st_intersects(p.geom, v_area)
                   or p.village_code in (select va.code from public.village_areas va where app.area_touches(v_area, va.area)))))
    select c.channel, count(r.id)
      from unnest(enum_range(null::public.delivery_channel)) c (channel)
      left join reached r on r.channel = c.channel
     group by c.channel
     order by c.channel;
end;
$$;
