/*
 * =======================================================
 * An admin adds and edits staff from the console (outside tester, 2026-12-05).
 *
 * On a fresh install the demo admin was the only issuer, and an orange or red warning
 * waits for a second person: the page could only say "run `npm run admin -- staff add`
 * on the server", which a duty officer at 2 a.m. cannot do. Staff accounts were made only
 * by the admin CLI, as the service role, because the account itself (auth.users) is not
 * writable by signed-in users.
 *
 * `public.staff_add` writes the account and its profile together, for an admin or the
 * service role (the CLI and the demo seed use it too, so there is one way in):
 *   - with a password hash (the built-in sign-in): a new auth.users row and the profile;
 *   - without (Supabase Auth owns passwords): the profile of an existing Auth user.
 * The profile's own rules stay where they were: one unit that exists (foreign keys and
 * `staff_one_unit`), a lower-case address, RLS "admins add/edit staff".
 *
 * An admin may not take away their own admin role or switch themselves off: the last
 * admin would lock everyone out of the console, and nobody would be left to undo it.
 * =======================================================
 */
create or replace function public.staff_add(
  p_email text,
  p_password_hash text,
  p_role public.staff_role,
  p_department_code text,
  p_town_code text,
  p_display_name text
) returns uuid
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_email text := lower(btrim(p_email));
  v_user uuid;
begin
  if not app.is_admin() and auth.role() is distinct from 'service_role' then
    raise exception 'only an admin adds staff' using errcode = '42501';
  end if;
  if p_password_hash is not null then
    if exists (select 1 from auth.users u where lower(u.email) = v_email) then
      raise exception 'an account for % exists already', v_email using errcode = '23505';
    end if;
    insert into auth.users (email, encrypted_password, raw_app_meta_data)
    values (v_email, p_password_hash, jsonb_build_object('provider', 'email', 'providers', jsonb_build_array('email')))
    returning id into v_user;
  else
    select u.id into v_user from auth.users u where lower(u.email) = v_email;
    if v_user is null then
      raise exception 'no Supabase Auth user %: create the user in Supabase first', v_email using errcode = 'P0002';
    end if;
    if exists (select 1 from public.staff s where s.user_id = v_user) then
      raise exception '% is staff already', v_email using errcode = '23505';
    end if;
  end if;
  insert into public.staff (user_id, email, display_name, role, department_code, town_code)
  values (v_user, v_email, nullif(btrim(p_display_name), ''), p_role, p_department_code, p_town_code);
  return v_user;
end
$$;
comment on function public.staff_add(text, text, public.staff_role, text, text, text) is
  'Adds a staff member (account and profile together; without a password hash, the profile of an existing Supabase Auth user). Admins and the service role only.';
revoke all on function public.staff_add(text, text, public.staff_role, text, text, text) from public, anon;
grant execute on function public.staff_add(text, text, public.staff_role, text, text, text) to authenticated, service_role;

create or replace function app.staff_keep_own_admin() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if old.user_id = auth.uid() and old.role = 'admin' and (new.role <> 'admin' or not new.active) then
    raise exception 'an admin cannot remove their own admin role or switch themselves off; another admin can'
      using errcode = '42501';
  end if;
  return new;
end
$$;
create trigger staff_keep_own_admin before update on public.staff
  for each row execute function app.staff_keep_own_admin();
