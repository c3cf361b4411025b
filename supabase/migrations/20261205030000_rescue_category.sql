/*
 * =======================================================
 * "I need help" (需要帮助, issue 17 item 4) files a report of its own category,
 * `rescue`: a person, not a thing, is in danger. Its own file because a new enum value
 * cannot be used in the transaction that adds it; the next migration gives it its
 * clocks (urgency 'danger', one hour to dispatch) and no route (属地: the township).
 * =======================================================
 */
alter type public.report_category add value if not exists 'rescue' before 'geological';
