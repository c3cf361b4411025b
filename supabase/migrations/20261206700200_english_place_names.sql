/*
 * -------------------------------------------------------
 * English names on English pages (fixes-b, 2026-12-04 night)
 * -------------------------------------------------------
 * An outside tester read Chinese on English pages: "Gubeikou Town (古北口镇 (司马台村))",
 * "Tianmen Mountain (北天门山)", "beside 鸳鸯湖 reservoir", volunteer venues in Chinese.
 * One rule (docs/decisions.md): English pages show English; the Chinese name follows in
 * brackets only for a place a visitor travels to and may have to show a driver (a scenic
 * area, a shelter, an event's venue) — pages add it, the English text itself carries none.
 * Pinyin where no English name exists.
 */

-- Scenic areas: the note under the township is the place within it, in both languages
-- (it repeated the township in Chinese), and the English texts carry no Chinese.
alter table public.scenic_areas add column town_note_en text;
comment on column public.scenic_areas.town_note is 'Where in the township, in Chinese (e.g. 司马台村); the township itself is town_code''s.';
comment on column public.scenic_areas.town_note_en is 'Where in the township, in English (pinyin where there is no English name).';
update public.scenic_areas s set town_note = v.zh, town_note_en = v.en
  from (values
    ('simatai', '司马台村', 'Simatai Village'),
    ('gubei-water-town', '司马台村', 'Simatai Village'),
    ('gubeikou-great-wall', null, null),
    ('black-dragon-pool', '鹿皮关北', 'north of Lupiguan'),
    ('jingdu-first-waterfall', '柳棵峪', 'Liukeyu'),
    ('tianmen-mountain', '柳棵峪', 'Liukeyu'),
    ('qingliang-valley', '四合堂地区', 'Sihetang area'),
    ('taoyuan-xiangu', '石城镇十大景区之一', 'one of Shicheng''s ten scenic areas'),
    ('yunmengshan', '跨密云、怀柔两区', 'straddles the Miyun–Huairou border'),
    ('bailongtan', '龙潭沟村', 'Longtangou Village')
  ) as v(id, zh, en)
 where s.id = v.id;
update public.scenic_areas set name_en = 'Tianmen Mountain (Beitianmen)' where id = 'tianmen-mountain' and name_en = 'Tianmen Mountain (北天门山)';
update public.scenic_areas set facts = replace(facts, 'beside 鸳鸯湖 reservoir', 'beside the Yuanyang Lake reservoir') where id = 'gubei-water-town';
update public.scenic_areas set facts = replace(facts, '天门洞 at', 'Tianmen Cave (a natural arch) at') where id = 'tianmen-mountain';
update public.scenic_areas set facts = replace(facts, 'exit 18 (水辛路)', 'exit 18 (Shuixin Road)') where id = 'bailongtan';
update public.scenic_areas set facts = replace(facts, 'places it in 溪翁庄镇', 'places it in Xiwengzhuang Town') where id = 'taoyuan-xiangu';

-- Volunteer events: the venue in English too (optional; pages fall back to the Chinese).
alter table public.volunteer_events add column place_en text check (length(place_en) between 1 and 200);
comment on column public.volunteer_events.place_en is 'The venue in English (pinyin where there is no English name); English pages show it with the Chinese venue in brackets.';
update public.volunteer_events e set place_en = v.en
  from (values
    ('溪翁庄镇政府广场', 'Xiwengzhuang Town Government Square'),
    ('鼓楼街道社区服务中心', 'Gulou Subdistrict Community Service Centre'),
    ('石城镇观摩区', 'Shicheng Town viewing area'),
    ('不老屯镇应急物资库', 'Bulaotun Town emergency supplies depot')
  ) as v(zh, en)
 where e.place = v.zh and e.place_en is null;
