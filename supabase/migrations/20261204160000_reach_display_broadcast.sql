/*
 * =======================================================
 * Reach (issue 19, items 2 and 3): public display screens and village loudspeaker
 * broadcasts.
 * =======================================================
 */

/*
 * -------------------------------------------------------
 * Section: display screens (公共场所预警信息发布)
 * A screen at a station, school, hospital, square or scenic entrance shows the warnings
 * in force for its place: a township, a scenic area, or a point with a radius. Staff
 * create screens; a screen itself is anonymous and only checks in (app.display_checkin),
 * which records when it was last seen and nothing about anyone.
 * -------------------------------------------------------
 */
create table public.display_screens (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{2,39}$'),
  name text not null check (length(name) between 1 and 80),
  site text not null check (site in ('station', 'school', 'hospital', 'square', 'scenic_entrance', 'other')),
  place_kind text not null check (place_kind in ('town', 'scenic', 'point')),
  town_code text references public.towns (code),
  scenic_id text references public.scenic_areas (id),
  point extensions.geometry(Point, 4326),
  radius_m integer check (radius_m between 100 and 20000),
  created_by uuid default auth.uid(),
  created_at timestamptz not null default now(),
  last_seen_at timestamptz,
  constraint display_screens_place check (
    (place_kind = 'town' and town_code is not null and scenic_id is null and point is null and radius_m is null)
    or (place_kind = 'scenic' and scenic_id is not null and town_code is null and point is null and radius_m is null)
    or (place_kind = 'point' and point is not null and radius_m is not null and town_code is null and scenic_id is null))
);
comment on table public.display_screens is
  'Public display screens (公共场所预警信息发布): where each is and when it last checked in. Staff only; screens check in through app.display_checkin.';
alter table public.display_screens enable row level security;

create policy display_screens_staff_read on public.display_screens for select to authenticated
  using (app.staff_role() is not null);
create policy display_screens_write on public.display_screens for insert to authenticated
  with check (app.staff_role() in ('admin', 'warning_issuer'));
create policy display_screens_update on public.display_screens for update to authenticated
  using (app.staff_role() in ('admin', 'warning_issuer'))
  with check (app.staff_role() in ('admin', 'warning_issuer'));
create policy display_screens_delete on public.display_screens for delete to authenticated
  using (app.staff_role() in ('admin', 'warning_issuer'));
-- default privileges grant anon everything on new tables: a screen reads nothing directly
revoke all on public.display_screens from anon;
revoke truncate, references, trigger on public.display_screens from authenticated;
grant select, insert, update, delete on public.display_screens to authenticated;
grant all on public.display_screens to service_role;

/**
 * A screen checks in: records that it was seen and returns its place (nothing else).
 * Anonymous by design (a screen has no account); a check-in writes at most once per
 * 20 seconds per screen, so a flood of calls cannot turn into a flood of writes.
 * Unknown slugs return no row.
 */
create or replace function app.display_checkin(p_slug text)
returns table (slug text, name text, place_kind text, town_code text, scenic_id text, lon double precision, lat double precision, radius_m integer)
language plpgsql volatile security definer
set search_path = ''
as $$
begin
  if p_slug is null or p_slug !~ '^[a-z0-9][a-z0-9-]{2,39}$' then
    return;
  end if;
  update public.display_screens d set last_seen_at = now()
   where d.slug = p_slug and (d.last_seen_at is null or d.last_seen_at < now() - interval '20 seconds');
  return query
    select d.slug, d.name, d.place_kind, d.town_code, d.scenic_id,
           extensions.st_x(d.point), extensions.st_y(d.point), d.radius_m
      from public.display_screens d where d.slug = p_slug;
end;
$$;
revoke all on function app.display_checkin(text) from public;
grant execute on function app.display_checkin(text) to anon, authenticated, service_role;

/*
 * -------------------------------------------------------
 * Section: village loudspeaker broadcasts (大喇叭)
 * Staff confirm, per village, that a warning's script was read over the loudspeaker.
 * This is the record the evacuation roll reads as "notified by broadcast": one row per
 * warning and village, with who confirmed and when it was broadcast.
 * -------------------------------------------------------
 */
create table public.village_broadcasts (
  warning_id uuid not null references public.warnings (id) on delete cascade,
  village_code text not null references public.villages (code),
  broadcast_at timestamptz not null default now() check (broadcast_at <= now() + interval '5 minutes'),
  confirmed_by uuid not null default auth.uid(),
  confirmed_by_label text check (length(confirmed_by_label) <= 120),
  confirmed_at timestamptz not null default now(),
  primary key (warning_id, village_code)
);
comment on table public.village_broadcasts is
  'Village loudspeaker (大喇叭) broadcasts of a warning, confirmed by staff: the evacuation roll''s "notified by broadcast". Township staff of the village and admins.';
create index village_broadcasts_village_idx on public.village_broadcasts (village_code);
alter table public.village_broadcasts enable row level security;

/** Whether the caller is an admin or staff of the township the village belongs to. */
create or replace function app.serves_village(p_village text) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select app.is_admin()
      or exists (select 1 from public.villages v where v.code = p_village and v.town_code = app.staff_town())
$$;
revoke all on function app.serves_village(text) from public;
grant execute on function app.serves_village(text) to authenticated, service_role;

create policy village_broadcasts_read on public.village_broadcasts for select to authenticated
  using (app.serves_village(village_code));
-- Only for oneself, only for a warning that was issued (not a draft).
create policy village_broadcasts_confirm on public.village_broadcasts for insert to authenticated
  with check (app.serves_village(village_code) and confirmed_by = auth.uid()
              and exists (select 1 from public.warnings w where w.id = warning_id and w.state in ('issued', 'superseded', 'cancelled')));
revoke all on public.village_broadcasts from anon;
revoke all on public.village_broadcasts from authenticated;
grant select, insert on public.village_broadcasts to authenticated;
grant all on public.village_broadcasts to service_role;
