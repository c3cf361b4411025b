/*
 * -------------------------------------------------------
 * The township a point lies in (fixes-b, 2026-12-04 night)
 * -------------------------------------------------------
 * A report or a call for help with a located point needs no township chosen by hand:
 * "use my position" at 40.4135, 116.9325 said 穆家峪镇 on the page, and the form still
 * refused "choose a township" (an outside tester's finding). The server derives it here,
 * from the same township areas the maps draw (public.town_areas: the imported boundary,
 * or the approximate area around the town seat). A point just outside every area but
 * within the district's 5 km tolerance (report_submit's own rule) takes the nearest one.
 * null when the point is farther out: the caller then asks for the township as before.
 */
create or replace function public.town_at(p_lon double precision, p_lat double precision)
returns text
language sql stable security invoker
set search_path = ''
as $$
  select a.code
    from public.town_areas a
   where p_lon is not null and p_lat is not null
     and extensions.st_dwithin(a.area::extensions.geography,
           extensions.st_setsrid(extensions.st_makepoint(p_lon, p_lat), 4326)::extensions.geography, 5000)
   order by extensions.st_distance(a.area::extensions.geography,
              extensions.st_setsrid(extensions.st_makepoint(p_lon, p_lat), 4326)::extensions.geography),
            a.approximate, a.code
   limit 1
$$;
comment on function public.town_at(double precision, double precision) is
  'The township whose area holds the point (the nearest within 5 km outside all areas), or null.';
revoke all on function public.town_at(double precision, double precision) from public;
grant execute on function public.town_at(double precision, double precision) to anon, authenticated, service_role;
