/*
 * =======================================================
 * Messaging: a typed recipient on every queued message (issue 18, item 1).
 *
 * delivery_queue.subscription_id held a subscription id or, for a drill, a volunteer
 * id, told apart by a left join when claiming. Each row now says what its recipient
 * is (recipient_kind) and names it by recipient_id; the sender resolves the address
 * by kind. 'staff', 'phone' and 'wechat' are there for the next channels (staff
 * notifications, texts to a number, WeChat users); nothing queues them yet.
 * The functions that read the queue by subscription are replaced to use the new
 * names; their behaviour is unchanged.
 * =======================================================
 */
create type public.recipient_kind as enum ('subscription', 'volunteer', 'staff', 'phone', 'wechat');

alter table public.delivery_queue add column recipient_kind public.recipient_kind not null default 'subscription';
alter table public.delivery_queue rename column subscription_id to recipient_id;
comment on column public.delivery_queue.recipient_kind is 'What recipient_id names: a subscription, a volunteer (a drill''s participant), later a staff member, a phone number or a WeChat user.';
comment on column public.delivery_queue.recipient_id is 'The recipient, by kind; not a foreign key: a subscription deleted after a 404/410 keeps its count.';

-- Rows queued for a drill's participants before this migration held a volunteer id.
update public.delivery_queue q set recipient_kind = 'volunteer'
 where not exists (select 1 from public.subscriptions s where s.id = q.recipient_id)
   and exists (select 1 from public.volunteers v where v.user_id = q.recipient_id);

alter table public.delivery_queue drop constraint delivery_queue_pkey;
alter table public.delivery_queue add primary key (warning_id, recipient_kind, recipient_id);

/*
 * -------------------------------------------------------
 * Section: the subscriber's functions, on the renamed column
 * -------------------------------------------------------
 */
/** Everything stored about a subscription, for its owner. */
create or replace function app.subscription_read(p_id uuid, p_secret_hash text)
returns jsonb
language sql stable security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'id', s.id, 'channel', s.channel, 'endpoint', s.endpoint, 'phone', s.phone, 'confirmed', s.confirmed,
    'lang', s.lang, 'hazards', to_jsonb(s.hazards), 'minLevel', s.min_level, 'exercises', s.exercises,
    'until', s.until, 'createdAt', s.created_at,
    'places', coalesce((select jsonb_agg(jsonb_build_object(
        'label', p.label, 'village', p.village_code, 'town', p.town_code,
        'lat', extensions.st_y(p.geom), 'lon', extensions.st_x(p.geom)) order by p.id)
      from public.subscription_places p where p.subscription_id = s.id), '[]'::jsonb),
    'received', (select count(*) from public.delivery_queue q
                  where q.recipient_kind = 'subscription' and q.recipient_id = s.id and q.state = 'sent'),
    'reports', coalesce((select jsonb_agg(r.ticket order by r.id) from public.report_watchers w
      join public.reports r on r.id = w.report_id where w.subscription_id = s.id), '[]'::jsonb))
  from public.subscriptions s
  where s.id = p_id and s.secret_hash = p_secret_hash
$$;

/** Deletes the subscription and everything that names it; true when there was one. */
create or replace function app.subscription_delete(p_id uuid, p_secret_hash text)
returns boolean
language plpgsql security definer
set search_path = ''
as $$
begin
  delete from public.subscriptions s where s.id = p_id and s.secret_hash = p_secret_hash;
  if not found then return false; end if;
  delete from public.delivery_queue q where q.recipient_kind = 'subscription' and q.recipient_id = p_id;
  return true;
end;
$$;

/** The device reports a warning as delivered to it or shown; counts only, first time wins. */
create or replace function app.delivery_receipt(p_warning uuid, p_subscription uuid, p_event text)
returns boolean
language sql security definer
set search_path = ''
as $$
  update public.delivery_queue q
     set delivered_at = coalesce(q.delivered_at, now()),
         shown_at = case when p_event = 'shown' then coalesce(q.shown_at, now()) else q.shown_at end,
         skipped_at = case when p_event = 'skipped' then coalesce(q.skipped_at, now()) else q.skipped_at end
   -- 'queued' too: a phone may answer before the sender has recorded the batch as sent
   where q.warning_id = p_warning and q.recipient_kind = 'subscription' and q.recipient_id = p_subscription
     and q.state in ('queued', 'sent') and p_event in ('delivered', 'shown', 'skipped')
  returning true
$$;
