/**
 * The hazard types this district meets and China's four warning levels.
 * Enums (not tables) because code branches on them: the TypeScript types are
 * generated from these (src/lib/db-types.gen.ts). Adding a hazard is a new migration
 * (`alter type ... add value`), a guide in content/, and words in the hazards messages.
 */

-- The 14 meteorological warning signals, then the district's other hazards.
create type public.hazard_code as enum (
  'rainstorm', 'blizzard', 'cold_wave', 'gale', 'sandstorm', 'heat', 'drought',
  'lightning', 'hail', 'frost', 'fog', 'haze', 'road_icing', 'typhoon',
  'flash_flood', 'landslide', 'forest_fire', 'flood', 'earthquake', 'hazmat', 'public_emergency'
);
comment on type public.hazard_code is 'Stable hazard codes; the guide for each is content/<lang>/guides/<code>.md.';

-- 蓝/黄/橙/红 = level IV/III/II/I, in increasing severity.
create type public.warning_level as enum ('blue', 'yellow', 'orange', 'red');
comment on type public.warning_level is 'China''s four warning levels, IV (blue) to I (red); CAP severity Minor/Moderate/Severe/Extreme.';

/**
 * Areas of the active public warnings for a hazard — what hazard-aware features
 * (the nearest suitable shelter, "am I in it?") ask. Returns nothing until the
 * warnings schema replaces it with `create or replace function` in its own migration.
 */
create or replace function app.active_hazard_areas(p_hazard public.hazard_code)
returns table (warning_id uuid, level public.warning_level, area extensions.geometry)
language sql stable
set search_path = ''
as $$
  select null::uuid, null::public.warning_level, null::extensions.geometry where false
$$;
grant execute on function app.active_hazard_areas(public.hazard_code) to anon, authenticated, service_role;
