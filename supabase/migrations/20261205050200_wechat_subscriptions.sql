/*
 * =======================================================
 * Messaging: WeChat subscribers (issue 19, item 4).
 *
 * A follower of the Official Account subscribes by sending "订阅预警 <place>" to it; the
 * /wechat endpoint resolves the place and calls app.wechat_subscribe as service_role.
 * The subscription is a row of public.subscriptions with channel 'wechat' and the
 * follower's OpenID (per Official Account, not the person's WeChat id), so the fan-out's
 * resolvers, the per-channel counts and the end of tourist subscriptions apply unchanged.
 * Confirmed at once: the platform has authenticated the follower.
 * =======================================================
 */
alter table public.subscriptions add column openid text check (openid ~ '^[A-Za-z0-9_-]{6,64}$');
comment on column public.subscriptions.openid is 'WeChat channel: the follower''s OpenID for this Official Account.';
create unique index subscriptions_openid_idx on public.subscriptions (openid) where openid is not null;

alter table public.subscriptions drop constraint subscriptions_channel_fields;
alter table public.subscriptions add constraint subscriptions_channel_fields check (
  (channel = 'push' and endpoint is not null and p256dh is not null and auth is not null and phone is null and openid is null)
  or (channel = 'sms' and phone is not null and endpoint is null and openid is null)
  or (channel = 'wechat' and openid is not null and endpoint is null and phone is null));

/**
 * Adds a place to the follower's WeChat subscription, making it on the first call.
 * p_place: {"village": code} or {"lat", "lon"} (a township's seat), with a label.
 * Returns the subscription and whether the place was new; at most 5 places.
 */
create or replace function app.wechat_subscribe(p_openid text, p_place jsonb, p_lang text)
returns table (subscription uuid, added boolean, places integer)
language plpgsql security definer
set search_path = ''
as $$
declare
  v_id uuid;
  v_n integer;
begin
  select s.id into v_id from public.subscriptions s where s.openid = p_openid for update;
  if not found then
    -- No secret is ever handed out: the follower manages it through the Official Account.
    insert into public.subscriptions (secret_hash, channel, openid, confirmed, lang)
      values (encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')), 'hex'), 'wechat', p_openid, true, p_lang)
      returning id into v_id;
  end if;
  if exists (select 1 from public.subscription_places p where p.subscription_id = v_id
              and (p.village_code = p_place ->> 'village'
                   or (p.village_code is null and p.label is not distinct from left(p_place ->> 'label', 100)))) then
    return query select v_id, false, (select count(*)::int from public.subscription_places p where p.subscription_id = v_id);
    return;
  end if;
  select count(*) into v_n from public.subscription_places p where p.subscription_id = v_id;
  if v_n >= 5 then
    raise exception 'places: between 1 and 5 places' using errcode = '22023';
  end if;
  if p_place ? 'village' then
    insert into public.subscription_places (subscription_id, label, village_code, town_code)
      select v_id, left(p_place ->> 'label', 100), v.code, v.town_code from public.villages v where v.code = p_place ->> 'village';
    if not found then
      raise exception 'places: no village with code %', p_place ->> 'village' using errcode = '22023';
    end if;
  else
    insert into public.subscription_places (subscription_id, label, geom)
      values (v_id, left(p_place ->> 'label', 100), extensions.st_setsrid(extensions.st_makepoint(
        round((p_place ->> 'lon')::numeric, 3)::float8, round((p_place ->> 'lat')::numeric, 3)::float8), 4326));
  end if;
  return query select v_id, true, v_n + 1;
end;
$$;
revoke all on function app.wechat_subscribe(text, jsonb, text) from public, anon, authenticated;
grant execute on function app.wechat_subscribe(text, jsonb, text) to service_role;

/** "取消订阅预警": the follower's subscription and everything queued for it go. */
create or replace function app.wechat_unsubscribe(p_openid text) returns boolean
language plpgsql security definer
set search_path = ''
as $$
declare
  v_id uuid;
begin
  delete from public.subscriptions s where s.openid = p_openid returning s.id into v_id;
  if v_id is null then return false; end if;
  delete from public.delivery_queue q where q.recipient_kind = 'subscription' and q.recipient_id = v_id;
  return true;
end;
$$;
revoke all on function app.wechat_unsubscribe(text) from public, anon, authenticated;
grant execute on function app.wechat_unsubscribe(text) to service_role;
