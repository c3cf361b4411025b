/*
 * =======================================================
 * Warning safety (issue 13): what residents are told must not contradict itself.
 * - The push TTL never overflows, whatever a valid CAP `expires` says (year 9999).
 * - A warning is current from the moment it is issued until it expires or is lifted;
 *   one whose `effective` lies ahead is current and "coming into force", never
 *   "expired" (docs/decisions.md, "Effective time").
 * - "Touched" is one rule in one place (app.area_touches): the warning pages, the
 *   fan-out's village step and the console's reach preview all use it, so a village
 *   subscriber is not texted a neighbouring township's warning.
 * =======================================================
 */

/*
 * -------------------------------------------------------
 * Section: push TTL
 * -------------------------------------------------------
 */
create or replace function app.delivery_ttl_seconds(p_hazard public.hazard_code, p_expires timestamptz)
returns integer
language sql stable
set search_path = ''
as $$
  -- An earthquake warning that arrives after the shaking is noise: 2 minutes. Others
  -- are worth delivering until they expire, at most the 4 weeks push services keep.
  -- Capped as numeric before the cast: `expires` may lie centuries ahead.
  select greatest(0, least(
    case when p_hazard = 'earthquake' then 120 else 2419200 end::numeric,
    extract(epoch from p_expires - now())))::integer
$$;

/*
 * -------------------------------------------------------
 * Section: current warnings
 * -------------------------------------------------------
 */
/**
 * Whether a message is current: issued, not an end notice, not expired. A message
 * whose `effective` lies ahead is current too (it was delivered at issue, and people
 * prepare for it); pages show it as coming into force.
 */
create or replace function app.warning_in_force(w public.warnings) returns boolean
language sql stable
set search_path = ''
as $$
  select w.state = 'issued' and w.msg_type <> 'Cancel' and w.expires > now()
$$;

/*
 * -------------------------------------------------------
 * Section: the "touched" rule
 * -------------------------------------------------------
 */
/**
 * Whether a warning's area touches a place given as an area (a township's approximate
 * area): their interiors overlap by more than 0.05 km², or by a tenth of the warning's
 * own area when the warning is smaller than that. A shared border alone never counts.
 */
create or replace function app.area_touches(p_area extensions.geometry, p_place extensions.geometry)
returns boolean
language sql immutable parallel safe
set search_path = ''
as $$
  select extensions.st_intersects(p_area, p_place)
     and extensions.st_area(extensions.st_intersection(p_area, p_place)::extensions.geography)
         > least(50000, 0.1 * extensions.st_area(p_area::extensions.geography))
$$;
comment on function app.area_touches(extensions.geometry, extensions.geometry) is
  'The one "touched" rule: interiors overlap by more than 0.05 km² (or a tenth of a smaller warning area); shared borders do not count.';
grant execute on function app.area_touches(extensions.geometry, extensions.geometry) to anon, authenticated, service_role;

/** The console's reach preview, with the same village rule as the fan-out (app.area_touches). */
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
                   or p.town_code in (select t.code from public.town_areas t where app.area_touches(v_area, t.area)))))
    select c.channel, count(r.id)
      from unnest(enum_range(null::public.delivery_channel)) c (channel)
      left join reached r on r.channel = c.channel
     group by c.channel
     order by c.channel;
end;
$$;

/*
 * -------------------------------------------------------
 * Section: drill warnings name their event (issue 14, item 11)
 * The CAP parameter safeMiyunVolunteerEventId makes the fan-out text every confirmed
 * participant of that event. Only someone who organises the event (or a service job)
 * may put it on a warning, and only on an Exercise; an API key never may (CAP imports
 * drop it before this point). A trigger of its own, beside the warnings guard.
 * -------------------------------------------------------
 */
create or replace function app.warnings_drill_event() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_event text;
begin
  select p ->> 'value' into v_event from jsonb_array_elements(new.parameters) p
   where p ->> 'valueName' = 'safeMiyunVolunteerEventId' limit 1;
  if v_event is null or auth.role() is not distinct from 'service_role' then
    return new;
  end if;
  if tg_op = 'UPDATE' and old.parameters is not distinct from new.parameters and old.status = new.status then
    return new;
  end if;
  if new.status <> 'Exercise' then
    raise exception 'parameters: only an Exercise may name a drill event' using errcode = '42501';
  end if;
  if coalesce((auth.jwt() ->> 'api_key')::boolean, false)
     or v_event !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
     or not app.organises_event(v_event::uuid) then
    raise exception 'parameters: only an organiser of that event may send its drill warning' using errcode = '42501';
  end if;
  return new;
end;
$$;
create trigger warnings_drill_event before insert or update on public.warnings
  for each row execute function app.warnings_drill_event();
