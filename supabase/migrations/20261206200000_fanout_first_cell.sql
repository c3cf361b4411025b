/*
 * The first recipients sooner (issue 20, item 10).
 *
 * 1. No JIT in the fan-out's start. app.delivery_start cuts a warning's area into grid
 *    cells inside the issuing transaction. PostGIS's set-returning st_squaregrid is
 *    estimated at a million rows, so the statement's cost passed jit_above_cost and
 *    PostgreSQL compiled it with LLVM before running it: 0.1–0.3 s on the 2-core machine
 *    (more when it is busy) for a statement that then runs in 20 ms. That compile was
 *    most of the issuing transaction. The function now runs with jit = off.
 *
 * 2. The first cell is matched in the issuing transaction. Its recipients are queued
 *    when the warning commits, so the engine's senders claim them on the NOTIFY instead
 *    of waiting for a match step (a transaction of its own) first; the engine's matcher
 *    goes on from the second cell. For that the area resolver moved into SQL
 *    (app.delivery_area_recipients), which the trigger and the engine's match steps
 *    (messaging/resolvers.ts) both call, and with it the rule of whether a subscription
 *    wants a message (app.delivery_wants), which the other resolvers use too.
 */

/**
 * Whether a subscription wants this warning message: confirmed and not ended, the
 * hazards and the lowest level it asked for, drills only when it opted in.
 * No `set search_path` on purpose: a SQL function with a setting is never inlined, and
 * this one is evaluated for every candidate of a fan-out (100,000s of rows); inlined,
 * it is plain column conditions in the caller's plan. Every name in it is a column of
 * its arguments or pg_catalog's now().
 */
create or replace function app.delivery_wants(s public.subscriptions, w public.warnings)
returns boolean
language sql stable
as $$
  select s.confirmed and (s.until is null or s.until > now())
     and (cardinality(s.hazards) = 0 or w.hazard = any(s.hazards))
     and s.min_level <= w.level
     and (w.status = 'Actual' or s.exercises)
$$;
revoke all on function app.delivery_wants(public.subscriptions, public.warnings) from public;
grant execute on function app.delivery_wants(public.subscriptions, public.warnings) to service_role;

/** Subscribers with a point inside area parts [p_from, p_to) of a warning message (GiST index on the places). */
create or replace function app.delivery_area_recipients(p_warning uuid, p_from integer, p_to integer)
returns table (warning_id uuid, recipient_id uuid, channel public.delivery_channel)
language sql stable
set search_path = ''
as $$
  select distinct w.id, s.id, s.channel
    from public.delivery_area_parts a
    join public.warnings w on w.id = a.warning_id
    join public.subscription_places p on extensions.st_intersects(p.geom, a.geom)
    join public.subscriptions s on s.id = p.subscription_id
   where a.warning_id = p_warning and a.n >= p_from and a.n < p_to and w.msg_type <> 'Cancel'
     and app.delivery_wants(s, w)
$$;
revoke all on function app.delivery_area_recipients(uuid, integer, integer) from public;
grant execute on function app.delivery_area_recipients(uuid, integer, integer) to service_role;

create or replace function app.delivery_start() returns trigger
language plpgsql security definer
set search_path = ''
set jit = off
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
  -- The first cell here: its recipients are queued when this transaction commits, and
  -- the engine's matcher starts at the second (next_step 1).
  if v_parts > 0 then
    insert into public.delivery_queue (warning_id, recipient_id, channel, recipient_kind)
      select r.warning_id, r.recipient_id, r.channel, 'subscription' from app.delivery_area_recipients(new.id, 0, 1) r
      on conflict do nothing;
  end if;
  insert into public.deliveries (warning_id, parts, deadline, next_step)
    values (new.id, v_parts, now() + make_interval(secs => app.delivery_ttl_seconds(new.hazard, new.expires)), least(v_parts, 1));
  perform pg_notify('deliveries', new.id::text);
  return null;
end;
$$;
