/*
 * =======================================================
 * Messaging: WeChat as a third channel (issue 19, item 4).
 *
 * Alone in its file: a new enum value cannot be used in the transaction that adds it.
 * Every per-channel count (app.delivery_stats, app.delivery_reach) walks the enum, so
 * the console counts WeChat beside push and SMS without further change.
 * =======================================================
 */
alter type public.delivery_channel add value if not exists 'wechat';
