/**
 * Warnings (CAP 1.2 alerts) and scenic areas.
 *
 * One row of public.warnings is one CAP message (Alert, Update or Cancel); an Update
 * or Cancel references the message it replaces and shares its thread, whose id is the
 * public id of "the warning". The life cycle is enforced here, not in the app, so the
 * same rules hold through Supabase's REST API:
 *   draft -> pending (needs a second person) -> issued -> superseded | cancelled
 *   draft -> issued (when no approval is needed)
 * An Actual orange or red Alert/Update needs approval by an issuer or admin other than
 * the one who drafted it. API-key imports (an upstream platform that approved it) and
 * service_role are exempt. Every transition is written to public.warning_audit and
 * announced with NOTIFY on channel `warnings` (delivered at commit).
 */

/*
 * -------------------------------------------------------
 * Section: types
 * -------------------------------------------------------
 */
create type public.cap_status as enum ('Actual', 'Exercise', 'System', 'Test', 'Draft');
create type public.cap_msg_type as enum ('Alert', 'Update', 'Cancel');
create type public.warning_state as enum ('draft', 'pending', 'issued', 'superseded', 'cancelled');
create type public.scenic_state as enum ('open', 'restricted', 'closed');

/*
 * -------------------------------------------------------
 * Section: township areas (approximate)
 * The reference data has no township polygons, only sourced seats for some towns.
 * A township's area is the Voronoi cell of its seat among all known seats, clipped
 * to the district outline: an approximation, labelled as such wherever it is shown.
 * Towns without a sourced seat have no area (a geocode for them is refused).
 * -------------------------------------------------------
 */
create materialized view public.town_areas as
  with seats as (
    select t.code, t.seat from public.towns t where t.seat is not null
  ), cells as (
    select (extensions.st_dump(extensions.st_voronoipolygons(
      extensions.st_collect(s.seat), 0, (select d.outline from public.district d limit 1)))).geom as cell
    from seats s
  )
  select s.code,
         extensions.st_multi(extensions.st_collectionextract(
           extensions.st_intersection(c.cell, d.outline), 3))::extensions.geometry(MultiPolygon, 4326) as area
    from seats s
    join cells c on extensions.st_intersects(c.cell, s.seat)
    cross join public.district d;
comment on materialized view public.town_areas is 'APPROXIMATE township areas: Voronoi cells of the sourced town seats clipped to the district outline.';
create unique index town_areas_code_idx on public.town_areas (code);
create index town_areas_area_idx on public.town_areas using gist (area);
grant select on public.town_areas to anon, authenticated, service_role;

-- Materialised because the cells are costly to compute and change only when a seat does.
create or replace function app.refresh_town_areas() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  refresh materialized view public.town_areas;
  return null;
end;
$$;
create trigger towns_refresh_areas after insert or update of seat or delete on public.towns
  for each statement execute function app.refresh_town_areas();
create trigger district_refresh_areas after insert or update of outline or delete on public.district
  for each statement execute function app.refresh_town_areas();

/*
 * -------------------------------------------------------
 * Section: warnings
 * -------------------------------------------------------
 */
create table public.warnings (
  id uuid primary key default gen_random_uuid(),
  thread_id uuid not null,
  identifier text not null check (identifier ~ '^[^\s,<&]{1,200}$'),
  sender text not null check (sender ~ '^[^\s,<&]{1,200}$'),
  sent timestamptz,
  status public.cap_status not null,
  msg_type public.cap_msg_type not null default 'Alert',
  references_id uuid references public.warnings (id),
  hazard public.hazard_code not null,
  level public.warning_level not null,
  urgency text not null default 'Expected' check (urgency in ('Immediate', 'Expected', 'Future', 'Past', 'Unknown')),
  certainty text not null default 'Likely' check (certainty in ('Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown')),
  response_type text not null default 'Prepare'
    check (response_type in ('Shelter', 'Evacuate', 'Prepare', 'Execute', 'Avoid', 'Monitor', 'Assess', 'AllClear', 'None')),
  effective timestamptz not null default now(),
  onset timestamptz,
  expires timestamptz not null,
  web text check (web ~ '^https?://\S+$' and length(web) <= 500),
  contact text check (length(contact) <= 200),
  parameters jsonb not null default '[]' check (jsonb_typeof(parameters) = 'array'),
  -- the area as given (polygons, circles, geocodes) and the geometry it resolves to
  areas jsonb not null check (jsonb_typeof(areas) = 'array' and jsonb_array_length(areas) between 1 and 50),
  area extensions.geometry(MultiPolygon, 4326) not null,
  state public.warning_state not null default 'draft',
  source text not null default 'console' check (source in ('console', 'cap')),
  drafted_by uuid default auth.uid(),
  approved_by uuid,
  ended_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (sender, identifier),
  constraint warnings_expires_after_effective check (expires > effective),
  constraint warnings_references check ((msg_type = 'Alert') = (references_id is null))
);
comment on table public.warnings is 'CAP 1.2 messages (Alert/Update/Cancel); thread_id groups a warning''s messages and is its public id.';
create index warnings_thread_idx on public.warnings (thread_id);
create index warnings_active_idx on public.warnings (state, expires);
create index warnings_area_idx on public.warnings using gist (area);
create trigger warnings_touch before update on public.warnings
  for each row execute function app.touch_updated_at();

create table public.warning_infos (
  warning_id uuid not null references public.warnings (id) on delete cascade,
  lang text not null check (lang ~ '^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8}){0,2}$'),
  event text not null check (length(event) between 1 and 100),
  headline text not null check (length(headline) between 1 and 200),
  description text not null check (length(description) between 1 and 4000),
  instruction text not null check (length(instruction) between 1 and 4000),
  sender_name text not null check (length(sender_name) between 1 and 200),
  area_desc text not null check (length(area_desc) between 1 and 1000),
  primary key (warning_id, lang)
);
comment on table public.warning_infos is 'One CAP info block per language of a warning message (zh-CN and en at least from the console).';

create table public.warning_audit (
  id bigint generated always as identity primary key,
  warning_id uuid not null references public.warnings (id) on delete cascade,
  thread_id uuid not null,
  action text not null check (action in ('drafted', 'submitted', 'withdrawn', 'approved', 'issued', 'updated', 'cancelled', 'imported')),
  actor uuid,
  actor_label text,
  at timestamptz not null default now()
);
comment on table public.warning_audit is 'Who drafted, submitted, approved, issued, updated and cancelled each warning, and when. Written by triggers only.';
create index warning_audit_thread_idx on public.warning_audit (thread_id);

/*
 * -------------------------------------------------------
 * Section: warning rules
 * -------------------------------------------------------
 */

/** Whether this message needs a second person's approval before it goes out. */
create or replace function app.warning_needs_approval(p_status public.cap_status, p_msg public.cap_msg_type, p_level public.warning_level)
returns boolean
language sql immutable
set search_path = ''
as $$
  select p_status = 'Actual' and p_msg <> 'Cancel' and p_level in ('orange', 'red')
$$;

create or replace function app.warnings_guard() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_role text := app.caller_role();
  v_service boolean := auth.role() is not distinct from 'service_role';
  v_machine boolean := coalesce((auth.jwt() ->> 'api_key')::boolean, false);
  v_ref public.warnings;
begin
  if not v_service and v_role is distinct from 'warning_issuer' and v_role is distinct from 'admin' then
    raise exception 'only a warning issuer or an admin may write warnings' using errcode = '42501';
  end if;

  if tg_op = 'INSERT' then
    if new.state not in ('draft', 'issued') then
      raise exception 'a new warning starts as a draft (or is issued at once by an import)' using errcode = '22023';
    end if;
    if not v_service then new.drafted_by := auth.uid(); end if;
    if new.references_id is null then
      new.thread_id := new.id;
    else
      select * into v_ref from public.warnings w where w.id = new.references_id;
      if not found then
        raise exception 'references: no such warning' using errcode = '23503';
      end if;
      new.thread_id := v_ref.thread_id;
    end if;
  else
    if old.state in ('superseded', 'cancelled') or (old.state = 'issued' and current_setting('app.warning_ending', true) is distinct from 'on') then
      raise exception 'an issued warning is not edited: send an Update or a Cancel' using errcode = '42501';
    end if;
    if (new.id, new.thread_id, new.drafted_by, new.source, new.created_at) is distinct from (old.id, old.thread_id, old.drafted_by, old.source, old.created_at) then
      raise exception 'id, thread, author and source of a warning do not change' using errcode = '42501';
    end if;
    if old.state = 'pending' and new.state = 'pending' then
      raise exception 'a warning waiting for approval is not edited: withdraw it first' using errcode = '42501';
    end if;
    if new.approved_by is distinct from old.approved_by and new.approved_by is distinct from auth.uid() and not v_service then
      raise exception 'only the approver records their own approval' using errcode = '42501';
    end if;
  end if;

  if new.state = 'issued' and (tg_op = 'INSERT' or old.state <> 'issued') then
    if new.expires <= now() then
      raise exception 'expires: the warning would already have expired' using errcode = '22023';
    end if;
    if tg_op = 'UPDATE' and not exists (select 1 from public.warning_infos i where i.warning_id = new.id) then
      raise exception 'info: a warning needs its text in at least one language' using errcode = '22023';
    end if;
    if app.warning_needs_approval(new.status, new.msg_type, new.level) and not v_service and not v_machine
       and (new.approved_by is null or new.approved_by is not distinct from new.drafted_by) then
      raise exception 'an Actual orange or red warning needs approval by a second issuer or admin' using errcode = '42501';
    end if;
    if new.references_id is not null and not exists (
      select 1 from public.warnings w where w.id = new.references_id and w.state = 'issued') then
      raise exception 'references: the warning it updates or cancels is no longer in force' using errcode = '22023';
    end if;
    new.sent := coalesce(new.sent, date_trunc('second', now()));
  end if;
  return new;
end;
$$;
create trigger warnings_guard before insert or update on public.warnings
  for each row execute function app.warnings_guard();

-- Ends the referenced message, writes the audit trail and announces the change.
create or replace function app.warnings_after() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_action text;
  v_label text := coalesce(
    (select s.email from public.staff s where s.user_id = auth.uid()),
    (select 'api key ' || k.name from public.api_keys k where k.id = auth.uid()),
    auth.role());
begin
  if tg_op = 'UPDATE' and new.state = old.state then
    return null;
  end if;
  if new.state = 'issued' and new.references_id is not null then
    perform set_config('app.warning_ending', 'on', true);
    update public.warnings w
       set state = case when new.msg_type = 'Cancel' then 'cancelled'::public.warning_state else 'superseded'::public.warning_state end,
           ended_at = now()
     where w.id = new.references_id and w.state = 'issued';
    perform set_config('app.warning_ending', 'off', true);
  end if;
  if new.state in ('superseded', 'cancelled') then
    return null; -- recorded by the message that ended it
  end if;
  v_action := case
    when new.state = 'draft' and tg_op = 'INSERT' then 'drafted'
    when new.state = 'draft' then 'withdrawn'
    when new.state = 'pending' then 'submitted'
    when new.source = 'cap' then 'imported'
    when new.msg_type = 'Cancel' then 'cancelled'
    when new.msg_type = 'Update' then 'updated'
    else 'issued'
  end;
  if new.state = 'issued' and tg_op = 'UPDATE' and new.approved_by is not null and old.approved_by is null then
    insert into public.warning_audit (warning_id, thread_id, action, actor, actor_label)
      values (new.id, new.thread_id, 'approved', auth.uid(), v_label);
  end if;
  insert into public.warning_audit (warning_id, thread_id, action, actor, actor_label)
    values (new.id, new.thread_id, v_action, auth.uid(), v_label);
  if new.state = 'issued' then
    perform pg_notify('warnings', json_build_object('thread', new.thread_id, 'id', new.id, 'msgType', new.msg_type)::text);
  end if;
  return null;
end;
$$;
create trigger warnings_after after insert or update on public.warnings
  for each row execute function app.warnings_after();

/** Whether a message is in force now: issued, effective, not expired, not an end notice. */
create or replace function app.warning_in_force(w public.warnings) returns boolean
language sql stable
set search_path = ''
as $$
  select w.state = 'issued' and w.msg_type <> 'Cancel' and w.effective <= now() and w.expires > now()
$$;
grant execute on function app.warning_in_force(public.warnings) to anon, authenticated, service_role;

/**
 * Areas of the active public warnings for a hazard (replaces the placeholder of
 * 20261129085000_hazards.sql). Only status Actual: drills never move people.
 * warning_id is the warning's public id (its thread).
 */
create or replace function app.active_hazard_areas(p_hazard public.hazard_code)
returns table (warning_id uuid, level public.warning_level, area extensions.geometry)
language sql stable
set search_path = ''
as $$
  select w.thread_id, w.level, w.area::extensions.geometry
    from public.warnings w
   where w.hazard = p_hazard and w.status = 'Actual' and app.warning_in_force(w)
$$;

/*
 * -------------------------------------------------------
 * Section: row level security — warnings
 * Everyone reads what went out (issued, and ended messages for history), except
 * System and Draft status; issuers and admins read everything and write; the guard
 * trigger decides which transitions are allowed. The audit trail is for issuers and
 * admins to read, and for the trigger alone to write.
 * -------------------------------------------------------
 */
alter table public.warnings enable row level security;
alter table public.warning_infos enable row level security;
alter table public.warning_audit enable row level security;

create policy "published warnings are public" on public.warnings for select to anon, authenticated
  using (
    (state in ('issued', 'superseded', 'cancelled') and status in ('Actual', 'Exercise', 'Test'))
    or app.caller_role() in ('warning_issuer', 'admin')
  );
create policy "issuers draft warnings" on public.warnings for insert to authenticated
  with check (app.caller_role() in ('warning_issuer', 'admin'));
create policy "issuers move warnings through their life cycle" on public.warnings for update to authenticated
  using (app.caller_role() in ('warning_issuer', 'admin'))
  with check (app.caller_role() in ('warning_issuer', 'admin'));

create policy "texts of visible warnings are visible" on public.warning_infos for select to anon, authenticated
  using (exists (select 1 from public.warnings w where w.id = warning_id));
create policy "issuers write texts of drafts" on public.warning_infos for insert to authenticated
  with check (app.caller_role() in ('warning_issuer', 'admin')
    and exists (select 1 from public.warnings w where w.id = warning_id and w.state = 'draft'));
create policy "issuers edit texts of drafts" on public.warning_infos for update to authenticated
  using (app.caller_role() in ('warning_issuer', 'admin')
    and exists (select 1 from public.warnings w where w.id = warning_id and w.state = 'draft'));
create policy "issuers remove texts of drafts" on public.warning_infos for delete to authenticated
  using (app.caller_role() in ('warning_issuer', 'admin')
    and exists (select 1 from public.warnings w where w.id = warning_id and w.state = 'draft'));

revoke all on public.warning_audit from anon;
revoke insert, update, delete on public.warning_audit from authenticated;
create policy "issuers read the audit trail" on public.warning_audit for select to authenticated
  using (app.caller_role() in ('warning_issuer', 'admin'));
revoke delete on public.warnings from anon, authenticated;

/*
 * -------------------------------------------------------
 * Section: scenic areas
 * Sourced facts (supabase/reference/scenic-areas.json, sources in its README);
 * coordinates carry their confidence, estimated ones say so. A scenic area without
 * coordinates is matched to warnings through its township's approximate area.
 * -------------------------------------------------------
 */
create table public.scenic_areas (
  id text primary key check (id ~ '^[a-z][a-z0-9-]{1,40}$'),
  name_zh text not null,
  name_en text not null,
  town_code text references public.towns (code),
  town_note text,
  location extensions.geometry(Point, 4326),
  coord_confidence text,
  coord_source text,
  facts text,
  facts_source text,
  phone text,
  sort integer not null default 100
);
comment on table public.scenic_areas is 'Miyun''s scenic areas (sourced facts; coordinates with their confidence, estimated ones marked).';

create table public.scenic_status (
  scenic_id text primary key references public.scenic_areas (id) on delete cascade,
  state public.scenic_state not null default 'open',
  note_zh text check (length(note_zh) <= 300),
  note_en text check (length(note_en) <= 600),
  updated_by uuid default auth.uid(),
  updated_at timestamptz not null default now()
);
comment on table public.scenic_status is 'Today''s status of each scenic area (open, restricted, closed), set by staff.';
create trigger scenic_status_touch before update on public.scenic_status
  for each row execute function app.touch_updated_at();

alter table public.scenic_areas enable row level security;
alter table public.scenic_status enable row level security;
create policy "scenic areas are public" on public.scenic_areas for select to anon, authenticated using (true);
create policy "admins edit scenic areas" on public.scenic_areas for update to authenticated
  using (app.is_admin()) with check (app.is_admin());
create policy "scenic status is public" on public.scenic_status for select to anon, authenticated using (true);
create policy "issuers, admins and the township set scenic status" on public.scenic_status for insert to authenticated
  with check (app.caller_role() in ('warning_issuer', 'admin')
    or exists (select 1 from public.scenic_areas s where s.id = scenic_id and s.town_code = app.staff_town()));
create policy "issuers, admins and the township change scenic status" on public.scenic_status for update to authenticated
  using (app.caller_role() in ('warning_issuer', 'admin')
    or exists (select 1 from public.scenic_areas s where s.id = scenic_id and s.town_code = app.staff_town()))
  with check (app.caller_role() in ('warning_issuer', 'admin')
    or exists (select 1 from public.scenic_areas s where s.id = scenic_id and s.town_code = app.staff_town()));

-- Rows from supabase/reference/scenic-areas.json (sources per row there).
insert into public.scenic_areas (id, name_zh, name_en, town_code, town_note, location, coord_confidence, coord_source, facts, facts_source, phone, sort) values
  ('simatai', '司马台长城', 'Simatai Great Wall', '110118111', '古北口镇 (司马台村)', extensions.ST_SetSRID(extensions.ST_MakePoint(117.27444, 40.65944), 4326), 'medium', 'http://wikimapia.org/8923782/Simatai (40°39''34"N 117°16''28"E)', '5.4 km long, 35 watchtowers; only Great Wall section open for night tours; access via Gubei Water Town', 'https://english.visitbeijing.com.cn/article/47OLMyG6pFV ; https://www.beijingtours.cc/tag/no-shopping', null, 10),
  ('gubei-water-town', '古北水镇', 'Gubei Water Town (Beijing WTown)', '110118111', '古北口镇', extensions.ST_SetSRID(extensions.ST_MakePoint(117.27, 40.655), 4326), 'low (estimated)', 'ESTIMATED: at the foot of Simatai (wikimapia Simatai point moved slightly S/W); GitHub demo files disagree (40.44–40.65 N), do not trust them', 'opened 2014; town 430,000 m²; resort incl. Simatai ~9 km²; beside 鸳鸯湖 reservoir', 'http://dictall.com/dictall/newsInfo.jsp?id=89989 (China Daily 2018) ; https://www.beijingtours.cc/tag/no-shopping ; http://www.seeinchina.com/E_ReadNews.asp?NewsID=107078', null, 20),
  ('gubeikou-great-wall', '古北口长城(卧虎山/蟠龙山)', 'Gubeikou Great Wall (Wohushan W of pass, Panlongshan E of pass)', '110118111', '古北口镇', extensions.ST_SetSRID(extensions.ST_MakePoint(117.15722, 40.69), 4326), 'low (proxy)', 'Gubeikou town coordinate used as proxy for the pass', 'Gubeikou wall system >20 km, sections Wohushan, Panlongshan, Jinshanling, Simatai; 143 towers', 'http://www.greatwall-of-china.com/41-47/gubeikou.html', null, 30),
  ('black-dragon-pool', '黑龙潭', 'Black Dragon Pool', '110118116', '石城镇 (鹿皮关北)', null, null, null, '4 km gorge, 220 m drop, 18 pools, 3 waterfalls; ~28 km from Miyun city, ~100 km from Beijing; AAAA; ~1.95 km²', 'https://tripcango.com/beijing-110100-travel-guide/attraction/2886-black-dragon-pond-scenic-area ; https://www.travelchinaguide.com/attraction/beijing/black-dragon-pool.htm', null, 40),
  ('jingdu-first-waterfall', '京都第一瀑', 'Jingdu No.1 Waterfall', '110118116', '石城镇柳棵峪', null, null, null, '3 km north of Black Dragon Pool; 62.5 m drop; 103 km from Beijing', 'http://jd.tootour.com/m/a/8229.html', null, 50),
  ('tianmen-mountain', '天门山', 'Tianmen Mountain (北天门山)', '110118116', '石城镇柳棵峪', null, null, null, '天门洞 at ~800 m a.s.l., ~60 m high, ~40 m wide; 100 km from Beijing', 'https://s.visitbeijing.com.cn/line/961', null, 60),
  ('qingliang-valley', '清凉谷', 'Qingliang Valley', '110118116', '石城镇四合堂地区', null, null, null, 'north (shady) side of Yunmeng Mountain, 110 km from Dongzhimen', 'http://m.51chaoshang.com/wenzhang/20200331/7107.html', null, 70),
  ('taoyuan-xiangu', '桃源仙谷', 'Taoyuan Xiangu', '110118116', '石城镇 (listed among Shicheng''s 10 scenic areas)', null, null, null, 'a GitHub demo file places it in 溪翁庄镇 at 40.3924,116.8357 - treat as unreliable', 'http://m.51chaoshang.com/wenzhang/20200331/7107.html', null, 80),
  ('yunmengshan', '云蒙山国家森林公园', 'Yunmengshan National Forest Park', '110118116', '石城镇 area, straddles Miyun/Huairou border', null, null, null, '2,208 ha; main peak 1,414 m; forest cover >91%; gate at km 81.5 of the Beijing–Fengning road', 'http://en.yp.cctv.com/20080606/103314.shtml ; http://www.inbeijing.net/viewtopic.php?f=44&t=277&p=286', null, 90),
  ('bailongtan', '白龙潭', 'Bailongtan (White Dragon Pool) scenic area', '110118107', '太师屯镇龙潭沟村', null, null, null, '~4 km²; Jingcheng Expwy exit 18 (水辛路) then G101 12 km', 'http://m.51chaoshang.com/wenzhang/20200601/13214.html ; http://m.english--books.com/bjly/myjd_4664.html', '010-69038558', 100),
  ('nanshan-ski', '南山滑雪场', 'Nanshan Ski Resort', null, null, null, null, null, 'listed by Wikipedia as one of the largest ski resorts in China', 'https://en.wikipedia.org/wiki/Miyun', null, 120),
  ('miyun-reservoir', '密云水库', 'Miyun Reservoir (centre)', null, null, extensions.ST_SetSRID(extensions.ST_MakePoint(116.98, 40.48), 4326), 'medium', 'https://wiki.av1.space/content/wikipedia_en_all_mini_2025-06/Miyun_Reservoir (40°29′N 116°59′E)', null, null, null, 130);
insert into public.scenic_status (scenic_id, state, updated_by) select id, 'open', null from public.scenic_areas;
