/*
 * ============================================================
 * Public data changed: one NOTIFY per statement
 * ============================================================
 * Every server process keeps the public pages' data (warnings in force, scenic status,
 * shelter snapshot) in memory and refreshes it when told (src/lib/server/public). The
 * warnings already notify channel `warnings`; scenic areas, their status, shelters and
 * routes say so on the same channel with a `kind`, so a process needs one LISTEN
 * connection for all of it. Per statement, not per row: an import of 500 shelters is
 * one refresh.
 */
create or replace function app.public_data_changed() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform pg_notify('warnings', json_build_object('kind', tg_argv[0])::text);
  return null;
end;
$$;
comment on function app.public_data_changed() is
  'Tells the server processes (LISTEN warnings) that public data of a kind changed: scenic or shelters.';

create trigger scenic_areas_changed after insert or update or delete on public.scenic_areas
  for each statement execute function app.public_data_changed('scenic');
create trigger scenic_status_changed after insert or update or delete on public.scenic_status
  for each statement execute function app.public_data_changed('scenic');
create trigger shelters_changed after insert or update or delete on public.shelters
  for each statement execute function app.public_data_changed('shelters');
create trigger evacuation_routes_changed after insert or update or delete on public.evacuation_routes
  for each statement execute function app.public_data_changed('shelters');
