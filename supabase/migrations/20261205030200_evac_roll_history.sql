/*
 * =======================================================
 * The roll's edit history (issue 17): who added, changed or removed a household, when,
 * and what changed (field: from → to). Written by a trigger, so the console, the CSV
 * import and plain SQL are all recorded; nobody writes or edits it directly. Read by
 * those who keep that township's roll (the same rule as the roll).
 * Personal data: a removed household's history keeps who and when and which fields,
 * but its values are blanked — the household is no longer on the roll.
 * =======================================================
 */
create table public.evac_household_changes (
  id bigint generated always as identity primary key,
  household_id uuid not null,
  town_code text not null references public.towns (code),
  action text not null check (action in ('added', 'edited', 'removed')),
  changes jsonb not null default '{}',
  changed_at timestamptz not null default now(),
  changed_by uuid,
  changed_by_name text
);
comment on table public.evac_household_changes is 'History of the evacuation roll: per household, who (null: the system, e.g. the demo seed) added, edited or removed it, when, and changes {field: {from, to}}. Values blanked once the household is removed.';
create index evac_household_changes_household_idx on public.evac_household_changes (household_id, changed_at desc);
create index evac_household_changes_town_idx on public.evac_household_changes (town_code, changed_at desc);

create or replace function app.evac_households_history() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_old jsonb := case when tg_op <> 'INSERT' then to_jsonb(old) - array['id', 'updated_at', 'updated_by', 'town_code'] else '{}' end;
  v_new jsonb := case when tg_op <> 'DELETE' then to_jsonb(new) - array['id', 'updated_at', 'updated_by', 'town_code'] else '{}' end;
  v_changes jsonb;
  v_row public.evac_households := case when tg_op = 'DELETE' then old else new end;
begin
  if tg_op = 'DELETE' then
    -- The household left the roll: keep who/when/which fields, drop the values.
    update public.evac_household_changes c
       set changes = (select coalesce(jsonb_object_agg(k, '{}'::jsonb), '{}') from jsonb_object_keys(c.changes) k)
     where c.household_id = old.id;
    v_changes := '{}';
  else
    select coalesce(jsonb_object_agg(k, case when tg_op = 'INSERT' then jsonb_build_object('to', v_new -> k)
                                             else jsonb_build_object('from', v_old -> k, 'to', v_new -> k) end), '{}')
      into v_changes
      from jsonb_object_keys(v_new) k
     where (v_old -> k) is distinct from (v_new -> k) and (tg_op = 'UPDATE' or v_new -> k <> 'null'::jsonb);
    if tg_op = 'UPDATE' and v_changes = '{}' then return null; end if;
  end if;
  insert into public.evac_household_changes (household_id, town_code, action, changes, changed_by, changed_by_name)
  values (v_row.id, v_row.town_code, case tg_op when 'INSERT' then 'added' when 'UPDATE' then 'edited' else 'removed' end, v_changes,
          auth.uid(), (select coalesce(s.display_name, s.email) from public.staff s where s.user_id = auth.uid()));
  return null;
end;
$$;
create trigger evac_households_history after insert or update or delete on public.evac_households
  for each row execute function app.evac_households_history();

alter table public.evac_household_changes enable row level security;
revoke all on public.evac_household_changes from anon, authenticated;
grant select on public.evac_household_changes to authenticated;
grant all on public.evac_household_changes to service_role;
create policy "the roll's keepers read its history" on public.evac_household_changes for select to authenticated
  using (app.keeps_evac_roll(town_code));
