/*
 * =======================================================
 * Evacuation roll (险村险户转移, issue 17).
 * - The roll: a township's at-risk households, with the cadre responsible (包户干部) and
 *   the refuge assigned. Phones and names of vulnerable people: only that township's
 *   staff (not handlers, who work reports) and admins read or write it.
 * - Which warnings call for moving people: a column on the one per-hazard table
 *   (public.hazard_shelter_exclusion), beside the shelter exclusion rule.
 * - Marks during a warning: append-only; the latest (by when it was made on the
 *   device) is the household's status, every mark stays in its history. A mark carries
 *   the device's idempotency key, so a queued mark sent twice is stored once.
 * - A household moved to a shelter raises that shelter's occupancy; a later mark that
 *   moves it elsewhere gives the places back.
 * =======================================================
 */

/*
 * -------------------------------------------------------
 * Section: which warnings move people
 * -------------------------------------------------------
 */
alter table public.hazard_shelter_exclusion add column evacuates_from public.warning_level;
comment on column public.hazard_shelter_exclusion.evacuates_from is
  'The lowest level of an Actual warning of this hazard at which the at-risk households of the villages it covers are to be moved (null: never). Shown on the evacuation list.';
-- Miyun's practice (July 2025): flash flood, landslide/debris flow and river flood warnings
-- from orange move the at-risk households; a rainstorm or typhoon only at red; fire and
-- hazardous materials at orange. Weather and earthquake warnings never move the roll.
update public.hazard_shelter_exclusion set evacuates_from = v.level::public.warning_level
  from (values ('flash_flood', 'orange'), ('landslide', 'orange'), ('flood', 'orange'), ('forest_fire', 'orange'),
               ('hazmat', 'orange'), ('rainstorm', 'red'), ('typhoon', 'red')) v (hazard, level)
 where hazard_shelter_exclusion.hazard = v.hazard::public.hazard_code;

/** The in-force Actual warnings that call for moving people, with their areas. */
create or replace function app.evacuation_areas()
returns table (thread_id uuid, hazard public.hazard_code, level public.warning_level, area extensions.geometry)
language sql stable
set search_path = ''
as $$
  select a.warning_id, x.hazard, a.level, a.area
    from public.hazard_shelter_exclusion x
    cross join lateral app.active_hazard_areas(x.hazard) a
   where x.evacuates_from is not null and a.level >= x.evacuates_from
$$;
comment on function app.evacuation_areas is 'Areas of the in-force Actual warnings whose hazard and level call for moving the at-risk households (hazard_shelter_exclusion.evacuates_from).';
revoke all on function app.evacuation_areas() from public;
grant execute on function app.evacuation_areas() to authenticated, service_role;

/*
 * -------------------------------------------------------
 * Section: the roll
 * -------------------------------------------------------
 */
create type public.evac_vulnerability as enum ('elderly_alone', 'disabled', 'bedridden', 'children');
comment on type public.evac_vulnerability is 'Vulnerable members of a household: elderly living alone, disabled, bedridden, children.';

create table public.evac_households (
  id uuid primary key default gen_random_uuid(),
  town_code text not null references public.towns (code),
  village_code text not null references public.villages (code),
  ref text check (ref ~ '^[A-Za-z0-9._:-]{1,64}$'),
  head_name text not null check (length(head_name) between 1 and 50),
  phone text check (phone ~ '^[0-9+() -]{3,30}$'),
  address text check (length(address) <= 200),
  people integer not null check (people between 1 and 100),
  vulnerable public.evac_vulnerability[] not null default '{}',
  shelter_id uuid references public.shelters (id) on delete set null,
  refuge_note text check (length(refuge_note) <= 200),
  cadre_name text not null check (length(cadre_name) between 1 and 50),
  cadre_phone text not null check (cadre_phone ~ '^[0-9+() -]{3,30}$'),
  hazards public.hazard_code[] not null check (cardinality(hazards) > 0),
  demo boolean not null default false,
  updated_at timestamptz not null default now(),
  updated_by uuid default auth.uid(),
  unique (town_code, ref)
);
comment on table public.evac_households is 'At-risk households (险户) of a township: who lives there, who is vulnerable, where they go and which cadre (包户干部) moves them. demo = synthetic seed data.';
comment on column public.evac_households.town_code is 'Always the village''s township (set by trigger); the RLS policies decide by it.';
create index evac_households_village_idx on public.evac_households (village_code);
create index evac_households_town_idx on public.evac_households (town_code);

create or replace function app.evac_households_place() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.town_code := (select v.town_code from public.villages v where v.code = new.village_code);
  new.updated_at := now();
  new.updated_by := coalesce(auth.uid(), new.updated_by);
  return new;
end;
$$;
create trigger evac_households_place before insert or update on public.evac_households
  for each row execute function app.evac_households_place();

/** Whether the caller keeps the roll of this township: an admin, or its own staff except handlers. */
create or replace function app.keeps_evac_roll(p_town text) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select coalesce((select s.role = 'admin' or (s.town_code = p_town and s.role <> 'handler')
                     from public.staff s where s.user_id = auth.uid() and s.active), false)
$$;
revoke all on function app.keeps_evac_roll(text) from public;
grant execute on function app.keeps_evac_roll(text) to authenticated, service_role;

alter table public.evac_households enable row level security;
revoke all on public.evac_households from anon, authenticated;
grant select, insert, update, delete on public.evac_households to authenticated;
grant all on public.evac_households to service_role;
create policy "the township's staff and admins read its roll" on public.evac_households for select to authenticated
  using (app.keeps_evac_roll(town_code));
create policy "the township's staff and admins add to its roll" on public.evac_households for insert to authenticated
  with check (app.keeps_evac_roll(town_code));
create policy "the township's staff and admins edit its roll" on public.evac_households for update to authenticated
  using (app.keeps_evac_roll(town_code)) with check (app.keeps_evac_roll(town_code));
create policy "the township's staff and admins remove from its roll" on public.evac_households for delete to authenticated
  using (app.keeps_evac_roll(town_code));

/*
 * -------------------------------------------------------
 * Section: marks
 * -------------------------------------------------------
 */
create type public.evac_status as enum ('notified', 'moved', 'refused', 'unreachable');
comment on type public.evac_status is 'A household''s evacuation status: notified (phone/visit/broadcast), moved (shelter/relatives/elsewhere), refused, unreachable.';

create table public.evac_marks (
  id uuid primary key default gen_random_uuid(),
  idempotency_key uuid not null unique,
  household_id uuid not null references public.evac_households (id) on delete cascade,
  warning_thread uuid not null,
  status public.evac_status not null,
  how text,
  shelter_id uuid references public.shelters (id) on delete set null,
  note text check (length(note) <= 200),
  marked_at timestamptz not null default now(),
  recorded_at timestamptz not null default now(),
  marked_by uuid,
  marked_by_name text,
  constraint evac_marks_how check (
    (status = 'notified' and how in ('phone', 'visit', 'broadcast'))
    or (status = 'moved' and how in ('shelter', 'relatives', 'elsewhere'))
    or (status in ('refused', 'unreachable') and how is null)),
  constraint evac_marks_shelter check ((shelter_id is not null) = (status = 'moved' and how = 'shelter'))
);
comment on table public.evac_marks is 'Evacuation marks: append-only history per household and warning thread; the latest marked_at (then recorded_at) is the status. idempotency_key comes from the device, so a queued mark is stored once.';
comment on column public.evac_marks.marked_at is 'When the mark was made on the device (never later than it arrived): a mark queued offline does not overwrite a newer one.';
create index evac_marks_household_idx on public.evac_marks (household_id, warning_thread, marked_at desc);
create index evac_marks_thread_idx on public.evac_marks (warning_thread);

/** Who marked, when it arrived; serialises marks on one household (its row lock). */
create or replace function app.evac_marks_stamp() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  perform 1 from public.evac_households h where h.id = new.household_id for update;
  if not exists (select 1 from public.warnings w where w.thread_id = new.warning_thread and w.state <> 'draft') then
    raise exception 'warning_thread: no issued warning has this thread' using errcode = '23503';
  end if;
  new.recorded_at := now();
  new.marked_at := least(coalesce(new.marked_at, now()), now());
  if auth.role() is distinct from 'service_role' then
    new.marked_by := auth.uid();
    new.marked_by_name := (select coalesce(s.display_name, s.email) from public.staff s where s.user_id = auth.uid());
  end if;
  return new;
end;
$$;
create trigger evac_marks_stamp before insert on public.evac_marks
  for each row execute function app.evac_marks_stamp();

/** The household's status under a warning thread: its latest mark. */
create or replace function app.evac_latest(p_household uuid, p_thread uuid, p_except uuid default null)
returns public.evac_marks
language sql stable
set search_path = ''
as $$
  select m.* from public.evac_marks m
   where m.household_id = p_household and m.warning_thread = p_thread and m.id is distinct from p_except
   order by m.marked_at desc, m.recorded_at desc, m.id desc limit 1
$$;
revoke all on function app.evac_latest(uuid, uuid, uuid) from public;

/**
 * Occupancy follows the latest mark: when the household's status changes from "moved to
 * shelter A" to anything else, A gets its places back; to "moved to shelter B", B fills.
 * Also tells the live console which township changed.
 */
create or replace function app.evac_marks_follow() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_before public.evac_marks;
  v_after public.evac_marks;
  v_people integer;
  v_town text;
begin
  select h.people, h.town_code into v_people, v_town from public.evac_households h where h.id = new.household_id;
  v_before := app.evac_latest(new.household_id, new.warning_thread, new.id);
  v_after := app.evac_latest(new.household_id, new.warning_thread);
  if v_before.shelter_id is distinct from v_after.shelter_id then
    if v_before.shelter_id is not null then
      update public.shelters set occupancy = greatest(0, occupancy - v_people) where id = v_before.shelter_id;
    end if;
    if v_after.shelter_id is not null then
      update public.shelters set occupancy = occupancy + v_people where id = v_after.shelter_id;
    end if;
  end if;
  perform pg_notify('evacuation', json_build_object('town', v_town)::text);
  return null;
end;
$$;
create trigger evac_marks_follow after insert on public.evac_marks
  for each row execute function app.evac_marks_follow();

alter table public.evac_marks enable row level security;
revoke all on public.evac_marks from anon, authenticated;
grant select, insert on public.evac_marks to authenticated;
grant all on public.evac_marks to service_role;
-- Append-only for people: no update or delete policy; the retention job runs as service_role.
create policy "the roll's keepers read its marks" on public.evac_marks for select to authenticated
  using (exists (select 1 from public.evac_households h where h.id = household_id));
create policy "the roll's keepers mark its households" on public.evac_marks for insert to authenticated
  with check (exists (select 1 from public.evac_households h where h.id = household_id));

/*
 * -------------------------------------------------------
 * Section: who is to be moved now
 * Security invoker: the roll's policies decide which households come back.
 * -------------------------------------------------------
 */
create or replace function public.evacuation_now()
returns table (
  household_id uuid, town_code text, village_code text, head_name text, phone text, address text, people integer,
  vulnerable public.evac_vulnerability[], shelter_id uuid, refuge_note text, cadre_name text, cadre_phone text,
  hazards public.hazard_code[], demo boolean, warning_thread uuid, warning_hazard public.hazard_code,
  warning_level public.warning_level, status public.evac_status, how text, moved_to uuid, marked_at timestamptz,
  marked_by_name text, marks integer
)
language sql stable
set search_path = ''
as $$
  with covering as (
    -- A village covered by several warnings that move people is listed once, under the most severe.
    select distinct on (va.code) va.code as village_code, e.thread_id, e.hazard, e.level,
           array_agg(e.thread_id) over (partition by va.code) as threads
      from public.village_areas va
      join app.evacuation_areas() e on app.area_touches(e.area, va.area)
     where va.code in (select h.village_code from public.evac_households h)
     order by va.code, e.level desc, e.thread_id
  )
  select h.id, h.town_code, h.village_code, h.head_name, h.phone, h.address, h.people, h.vulnerable, h.shelter_id,
         h.refuge_note, h.cadre_name, h.cadre_phone, h.hazards, h.demo, c.thread_id, c.hazard, c.level,
         m.status, m.how, m.shelter_id, m.marked_at, m.marked_by_name,
         (select count(*)::integer from public.evac_marks x where x.household_id = h.id and x.warning_thread = any(c.threads))
    from public.evac_households h
    join covering c on c.village_code = h.village_code
    left join lateral (
      -- Marks under any warning covering the village count: overlapping warnings share one status.
      select x.* from public.evac_marks x
       where x.household_id = h.id and x.warning_thread = any(c.threads)
       order by x.marked_at desc, x.recorded_at desc, x.id desc limit 1) m on true
$$;
comment on function public.evacuation_now is 'The at-risk households of the villages an in-force warning that moves people covers, with their latest mark; rows as the roll''s policies allow.';
revoke all on function public.evacuation_now() from public, anon;
grant execute on function public.evacuation_now() to authenticated, service_role;
