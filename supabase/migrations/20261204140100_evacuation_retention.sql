/*
 * =======================================================
 * Evacuation retention (issue 17, item 5): the marks of a warning — who was where, who
 * refused, who marked — are erased 30 days after the warning ended (its last message
 * expired, was cancelled or ended, and none of its messages is in force). Thirty days
 * covers the after-action review and the district's daily and final reports, which are
 * exported as counts (no names). The roll itself stays until staff change it.
 * A function of its own beside app.prune_personal_data(); the retention job runs both.
 * =======================================================
 */
create or replace function app.prune_evacuation_marks()
returns table (kind text, removed integer)
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  n integer;
begin
  with ended as (
    select w.thread_id
      from public.warnings w
     where w.state <> 'draft'
     group by w.thread_id
    having not bool_or(app.warning_in_force(w))
       and max(coalesce(w.ended_at, case when w.msg_type = 'Cancel' then coalesce(w.sent, w.created_at) else w.expires end))
           < now() - interval '30 days'
  )
  delete from public.evac_marks m using ended e where m.warning_thread = e.thread_id;
  get diagnostics n = row_count;
  kind := 'evacuation_marks'; removed := n; return next;
end;
$$;
comment on function app.prune_evacuation_marks() is 'Retention: deletes evacuation marks 30 days after their warning ended; service_role only.';
revoke all on function app.prune_evacuation_marks() from public, anon, authenticated;
grant execute on function app.prune_evacuation_marks() to service_role;
