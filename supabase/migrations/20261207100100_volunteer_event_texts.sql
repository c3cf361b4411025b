/*
 * =======================================================
 * A volunteer event's texts: the same checks whichever field (fixes, 2026-12-05)
 * =======================================================
 * The console's event form now has the venue in English (public.volunteer_events.place_en,
 * added by 20261206700200_english_place_names.sql with the length check of `place`, 1 to
 * 200 characters, and until now written only by the seed). Like a warning's texts
 * (20261206800000_control_characters.sql), no text of an event may hold C0 control
 * characters other than tab, LF and CR: every form input refuses them
 * (src/lib/server/unstorable-text.ts) and this makes it the rule of the data, whatever
 * path writes. An English venue that is only spaces is no venue. NOT VALID: rows stored
 * before are left as they are; every new or changed row is checked.
 * =======================================================
 */
alter table public.volunteer_events
  add constraint volunteer_events_no_control_characters check (
    (title_zh || title_en || description_zh || description_en || place || coalesce(place_en, '') || requirements_zh || requirements_en)
      !~ '[\x01-\x08\x0b\x0c\x0e-\x1f]'
  ) not valid;
alter table public.volunteer_events
  add constraint volunteer_events_place_en_not_blank check (place_en is null or btrim(place_en) <> '') not valid;
comment on column public.volunteer_events.place_en is 'The venue in English (pinyin where there is no English name), optional: English pages show it with the Chinese venue in brackets, or the Chinese venue without it. Set in the console''s event form.';
