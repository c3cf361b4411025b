/*
 * =======================================================
 * Visits (issue 19, item 1): a tourist scans the QR code at a scenic area's entrance and
 * in one step receives warnings for that area until a date (today + 1 by default, at
 * most 14 days ahead), by push or by a mobile number with a code. The visit reuses
 * public.subscriptions and its `until` (no second kind of subscription); what is new:
 *
 * - a place may name a scenic area (`{"scenic": <id>}`): it is stored as the area's own
 *   point (when sourced) and as a township place (town_code only), so a warning over the
 *   scenic area or anywhere in its township reaches the visitor; `scenic_id` marks both;
 * - a township place is matched through public.town_areas with the one "touched" rule
 *   (app.area_touches), here in the reach estimate and in the fan-out's resolver
 *   (src/lib/server/messaging/resolvers.ts);
 * - a visit must end, at most at the end of the 14th day after today (Beijing time);
 * - every subscription whose `until` has passed is deleted by the retention job
 *   (app.prune_ended_subscriptions), with its places and report watches (cascade).
 * =======================================================
 */
alter table public.subscription_places
  add column scenic_id text references public.scenic_areas (id) on delete cascade;
comment on column public.subscription_places.scenic_id is 'The scenic area of a visit: its point and its township place both carry it.';
alter table public.subscription_places drop constraint subscription_places_kind;
alter table public.subscription_places add constraint subscription_places_kind check (
  (geom is not null and village_code is null)
  or (geom is null and village_code is not null)
  -- a township place: a visit's scenic area's township
  or (geom is null and village_code is null and town_code is not null and scenic_id is not null));

create or replace function app.visit_latest_end() returns timestamptz
language sql stable
set search_path = ''
as $$
  -- the start of the 15th day after today in Beijing, i.e. the end of the 14th
  select ((date_trunc('day', now() at time zone 'Asia/Shanghai') + interval '15 days') at time zone 'Asia/Shanghai')
$$;
comment on function app.visit_latest_end() is 'The latest end of a visit subscription: the end of the 14th day after today, Beijing time.';
-- called inside app.subscription_create (security definer) only
revoke all on function app.visit_latest_end() from public;

create or replace function app.subscription_create(
  p_secret_hash text, p_channel public.delivery_channel, p_endpoint text, p_p256dh text, p_auth text,
  p_phone text, p_code_hash text, p_lang text, p_hazards public.hazard_code[], p_min_level public.warning_level,
  p_exercises boolean, p_until timestamptz, p_places jsonb, p_replaces_secret_hash text default null)
returns uuid
language plpgsql security definer
set search_path = ''
as $$
declare
  v_id uuid;
  v_place jsonb;
  v_point extensions.geometry;
begin
  if jsonb_typeof(p_places) <> 'array' or jsonb_array_length(p_places) not between 1 and 5 then
    raise exception 'places: between 1 and 5 places' using errcode = '22023';
  end if;
  if p_until is not null and p_until <= now() then
    raise exception 'until: the date has passed' using errcode = '22023';
  end if;
  -- The same browser subscribing again replaces its old subscription, but only with
  -- that subscription's secret: an endpoint is no secret (every push service sees it),
  -- and replacing deletes the old places and report watches. A browser that lost the
  -- secret ends its push subscription and makes a new one (a new endpoint).
  if p_endpoint is not null then
    delete from public.subscriptions s
     where s.endpoint = p_endpoint and s.secret_hash = p_replaces_secret_hash;
    if exists (select 1 from public.subscriptions s where s.endpoint = p_endpoint) then
      raise exception 'push: this browser already has a subscription; send its secret (x-subscription-secret) to replace it'
        using errcode = '23505';
    end if;
  end if;
  if p_phone is not null then
    delete from public.subscriptions s where s.phone = p_phone and not s.confirmed;
    if exists (select 1 from public.subscriptions s where s.phone = p_phone) then
      raise exception 'phone: this number already has a subscription; delete it first' using errcode = '23505';
    end if;
  end if;
  insert into public.subscriptions (secret_hash, channel, endpoint, p256dh, auth, phone, confirmed, code_hash,
      code_expires, lang, hazards, min_level, exercises, until)
    values (p_secret_hash, p_channel, p_endpoint, p_p256dh, p_auth, p_phone, p_channel = 'push', p_code_hash,
      case when p_code_hash is null then null else now() + interval '10 minutes' end,
      p_lang, coalesce(p_hazards, '{}'), p_min_level, coalesce(p_exercises, false), p_until)
    returning id into v_id;
  -- A visit (a place that is a scenic area) is for a stay: it needs an end, at most the
  -- end of the 14th day after today, Beijing time.
  if exists (select 1 from jsonb_array_elements(p_places) e where e ? 'scenic') then
    if p_until is null then
      raise exception 'until: a visit needs an end date' using errcode = '22023';
    end if;
    if p_until > app.visit_latest_end() then
      raise exception 'until: a visit ends at most 14 days after today' using errcode = '22023';
    end if;
  end if;
  for v_place in select * from jsonb_array_elements(p_places) loop
    if v_place ? 'scenic' then
      -- the scenic area's own point (when sourced) and its whole township
      insert into public.subscription_places (subscription_id, label, geom, scenic_id)
        select v_id, left(coalesce(v_place ->> 'label', s.name_zh), 100), s.location, s.id
          from public.scenic_areas s where s.id = v_place ->> 'scenic' and s.location is not null;
      insert into public.subscription_places (subscription_id, label, town_code, scenic_id)
        select v_id, left(coalesce(v_place ->> 'label', s.name_zh), 100), s.town_code, s.id
          from public.scenic_areas s where s.id = v_place ->> 'scenic' and s.town_code is not null;
      if not exists (select 1 from public.subscription_places p where p.subscription_id = v_id and p.scenic_id = v_place ->> 'scenic') then
        raise exception 'places: no scenic area %', v_place ->> 'scenic' using errcode = '22023';
      end if;
    elsif v_place ? 'village' then
      insert into public.subscription_places (subscription_id, label, village_code, town_code)
        select v_id, left(v_place ->> 'label', 100), v.code, v.town_code
          from public.villages v where v.code = v_place ->> 'village';
      if not found then
        raise exception 'places: no village with code %', v_place ->> 'village' using errcode = '22023';
      end if;
    else
      v_point := extensions.st_setsrid(extensions.st_makepoint(
        round((v_place ->> 'lon')::numeric, 3)::float8, round((v_place ->> 'lat')::numeric, 3)::float8), 4326);
      -- 5 km of slack: a farm just over the line still hears its valley's warnings
      if not exists (select 1 from public.district d
                      where extensions.st_dwithin(d.outline::extensions.geography, v_point::extensions.geography, 5000)) then
        raise exception 'places: % is outside Miyun District', coalesce(v_place ->> 'label', 'a place') using errcode = '22023';
      end if;
      insert into public.subscription_places (subscription_id, label, geom)
        values (v_id, left(v_place ->> 'label', 100), v_point);
    end if;
  end loop;
  return v_id;
end;
$$;
comment on function app.subscription_create(text, public.delivery_channel, text, text, text, text, text, text,
  public.hazard_code[], public.warning_level, boolean, timestamptz, jsonb, text) is
  'Stores a subscription (push or SMS) and its places (points, villages, scenic areas for a visit); an existing push subscription of the same endpoint is replaced only with its secret.';

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
                   or p.village_code in (select va.code from public.village_areas va where app.area_touches(v_area, va.area))
                   or (p.geom is null and p.village_code is null
                       and p.town_code in (select ta.code from public.town_areas ta where app.area_touches(v_area, ta.area))))))
    select c.channel, count(r.id)
      from unnest(enum_range(null::public.delivery_channel)) c (channel)
      left join reached r on r.channel = c.channel
     group by c.channel
     order by c.channel;
end;
$$;

create or replace function app.prune_ended_subscriptions()
returns table (kind text, removed integer)
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  n integer;
begin
  delete from public.subscriptions s where s.until is not null and s.until < now();
  get diagnostics n = row_count;
  kind := 'ended_subscriptions'; removed := n; return next;
end;
$$;
comment on function app.prune_ended_subscriptions() is 'Retention: deletes subscriptions whose end date (a visit, "visiting until") has passed; service_role only.';
revoke all on function app.prune_ended_subscriptions() from public;
grant execute on function app.prune_ended_subscriptions() to service_role;
