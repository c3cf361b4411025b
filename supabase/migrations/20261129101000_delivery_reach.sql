/*
 * =======================================================
 * Delivery reach: how many subscriptions a warning being composed would reach, per
 * channel — shown in the console's preview before anything is issued. The same rules
 * as the fan-out's match (app code: src/lib/server/delivery/queue.ts): points inside
 * the area, villages through a township area that touches it, the subscriber's
 * hazards, lowest level and drill choice, confirmed and not ended. Counts only: the
 * caller never sees who.
 * =======================================================
 */
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
                   or p.town_code in (select t.code from public.town_areas t where extensions.st_intersects(t.area, v_area)))))
    select c.channel, count(r.id)
      from unnest(enum_range(null::public.delivery_channel)) c (channel)
      left join reached r on r.channel = c.channel
     group by c.channel
     order by c.channel;
end;
$$;
comment on function app.delivery_reach(text, public.hazard_code, public.warning_level, public.cap_status) is
  'Per channel, how many subscriptions a warning with this area (GeoJSON), hazard, level and status would reach; issuers and admins only.';
revoke all on function app.delivery_reach(text, public.hazard_code, public.warning_level, public.cap_status) from public;
grant execute on function app.delivery_reach(text, public.hazard_code, public.warning_level, public.cap_status) to authenticated, service_role;
