/*
 * =======================================================
 * Delivery: subscriptions (no account needed) and the durable fan-out of each
 * warning message to them, per channel (Web Push, SMS).
 *
 * Nobody reads a subscription by listing the table: the person who made it holds
 * its id and a secret (stored here only as a SHA-256) and reads, confirms or
 * deletes it through the functions below. Staff see delivery counts, never
 * endpoints, phone numbers or places. The fan-out runs as service_role.
 * =======================================================
 */
create type public.delivery_channel as enum ('push', 'sms');
create type public.delivery_state as enum ('queued', 'sent', 'failed', 'expired', 'gone');

/*
 * -------------------------------------------------------
 * Section: subscriptions
 * -------------------------------------------------------
 */
create table public.subscriptions (
  id uuid primary key default gen_random_uuid(),
  secret_hash text not null check (secret_hash ~ '^[0-9a-f]{64}$'),
  channel public.delivery_channel not null,
  -- Web Push: the browser's PushSubscription (RFC 8030 endpoint, RFC 8291 keys)
  endpoint text unique check (length(endpoint) <= 1000),
  p256dh text check (p256dh ~ '^[A-Za-z0-9_-]{80,100}$'),
  auth text check (auth ~ '^[A-Za-z0-9_-]{16,32}$'),
  -- SMS: a mainland mobile number, usable once confirmed by a one-time code
  phone text check (phone ~ '^1[3-9][0-9]{9}$'),
  confirmed boolean not null default false,
  code_hash text check (code_hash ~ '^[0-9a-f]{64}$'),
  code_expires timestamptz,
  code_tries smallint not null default 0,
  lang text not null check (lang in ('zh-CN', 'en')),
  -- empty = every hazard
  hazards public.hazard_code[] not null default '{}',
  min_level public.warning_level not null default 'blue',
  -- drills (CAP status Exercise) reach only those who asked for them
  exercises boolean not null default false,
  -- a tourist's subscription ends by itself
  until timestamptz,
  created_at timestamptz not null default now(),
  constraint subscriptions_channel_fields check (
    (channel = 'push' and endpoint is not null and p256dh is not null and auth is not null and phone is null)
    or (channel = 'sms' and phone is not null and endpoint is null))
);
comment on table public.subscriptions is 'Who gets warnings on which channel, for which hazards and levels; managed with a secret only its owner holds.';
create unique index subscriptions_phone_idx on public.subscriptions (phone) where phone is not null;
create index subscriptions_until_idx on public.subscriptions (until) where until is not null;

create table public.subscription_places (
  id bigint generated always as identity primary key,
  subscription_id uuid not null references public.subscriptions (id) on delete cascade,
  label text check (length(label) <= 100),
  -- a point (a pin or "where I am now", rounded to about 100 m), or a village
  geom extensions.geometry(Point, 4326),
  village_code text references public.villages (code),
  -- the village's township: villages have no position in the reference data, so a
  -- village place is reached through its township's (approximate) area
  town_code text references public.towns (code),
  constraint subscription_places_kind check ((geom is null) <> (village_code is null))
);
comment on table public.subscription_places is 'The places a subscription watches: points, or villages reached through their township.';
create index subscription_places_geom_idx on public.subscription_places using gist (geom);
create index subscription_places_town_idx on public.subscription_places (town_code) where town_code is not null;
create index subscription_places_subscription_idx on public.subscription_places (subscription_id);

/*
 * -------------------------------------------------------
 * Section: fan-out
 * One `deliveries` row per warning message holds the progress of the match (which
 * step comes next); one `delivery_queue` row per recipient and channel holds its
 * state. Senders claim queue rows with SKIP LOCKED and a lease: after a crash the
 * lease runs out and the rows are sent again, so duplicates are bounded by the rows
 * in flight.
 * -------------------------------------------------------
 */
create table public.deliveries (
  warning_id uuid primary key references public.warnings (id) on delete cascade,
  -- the next match step (area parts 0..parts-1, then villages by township, then the
  -- earlier recipients of the thread); null once the match is complete
  next_step integer default 0,
  parts integer not null,
  -- messages are not sent after this moment (issue time + the hazard's TTL)
  deadline timestamptz not null,
  started_at timestamptz not null default now(),
  matched_at timestamptz
);
comment on table public.deliveries is 'Fan-out progress of one warning message: how far the match has come, and until when sending makes sense.';

create table public.delivery_area_parts (
  warning_id uuid not null references public.warnings (id) on delete cascade,
  n integer not null,
  geom extensions.geometry(Polygon, 4326) not null,
  primary key (warning_id, n)
);
comment on table public.delivery_area_parts is 'A warning''s area cut into small polygons (a ~3 km grid, then ST_Subdivide), so each match step is small and uses the index well.';

create table public.delivery_queue (
  warning_id uuid not null references public.warnings (id) on delete cascade,
  -- not a foreign key: a subscription deleted after a 404/410 keeps its count
  subscription_id uuid not null,
  channel public.delivery_channel not null,
  state public.delivery_state not null default 'queued',
  attempts smallint not null default 0,
  next_at timestamptz not null default now(),
  lease_until timestamptz,
  sent_at timestamptz,
  delivered_at timestamptz,
  shown_at timestamptz,
  -- the phone's own place check found none of its places in the area
  skipped_at timestamptz,
  error text check (length(error) <= 200),
  primary key (warning_id, subscription_id)
);
comment on table public.delivery_queue is 'One row per recipient of a warning message: queued, sent, failed, expired or gone (subscription removed).';
create index delivery_queue_todo_idx on public.delivery_queue (next_at) where state = 'queued';

/*
 * -------------------------------------------------------
 * Section: report updates by Web Push
 * A resident following a report on a phone that has a warnings subscription asks to
 * be told when it moves (dispatched, accepted, a public note, closed, reopened,
 * merged). Each public step then queues one push per watching subscription.
 * -------------------------------------------------------
 */
create table public.report_watchers (
  report_id bigint not null references public.reports (id) on delete cascade,
  subscription_id uuid not null references public.subscriptions (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (report_id, subscription_id)
);
comment on table public.report_watchers is 'Push subscriptions that follow a report (set by whoever holds both the report''s tracking token and the subscription''s secret).';
create index report_watchers_subscription_idx on public.report_watchers (subscription_id);

create table public.report_pushes (
  id bigint generated always as identity primary key,
  report_id bigint not null references public.reports (id) on delete cascade,
  subscription_id uuid not null references public.subscriptions (id) on delete cascade,
  event_kind text not null,
  state public.delivery_state not null default 'queued',
  attempts smallint not null default 0,
  next_at timestamptz not null default now(),
  lease_until timestamptz,
  created_at timestamptz not null default now()
);
comment on table public.report_pushes is 'One push per public step of a followed report and watching subscription: queued, sent, failed, expired or gone.';
create index report_pushes_todo_idx on public.report_pushes (next_at) where state = 'queued';

alter table public.report_watchers enable row level security;
alter table public.report_pushes enable row level security;
revoke all on public.report_watchers, public.report_pushes from anon, authenticated;

/** Follow a report: needs its tracking token and the subscription's secret. */
create or replace function app.report_watch(p_ticket text, p_token text, p_subscription uuid, p_secret_hash text)
returns boolean
language plpgsql security definer
set search_path = ''
as $$
declare
  v_report bigint;
begin
  select r.id into v_report from public.reports r
   where r.ticket = p_ticket and r.token_hash = app.report_token_hash(p_token) and r.status <> 'hidden';
  if v_report is null then return false; end if;
  if not exists (select 1 from public.subscriptions s
                  where s.id = p_subscription and s.secret_hash = p_secret_hash and s.channel = 'push') then
    return false;
  end if;
  insert into public.report_watchers (report_id, subscription_id) values (v_report, p_subscription)
    on conflict do nothing;
  return true;
end;
$$;
revoke all on function app.report_watch(text, text, uuid, text) from public;
grant execute on function app.report_watch(text, text, uuid, text) to anon, authenticated, service_role;

create or replace function app.report_pushes_queue() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if new.public and new.kind in ('dispatched', 'accepted', 'note', 'closed', 'reopened', 'merged') then
    insert into public.report_pushes (report_id, subscription_id, event_kind)
      select w.report_id, w.subscription_id, new.kind from public.report_watchers w where w.report_id = new.report_id;
    if found then perform pg_notify('deliveries', 'reports'); end if;
  end if;
  return null;
end;
$$;
create trigger report_events_push after insert on public.report_events
  for each row execute function app.report_pushes_queue();


/*
 * -------------------------------------------------------
 * Section: row level security
 * -------------------------------------------------------
 */
alter table public.subscriptions enable row level security;
alter table public.subscription_places enable row level security;
alter table public.deliveries enable row level security;
alter table public.delivery_area_parts enable row level security;
alter table public.delivery_queue enable row level security;
revoke all on public.subscriptions, public.subscription_places, public.deliveries,
  public.delivery_area_parts, public.delivery_queue from anon, authenticated;
grant select on public.deliveries, public.delivery_queue to authenticated;
create policy "issuers and admins read fan-out progress" on public.deliveries for select to authenticated
  using (app.caller_role() in ('warning_issuer', 'admin'));
create policy "issuers and admins read delivery states" on public.delivery_queue for select to authenticated
  using (app.caller_role() in ('warning_issuer', 'admin'));

/*
 * -------------------------------------------------------
 * Section: the subscriber's functions
 * Each takes the subscription id and the SHA-256 of its secret; a wrong pair looks
 * exactly like a missing subscription.
 * -------------------------------------------------------
 */
create or replace function app.subscription_create(
  p_secret_hash text, p_channel public.delivery_channel, p_endpoint text, p_p256dh text, p_auth text,
  p_phone text, p_code_hash text, p_lang text, p_hazards public.hazard_code[], p_min_level public.warning_level,
  p_exercises boolean, p_until timestamptz, p_places jsonb)
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
  -- The same browser subscribing again replaces its old subscription (the endpoint is
  -- the browser's; the old secret is lost with the old page data anyway).
  if p_endpoint is not null then
    delete from public.subscriptions s where s.endpoint = p_endpoint;
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
    'received', (select count(*) from public.delivery_queue q where q.subscription_id = s.id and q.state = 'sent'),
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
  delete from public.delivery_queue q where q.subscription_id = p_id;
  return true;
end;
$$;

/** Confirms an SMS subscription with its one-time code: 5 tries within 10 minutes. */
create or replace function app.subscription_confirm(p_id uuid, p_secret_hash text, p_code_hash text)
returns text
language plpgsql security definer
set search_path = ''
as $$
declare
  v public.subscriptions;
begin
  select * into v from public.subscriptions s where s.id = p_id and s.secret_hash = p_secret_hash for update;
  if not found then return 'not_found'; end if;
  if v.confirmed then return 'confirmed'; end if;
  if v.code_tries >= 5 or v.code_expires < now() then return 'expired'; end if;
  if v.code_hash is distinct from p_code_hash then
    update public.subscriptions s set code_tries = s.code_tries + 1 where s.id = p_id;
    return 'wrong';
  end if;
  update public.subscriptions s set confirmed = true, code_hash = null, code_expires = null where s.id = p_id;
  return 'confirmed';
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
   where q.warning_id = p_warning and q.subscription_id = p_subscription and q.state in ('queued', 'sent')
     and p_event in ('delivered', 'shown', 'skipped')
  returning true
$$;

revoke all on function app.subscription_create(text, public.delivery_channel, text, text, text, text, text, text,
  public.hazard_code[], public.warning_level, boolean, timestamptz, jsonb) from public;
revoke all on function app.subscription_read(uuid, text), app.subscription_delete(uuid, text),
  app.subscription_confirm(uuid, text, text), app.delivery_receipt(uuid, uuid, text) from public;
grant execute on function app.subscription_create(text, public.delivery_channel, text, text, text, text, text, text,
  public.hazard_code[], public.warning_level, boolean, timestamptz, jsonb) to anon, authenticated, service_role;
grant execute on function app.subscription_read(uuid, text), app.subscription_delete(uuid, text),
  app.subscription_confirm(uuid, text, text), app.delivery_receipt(uuid, uuid, text) to anon, authenticated, service_role;

/*
 * -------------------------------------------------------
 * Section: statistics
 * -------------------------------------------------------
 */
/** Per channel of a warning message: matched, queued, sent, failed, expired, gone, delivered, shown, skipped. */
create or replace function app.delivery_stats(p_warning uuid)
returns table (channel public.delivery_channel, matched bigint, queued bigint, sent bigint, failed bigint,
  expired bigint, gone bigint, delivered bigint, shown bigint, skipped bigint)
language sql stable security definer
set search_path = ''
as $$
  select c.channel,
         count(q.*), count(*) filter (where q.state = 'queued'), count(*) filter (where q.state = 'sent'),
         count(*) filter (where q.state = 'failed'), count(*) filter (where q.state = 'expired'),
         count(*) filter (where q.state = 'gone'), count(q.delivered_at), count(q.shown_at), count(q.skipped_at)
    from unnest(enum_range(null::public.delivery_channel)) c (channel)
    left join public.delivery_queue q on q.warning_id = p_warning and q.channel = c.channel
   where auth.role() is not distinct from 'service_role' or app.caller_role() in ('warning_issuer', 'admin')
   group by c.channel
$$;
revoke all on function app.delivery_stats(uuid) from public;
grant execute on function app.delivery_stats(uuid) to authenticated, service_role;

/*
 * -------------------------------------------------------
 * Section: the start of a fan-out
 * Each issued message gets its deliveries rows and its area parts in the same
 * transaction that issues it, so no issued warning is ever without a fan-out.
 * -------------------------------------------------------
 */
create or replace function app.delivery_ttl_seconds(p_hazard public.hazard_code, p_expires timestamptz)
returns integer
language sql stable
set search_path = ''
as $$
  -- An earthquake warning that arrives after the shaking is noise: 2 minutes. Others
  -- are worth delivering until they expire, at most the 4 weeks push services keep.
  select greatest(0, least(
    case when p_hazard = 'earthquake' then 120 else 2419200 end,
    extract(epoch from p_expires - now())::integer))
$$;

create or replace function app.delivery_start() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_parts integer;
begin
  -- Test and System messages are for systems, not people; Draft never goes out.
  if new.state <> 'issued' or (tg_op = 'UPDATE' and old.state = 'issued') or new.status not in ('Actual', 'Exercise') then
    return null;
  end if;
  -- Cells of a ~3 km grid, each cut to at most 64 vertices: every match step is small,
  -- so the first recipients are queued (and sent to) within moments of the issue.
  insert into public.delivery_area_parts (warning_id, n, geom)
    select new.id, (row_number() over ())::integer - 1, p.geom
      from (select (extensions.st_dump(extensions.st_subdivide(
                     extensions.st_collectionextract(extensions.st_intersection(new.area, g.geom), 3), 64))).geom
              from extensions.st_squaregrid(0.03, new.area) g
             where extensions.st_intersects(new.area, g.geom)) p
     where extensions.st_area(p.geom) > 0;
  get diagnostics v_parts = row_count;
  insert into public.deliveries (warning_id, parts, deadline)
    values (new.id, v_parts, now() + make_interval(secs => app.delivery_ttl_seconds(new.hazard, new.expires)));
  perform pg_notify('deliveries', new.id::text);
  return null;
end;
$$;
create trigger warnings_delivery_start after insert or update of state on public.warnings
  for each row execute function app.delivery_start();
