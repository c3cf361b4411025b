/**
 * Push subscriptions: replacing one (same endpoint) needs its secret (issue 14, item 6).
 * Before, anyone who knew a browser's push endpoint could post it again and so delete
 * that person's places and report watches. The function gains the replaced
 * subscription's secret hash; the old signature is dropped so no caller keeps the old rule.
 */
drop function app.subscription_create(text, public.delivery_channel, text, text, text, text, text, text,
  public.hazard_code[], public.warning_level, boolean, timestamptz, jsonb);

create function app.subscription_create(
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
  for v_place in select * from jsonb_array_elements(p_places) loop
    if v_place ? 'village' then
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
  'Stores a subscription (push or SMS) and its places; an existing push subscription of the same endpoint is replaced only with its secret.';

revoke all on function app.subscription_create(text, public.delivery_channel, text, text, text, text, text, text,
  public.hazard_code[], public.warning_level, boolean, timestamptz, jsonb, text) from public;
grant execute on function app.subscription_create(text, public.delivery_channel, text, text, text, text, text, text,
  public.hazard_code[], public.warning_level, boolean, timestamptz, jsonb, text) to anon, authenticated, service_role;
