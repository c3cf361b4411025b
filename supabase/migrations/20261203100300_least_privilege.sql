/**
 * Least privilege for `anon` (issue 14, catalogue tests).
 *
 * Supabase's default privileges (and the bootstrap that copies them) grant every new
 * table and function in schema public to anon explicitly, so `revoke ... from public`
 * alone leaves anon its grant. Staff-only report steps were executable by anon (each
 * refused inside, but they need not be reachable at all), and anon held insert, update
 * and delete on public tables that RLS alone kept shut. Both are taken away here; new
 * public tables no longer give anon write privileges by default. What anon keeps is
 * listed, with the reason, in src/lib/server/db/catalogue.spec.ts.
 */
revoke execute on function public.report_dispatch(bigint, text, text), public.report_accept(bigint),
  public.report_note(bigint, text, boolean), public.report_return(bigint, text), public.report_close(bigint, text, jsonb),
  public.report_merge(bigint, bigint), public.report_whistle(bigint, text), public.report_hide(bigint, text),
  public.report_redact_photo(bigint) from anon;

do $$
declare
  t record;
begin
  for t in
    select c.oid::regclass as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm')
       and not exists (select from pg_depend d where d.objid = c.oid and d.deptype = 'e')
  loop
    execute format('revoke insert, update, delete, truncate, references, trigger on %s from anon', t.name);
  end loop;
end
$$;
alter default privileges in schema public revoke insert, update, delete, truncate, references, trigger on tables from anon;
