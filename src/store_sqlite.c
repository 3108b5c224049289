/* SPDX-License-Identifier: ISC */
/*
 * store_sqlite: the SQLite backend of the store, the embedded default.
 * It opens the file (private to us), applies the PRAGMAs and numbered
 * migrations, reads or makes the dedup secret, prepares every statement
 * once, and runs batches for the writer thread: one transaction, each job
 * in its own savepoint so that a failing job is undone alone. The job
 * bodies are store_jobs*.c's; the thread and its queue are the writer's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "log.h"
#include "store_backend.h"
#include "store_jobs.h"
#include "store_sqlite.h"

#define STORE_BUSY_MS		5000

/*
 * The schema, one step per element, applied in order; PRAGMA user_version
 * is the number of steps applied. Append; never edit a released step.
 * Step 4, encrypting the personal columns, is C: store_sqlite_crypt_migrate;
 * so is step 5, the numbers beside unsafe marks and opt-outs:
 * store_sqlite_crypt_keep_numbers. Steps 6 to 8 (STORE_SCHEMA) are SQL
 * again: store_step6, store_step7, store_step8.
 */
static const char *const store_migrations[] = {
	/* 1: dedup secret, callback requests, their history, alert outbox */
	"CREATE TABLE meta ("
	" key TEXT PRIMARY KEY,"
	" value BLOB NOT NULL);"
	"CREATE TABLE callback ("
	" id INTEGER PRIMARY KEY,"
	" ref TEXT UNIQUE NOT NULL,"
	" dedup BLOB UNIQUE NOT NULL,"
	" channel TEXT,"
	" phone TEXT,"
	" safe_to_call TEXT,"
	" safe_number TEXT,"
	" \"window\" TEXT,"
	" cover TEXT,"
	" urgent INTEGER NOT NULL DEFAULT 0,"
	" province TEXT,"
	" topic TEXT,"
	" lang TEXT,"
	" state INTEGER NOT NULL,"
	" claimed_by TEXT,"
	" outcome TEXT,"
	" created_at INTEGER NOT NULL,"
	" updated_at INTEGER NOT NULL,"
	" next_action_at INTEGER NOT NULL,"
	" rounds INTEGER NOT NULL DEFAULT 0,"
	" failures INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX callback_due ON callback (state, next_action_at);"
	"CREATE TABLE history ("
	" id INTEGER PRIMARY KEY,"
	" callback_id INTEGER NOT NULL REFERENCES callback(id),"
	" at INTEGER NOT NULL,"
	" event TEXT NOT NULL,"
	" actor TEXT NOT NULL,"
	" detail TEXT);"
	"CREATE INDEX history_callback ON history (callback_id, id);"
	"CREATE TABLE outbox ("
	" id INTEGER PRIMARY KEY,"
	" callback_id INTEGER NOT NULL REFERENCES callback(id),"
	" recipient TEXT NOT NULL,"
	" transport TEXT NOT NULL,"
	" target INTEGER NOT NULL,"
	" kind TEXT NOT NULL,"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" next_at INTEGER NOT NULL,"
	" msg_id TEXT UNIQUE NOT NULL,"
	" state INTEGER NOT NULL DEFAULT 0,"
	" last_error TEXT,"
	" created_at INTEGER NOT NULL);"
	"CREATE INDEX outbox_due ON outbox (state, next_at);"
	"CREATE INDEX outbox_callback ON outbox (callback_id);",

	/*
	 * 2: requests filed during the session (intake, how it ended),
	 * keyed hashes of her numbers (asking again, unsafe marks), call
	 * attempts, claims that expire, and the order of the queue.
	 */
	"ALTER TABLE callback ADD COLUMN phone_hash BLOB;"
	"ALTER TABLE callback ADD COLUMN safe_hash BLOB;"
	"ALTER TABLE callback ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE callback ADD COLUMN asked_again INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE callback ADD COLUMN warn_unsafe INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE callback ADD COLUMN intake INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE callback ADD COLUMN session_end TEXT;"
	"ALTER TABLE callback ADD COLUMN reason TEXT;"
	"ALTER TABLE callback ADD COLUMN claimed_at INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE callback ADD COLUMN call_from INTEGER NOT NULL"
	" DEFAULT 0;"
	"UPDATE callback SET call_from = created_at;"
	/* Claims of schema 1 never expired: from now on they do. */
	"UPDATE callback SET claimed_at = updated_at,"
	" next_action_at = updated_at + 1800 WHERE state = 2;"
	"CREATE INDEX callback_phone ON callback (phone_hash);"
	"CREATE INDEX callback_queue ON callback (state, urgent, call_from);"
	"CREATE TABLE mark ("
	" hash BLOB PRIMARY KEY,"
	" kind TEXT NOT NULL,"
	" created_at INTEGER NOT NULL);",

	/*
	 * 3: SMS: the texts to send and their delivery (state 0 queued,
	 * 1 sent, 2 delivered, 3 failed, 4 opted out), the keyed hashes of
	 * the gateways' message ids seen, and of the numbers that wrote
	 * STOP.
	 */
	"CREATE TABLE sms_out ("
	" id INTEGER PRIMARY KEY,"
	" channel TEXT NOT NULL,"
	" phone TEXT NOT NULL,"
	" phone_key BLOB NOT NULL,"
	" text TEXT NOT NULL,"
	" msg_id TEXT UNIQUE NOT NULL,"
	" state INTEGER NOT NULL,"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" next_at INTEGER NOT NULL,"
	" parts INTEGER NOT NULL DEFAULT 0,"
	" encoding TEXT,"
	" gateway_id TEXT,"
	" error TEXT,"
	" report TEXT,"
	" created_at INTEGER NOT NULL,"
	" updated_at INTEGER NOT NULL);"
	"CREATE INDEX sms_out_due ON sms_out (state, next_at, id);"
	"CREATE INDEX sms_out_gateway ON sms_out (channel, gateway_id);"
	"CREATE INDEX sms_out_phone ON sms_out (phone_key);"
	"CREATE TABLE sms_seen ("
	" key BLOB PRIMARY KEY,"
	" at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX sms_seen_at ON sms_seen (at);"
	"CREATE TABLE sms_optout ("
	" key BLOB PRIMARY KEY,"
	" at INTEGER NOT NULL) WITHOUT ROWID;",
};
#define STORE_NMIGRATIONS \
	((int)(sizeof(store_migrations) / sizeof(store_migrations[0])))

/*
 * 6: the daily aggregates of a donor report (counts of category labels
 * by day, channel, metric and key), the monthly sets of hashes that count
 * unique callers, the monthly counts of her answers (sealed: one row per
 * month, channel and metric, "label=count" lines), and what of a request
 * has been counted once. A file
 * whose version was set back by hand keeps the tables it has.
 */
#define STORE_STEP6_TABLES						\
	"CREATE TABLE IF NOT EXISTS stats_day ("			\
	" day TEXT NOT NULL,"						\
	" channel TEXT NOT NULL,"					\
	" metric TEXT NOT NULL,"					\
	" key TEXT NOT NULL,"						\
	" count INTEGER NOT NULL,"					\
	" PRIMARY KEY (day, channel, metric, key)) WITHOUT ROWID;"	\
	"CREATE TABLE IF NOT EXISTS stats_caller ("			\
	" month TEXT NOT NULL,"						\
	" hash BLOB NOT NULL,"						\
	" PRIMARY KEY (month, hash)) WITHOUT ROWID;"			\
	"CREATE TABLE IF NOT EXISTS stats_answer ("			\
	" id INTEGER PRIMARY KEY,"					\
	" month TEXT NOT NULL,"						\
	" channel TEXT NOT NULL,"					\
	" metric TEXT NOT NULL,"					\
	" counts BLOB NOT NULL,"					\
	" UNIQUE (month, channel, metric));"
static const char store_step6_again[] = STORE_STEP6_TABLES;
static const char store_step6[] = STORE_STEP6_TABLES
	"ALTER TABLE callback ADD COLUMN stats_flags INTEGER NOT NULL"
	" DEFAULT 0;";

/*
 * 7: the queue in the order counsellors read it, so that a page of the
 * open requests is read in order instead of sorting them all (100,000
 * open requests: a sort of every one for each page).
 */
static const char store_step7[] =
	"CREATE INDEX IF NOT EXISTS callback_order ON callback"
	" (urgent DESC, call_from, id, state);";

/*
 * 8: the state of a live USSD session between hops, for daemons that
 * share a database (store_session_put). A SQLite file has one daemon,
 * which keeps its sessions in memory: the table stays empty; it is here
 * so that both engines have one schema.
 */
static const char store_step8[] =
	"CREATE TABLE IF NOT EXISTS session_state ("
	" key BLOB PRIMARY KEY,"
	" version INTEGER NOT NULL,"
	" state BLOB NOT NULL,"
	" phone_key BLOB,"
	" expires_at INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS session_state_expires ON session_state"
	" (expires_at);"
	"CREATE INDEX IF NOT EXISTS session_state_phone ON session_state"
	" (phone_key);";

/* The next id of table t: above its rows and its floor. */
#define STORE_NEXT_ID(t)						\
	"SELECT max(coalesce((SELECT max(id) FROM " t "), 0),"		\
	" coalesce((SELECT value FROM meta WHERE key = 'floor." t "'),"	\
	" 0)) + 1"

/* Raise the floor of table t to its highest id, before deleting. */
#define STORE_FLOOR(t)							\
	"INSERT INTO meta (key, value) SELECT 'floor." t "', m FROM"	\
	" (SELECT (SELECT max(id) FROM " t ") AS m)"			\
	" WHERE m IS NOT NULL"						\
	" ON CONFLICT (key) DO UPDATE SET"				\
	" value = max(value, excluded.value)"

/* The ids of at most ?2 requests completed before ?1. */
#define STORE_PURGE_IDS							\
	"SELECT id FROM callback WHERE state = 3 AND updated_at < ?1"	\
	" ORDER BY id LIMIT ?2"

/* The text of every statement, by enum store_stmt; prepared at open. */
static const char *const store_sql[ST__COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_BEGIN_READ] = "BEGIN",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_SAVEPOINT] = "SAVEPOINT job",
	[ST_RELEASE] = "RELEASE job",
	[ST_ROLLBACK_TO] = "ROLLBACK TO job",
	[ST_META_GET] = "SELECT value FROM meta WHERE key = ?",
	[ST_GAUGES] = "SELECT (SELECT count(*) FROM callback"
	    " WHERE state IN (0, 1)), (SELECT coalesce(min(created_at), 0)"
	    " FROM callback WHERE state IN (0, 1)), (SELECT count(*)"
	    " FROM outbox WHERE state = 0), (SELECT count(*) FROM sms_out"
	    " WHERE state = 0)",
	[ST_META_PUT] = "INSERT INTO meta (key, value) VALUES (?, ?)",
	[ST_CB_RETIRE] = "UPDATE callback SET dedup = randomblob(32)"
	    " WHERE dedup = ? AND created_at < ?",
	[ST_CB_BY_DEDUP] = "SELECT " STORE_CB_COLS("")
	    " FROM callback WHERE dedup = ?",
	[ST_CB_BY_REF] = "SELECT " STORE_CB_COLS("")
	    " FROM callback WHERE ref = ?",
	[ST_CB_BY_ID] = "SELECT " STORE_CB_COLS("")
	    " FROM callback WHERE id = ?",
	[ST_CB_ID_BY_REF] = "SELECT id FROM callback WHERE ref = ?",
	[ST_CB_INSERT] = "INSERT INTO callback (id, ref, dedup, channel,"
	    " phone, safe_to_call, safe_number, \"window\", cover, urgent,"
	    " province, topic, lang, state, created_at, updated_at,"
	    " next_action_at, rounds, failures, phone_hash, safe_hash,"
	    " warn_unsafe, intake, call_from, session_end)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0,"
	    " ?, ?, ?, ?, ?, ?) ON CONFLICT (ref) DO NOTHING",
	[ST_CB_DUE] = "SELECT " STORE_CB_COLS("")
	    " FROM callback WHERE state IN (0, 1, 2) AND next_action_at > 0"
	    " AND next_action_at <= ? ORDER BY next_action_at, id LIMIT ?",
	/*
	 * The queue: urgent first, then who can be called soonest. A view
	 * is the states it shows (bound, so the queue index still finds
	 * them) and, for one counsellor's, the claimant.
	 */
	[ST_CB_VIEW] = "SELECT " STORE_CB_COLS("")
	    " FROM callback WHERE state IN (?, ?, ?)"
	    " AND (? IS NULL OR claimed_by = ?) AND (? = 0 OR urgent < ?"
	    " OR (urgent = ? AND (call_from > ? OR (call_from = ? AND"
	    " id > ?)))) ORDER BY urgent DESC, call_from, id LIMIT ?",
	/* The views of open requests, the most rows: read in index order. */
	[ST_CB_VIEW_OPEN] = "SELECT " STORE_CB_COLS("")
	    " FROM callback INDEXED BY callback_order WHERE state IN (?, ?, ?)"
	    " AND (? IS NULL OR claimed_by = ?) AND (? = 0 OR urgent < ?"
	    " OR (urgent = ? AND (call_from > ? OR (call_from = ? AND"
	    " id > ?)))) ORDER BY urgent DESC, call_from, id LIMIT ?",
	[ST_CB_VIEW_COUNT] = "SELECT count(*) FROM callback"
	    " WHERE state IN (?, ?, ?) AND (? IS NULL OR claimed_by = ?)",
	[ST_CB_DISPATCH] = "UPDATE callback SET state = ?, next_action_at = ?,"
	    " rounds = ?, reason = CASE WHEN ? THEN NULL ELSE reason END,"
	    " updated_at = ? WHERE id = ? AND (state IN (0, 1) OR"
	    " (state = 2 AND ? = 2))",
	[ST_CB_FAILED] = "UPDATE callback SET failures = failures + 1,"
	    " updated_at = ? WHERE id = ?",
	[ST_CB_CLAIM] = "UPDATE callback SET state = 2, claimed_by = ?,"
	    " claimed_at = ?, next_action_at = ?, reason = NULL,"
	    " updated_at = ? WHERE ref = ? AND state IN (0, 1)",
	[ST_CB_RELEASE] = "UPDATE callback SET state = 0, claimed_by = NULL,"
	    " claimed_at = 0, next_action_at = ?, updated_at = ?"
	    " WHERE ref = ? AND state = 2 AND (claimed_by = ? OR ?)",
	[ST_CB_COMPLETE] = "UPDATE callback SET state = 3, outcome = ?,"
	    " next_action_at = 0, reason = NULL, intake = 0, updated_at = ?"
	    " WHERE ref = ? AND state = 2 AND claimed_by = ?",
	[ST_CB_REASSIGN] = "UPDATE callback SET state = 2, claimed_by = ?,"
	    " claimed_at = ?, next_action_at = ?, reason = 'assigned',"
	    " updated_at = ? WHERE ref = ? AND state IN (0, 1, 2)",
	[ST_CB_ATTEMPT] = "UPDATE callback SET state = 0, claimed_by = NULL,"
	    " claimed_at = 0, attempts = attempts + 1,"
	    " reason = CASE WHEN attempts + 1 >= ? THEN 'unreached'"
	    " ELSE 'attempt' END,"
	    " next_action_at = CASE WHEN attempts + 1 >= ? THEN ? ELSE ? END,"
	    " updated_at = ? WHERE ref = ? AND state = 2 AND claimed_by = ?",
	[ST_CB_EXPIRE] = "UPDATE callback SET state = 0, claimed_by = NULL,"
	    " claimed_at = 0, reason = 'claim_expired', next_action_at = ?,"
	    " updated_at = ? WHERE id = ? AND state = 2 AND claimed_at = ?",
	[ST_CB_NUMBERS] = "SELECT phone_hash, safe_hash, phone, safe_number"
	    " FROM callback WHERE id = ?",
	[ST_HIST_INSERT] = "INSERT INTO history (id, callback_id, at, event,"
	    " actor, detail) VALUES (?, ?, ?, ?, ?, ?)",
	[ST_HIST_LIST] = "SELECT at, event, actor, detail, id FROM history"
	    " WHERE callback_id = ? ORDER BY id",
	[ST_OUT_INSERT] = "INSERT INTO outbox (callback_id, recipient,"
	    " transport, target, kind, attempts, next_at, msg_id, state,"
	    " created_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?, 0, ?)"
	    " ON CONFLICT (msg_id) DO NOTHING",
	[ST_OUT_DUE] = "SELECT o.id, o.callback_id, o.recipient, o.transport,"
	    " o.target, o.kind, o.attempts, o.next_at, o.msg_id, "
	    STORE_CB_COLS("c.")
	    " FROM outbox o JOIN callback c ON c.id = o.callback_id"
	    " WHERE o.state = 0 AND o.next_at <= ? ORDER BY o.next_at, o.id"
	    " LIMIT ?",
	[ST_OUT_GET] = "SELECT callback_id, state, kind, msg_id FROM outbox"
	    " WHERE id = ?",
	[ST_OUT_RESULT] = "UPDATE outbox SET attempts = attempts + 1,"
	    " state = ?, next_at = coalesce(?, next_at),"
	    " last_error = coalesce(?, last_error) WHERE id = ? AND state = 0",
	[ST_CB_STATE] = "SELECT state FROM callback WHERE id = ?",
	[ST_CB_BY_PHONE] = "SELECT id FROM callback WHERE phone_hash = ?"
	    " AND state != 3 ORDER BY id DESC LIMIT 1",
	[ST_CB_MERGE] = "UPDATE callback SET dedup = ?,"
	    " safe_to_call = coalesce(?, safe_to_call),"
	    " safe_number = coalesce(?, safe_number),"
	    " \"window\" = coalesce(?, \"window\"), cover = coalesce(?, cover),"
	    " urgent = max(urgent, ?), province = coalesce(?, province),"
	    " topic = coalesce(?, topic), lang = ?, channel = ?,"
	    " call_from = ?, safe_hash = coalesce(?, safe_hash),"
	    " warn_unsafe = max(warn_unsafe, ?), intake = ?,"
	    " session_end = ?, asked_again = asked_again + 1,"
	    " reason = 'asked_again', updated_at = ?,"
	    " next_action_at = CASE WHEN next_action_at = 0"
	    " OR next_action_at > ? THEN ? ELSE next_action_at END"
	    " WHERE id = ?",
	/* An answer not given (yet) in this session keeps the row's. */
	[ST_CB_UPDATE] = "UPDATE callback SET"
	    " safe_to_call = coalesce(?, safe_to_call),"
	    " safe_number = coalesce(?, safe_number),"
	    " \"window\" = coalesce(?, \"window\"), cover = coalesce(?, cover),"
	    " urgent = max(urgent, ?), province = coalesce(?, province),"
	    " topic = coalesce(?, topic), lang = ?,"
	    " call_from = ?, safe_hash = coalesce(?, safe_hash),"
	    " warn_unsafe = max(warn_unsafe, ?),"
	    " intake = ?, session_end = coalesce(?, session_end),"
	    " updated_at = ?,"
	    " next_action_at = CASE WHEN (state = 0 OR (state IN (1, 2) AND"
	    " reason IS NOT NULL)) AND (next_action_at = 0"
	    " OR next_action_at > ?) THEN ? ELSE next_action_at END"
	    " WHERE id = ? AND state != 3",
	[ST_CB_END] = "UPDATE callback SET intake = 0, session_end = ?,"
	    " updated_at = ?,"
	    " next_action_at = CASE WHEN (state = 0 OR (state IN (1, 2) AND"
	    " reason IS NOT NULL)) AND (next_action_at = 0"
	    " OR next_action_at > ?) THEN ? ELSE next_action_at END"
	    " WHERE id = ? AND intake = 1",
	[ST_MARK_HAS] = "SELECT count(*) FROM mark WHERE hash = ?",
	[ST_MARK_PUT] = "INSERT INTO mark (id, hash, number, kind,"
	    " created_at) VALUES (?, ?, ?, ?, ?)",
	/* Retrying (pending, tried) or given up since ?, of open requests. */
	[ST_OUT_FAILING] = "SELECT c.ref, o.recipient, o.transport, o.kind,"
	    " o.last_error, o.attempts, o.state, o.created_at"
	    " FROM outbox o JOIN callback c ON c.id = o.callback_id"
	    " WHERE c.state != 3 AND ((o.state = 0 AND o.attempts > 0)"
	    " OR (o.state = 2 AND o.created_at >= ?))"
	    " ORDER BY o.created_at DESC, o.id DESC LIMIT ?",
	[ST_META_SET] = "INSERT INTO meta (key, value) VALUES (?, ?)"
	    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	[ST_SMS_SEEN_PURGE] = "DELETE FROM sms_seen WHERE at < ?",
	[ST_SMS_SEEN_PUT] = "INSERT INTO sms_seen (key, at) VALUES (?, ?)"
	    " ON CONFLICT (key) DO NOTHING",
	[ST_SMS_OPTOUT_HAS] = "SELECT count(*) FROM sms_optout WHERE key = ?",
	[ST_SMS_OPTOUT_PUT] = "INSERT INTO sms_optout (id, key, number, at)"
	    " VALUES (?, ?, ?, ?)",
	[ST_SMS_OPTOUT_DEL] = "DELETE FROM sms_optout WHERE key = ?",
	[ST_SMS_INSERT] = "INSERT INTO sms_out (id, channel, phone, phone_key,"
	    " text, msg_id, state, attempts, next_at, parts, created_at,"
	    " updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, 0, ?, ?)"
	    " ON CONFLICT (msg_id) DO NOTHING",
	/* A queued row due to a number that wrote STOP: opted out. */
	[ST_SMS_SKIP] = "UPDATE sms_out SET state = 4, updated_at = ?"
	    " WHERE id = ? AND state = 0",
	/*
	 * The soonest due, in sms_out_due's own order (LIMIT stops the
	 * walk: however long the queue, a page costs its own rows), each
	 * with whether its number wrote STOP.
	 */
	[ST_SMS_DUE] = "SELECT " STORE_SMS_COLS ","
	    " phone_key IN (SELECT key FROM sms_optout) FROM sms_out"
	    " WHERE state = 0 AND next_at <= ? ORDER BY next_at, id"
	    " LIMIT ? OFFSET ?",
	/*
	 * An attempt: the state moves from queued (or opted out while it
	 * was being sent); a report that came first keeps its own.
	 */
	[ST_SMS_RESULT] = "UPDATE sms_out SET attempts = attempts + 1,"
	    " state = CASE WHEN state IN (0, 4) THEN ? ELSE state END,"
	    " next_at = coalesce(?, next_at),"
	    " gateway_id = coalesce(?, gateway_id),"
	    " error = coalesce(?, error),"
	    " parts = CASE WHEN ? > 0 THEN ? ELSE parts END,"
	    " encoding = coalesce(?, encoding), updated_at = ? WHERE id = ?",
	/* Delivered (2) unless failed (3): a failed part wins. */
	[ST_SMS_REPORT_MSG] = "UPDATE sms_out SET report = ?, updated_at = ?,"
	    " state = CASE WHEN ? = 3 OR (? = 2 AND state != 3) THEN ?"
	    " ELSE state END WHERE channel = ? AND msg_id = ?",
	[ST_SMS_REPORT_GW] = "UPDATE sms_out SET report = ?, updated_at = ?,"
	    " state = CASE WHEN ? = 3 OR (? = 2 AND state != 3) THEN ?"
	    " ELSE state END WHERE channel = ? AND gateway_id = ?",
	[ST_SMS_LIST] = "SELECT " STORE_SMS_COLS " FROM sms_out"
	    " WHERE phone_key = ? ORDER BY id",
	/*
	 * Sealed values name their row: its id is picked first, above
	 * every id the table ever held (the floor a purge leaves in meta),
	 * so that a deleted row's id is never used again.
	 */
	[ST_CB_NEXT_ID] = STORE_NEXT_ID("callback"),
	[ST_HIST_NEXT_ID] = STORE_NEXT_ID("history"),
	[ST_SMS_NEXT_ID] = STORE_NEXT_ID("sms_out"),
	[ST_FLOOR_CB] = STORE_FLOOR("callback"),
	[ST_FLOOR_HIST] = STORE_FLOOR("history"),
	[ST_FLOOR_SMS] = STORE_FLOOR("sms_out"),
	[ST_FLOOR_MARK] = STORE_FLOOR("mark"),
	[ST_FLOOR_OPTOUT] = STORE_FLOOR("sms_optout"),
	/* Retention: a batch of closed requests (?2 at most), and texts. */
	[ST_PURGE_HIST] = "DELETE FROM history WHERE callback_id IN"
	    " (" STORE_PURGE_IDS ")",
	[ST_PURGE_OUT] = "DELETE FROM outbox WHERE callback_id IN"
	    " (" STORE_PURGE_IDS ")",
	[ST_PURGE_CB] = "DELETE FROM callback WHERE id IN"
	    " (" STORE_PURGE_IDS ")",
	[ST_PURGE_SMS] = "DELETE FROM sms_out WHERE id IN (SELECT id FROM"
	    " sms_out WHERE state != 0 AND updated_at < ?1 ORDER BY id"
	    " LIMIT ?2)",
	/* Forgetting one number, by its keyed hash. */
	[ST_CB_HASH_BY_REF] = "SELECT phone_hash FROM callback WHERE ref = ?",
	[ST_FORGET_MARK] = "DELETE FROM mark WHERE hash = ?1 OR hash IN"
	    " (SELECT safe_hash FROM callback WHERE phone_hash = ?1"
	    " AND safe_hash IS NOT NULL)",
	[ST_FORGET_HIST] = "DELETE FROM history WHERE callback_id IN"
	    " (SELECT id FROM callback WHERE phone_hash = ?)",
	[ST_FORGET_OUT] = "DELETE FROM outbox WHERE callback_id IN"
	    " (SELECT id FROM callback WHERE phone_hash = ?)",
	[ST_FORGET_CB] = "DELETE FROM callback WHERE phone_hash = ?",
	[ST_FORGET_SAFE] = "UPDATE callback SET safe_number = NULL,"
	    " safe_hash = NULL WHERE safe_hash = ?",
	[ST_FORGET_SMS] = "DELETE FROM sms_out WHERE phone_key = ?",
	/* A mark made before schema 5 gets its number when made again. */
	[ST_MARK_FIND] = "SELECT id FROM mark WHERE hash = ?",
	[ST_MARK_NUMBER] = "UPDATE mark SET number = ? WHERE id = ?"
	    " AND number IS NULL",
	[ST_MARK_NEXT_ID] = STORE_NEXT_ID("mark"),
	[ST_SMS_OPTOUT_FIND] = "SELECT id FROM sms_optout WHERE key = ?",
	[ST_SMS_OPTOUT_TOUCH] = "UPDATE sms_optout SET number = ?, at = ?"
	    " WHERE id = ?",
	[ST_SMS_OPTOUT_NEXT_ID] = STORE_NEXT_ID("sms_optout"),
	[ST_STATS_ADD] = "INSERT INTO stats_day (day, channel, metric, key,"
	    " count) VALUES (?, ?, ?, ?, ?) ON CONFLICT (day, channel,"
	    " metric, key) DO UPDATE SET count = count + excluded.count",
	[ST_STATS_FLAG] = "UPDATE callback SET stats_flags = stats_flags | ?"
	    " WHERE id = ? AND (stats_flags & ?) = 0",
	[ST_STATS_CB] = "SELECT channel, created_at FROM callback WHERE id = ?",
	[ST_STATS_CALLER] = "INSERT OR IGNORE INTO stats_caller (month, hash)"
	    " VALUES (?, ?)",
	[ST_STATS_CALLER_PURGE] = "DELETE FROM stats_caller WHERE month < ?",
	[ST_STATS_ANSWER_GET] = "SELECT id, counts FROM stats_answer"
	    " WHERE month = ? AND channel = ? AND metric = ?",
	[ST_STATS_ANSWER_PUT] = "INSERT INTO stats_answer (id, month,"
	    " channel, metric, counts) VALUES (?, ?, ?, ?, ?)",
	[ST_STATS_ANSWER_SET] = "UPDATE stats_answer SET counts = ?"
	    " WHERE id = ?",
	[ST_STATS_ANSWER_NEXT_ID] = STORE_NEXT_ID("stats_answer"),
	/* One daemon a file: it always holds the lease. */
	[ST_LEASE] = "SELECT 1",
	[ST_SESSION_GET] = "SELECT version, state FROM session_state"
	    " WHERE key = ?",
	[ST_SESSION_INSERT] = "INSERT INTO session_state (key, version, state,"
	    " phone_key, expires_at) VALUES (?, ?, ?, ?, ?)"
	    " ON CONFLICT (key) DO NOTHING",
	[ST_SESSION_UPDATE] = "UPDATE session_state SET version = ?2,"
	    " state = ?3, phone_key = ?4, expires_at = ?5"
	    " WHERE key = ?1 AND version = ?6",
	[ST_SESSION_TAKE] = "DELETE FROM session_state WHERE key = ?"
	    " RETURNING version, state",
	[ST_SESSION_DROP] = "DELETE FROM session_state WHERE key = ?"
	    " AND version = ?",
	[ST_SESSION_EXPIRE] = "DELETE FROM session_state WHERE expires_at < ?",
	[ST_FORGET_SESSION] = "DELETE FROM session_state WHERE phone_key = ?",
	/* No other daemon to wake. */
	[ST_HINT] = "SELECT 1",
};

/* Store the single integer result of a PRAGMA. */
static int
store_sqlite_int_cb(void *arg, int n, char **v, char **names)
{
	int	*out = arg;

	(void)names;
	if (n > 0 && v[0] != NULL)
		*out = (int)strtol(v[0], NULL, 10);
	return 0;
}

/* Store whether journal_mode answered "wal". */
static int
store_sqlite_wal_cb(void *arg, int n, char **v, char **names)
{
	int	*out = arg;

	(void)names;
	*out = n > 0 && v[0] != NULL && strcmp(v[0], "wal") == 0;
	return 0;
}

/* Whether the callback table has step 6's column already. */
static int
store_sqlite_has_flags(struct store_engine *e)
{
	int	 n = 0;

	if (sqlite3_exec(e->conn, "SELECT count(*) FROM"
	    " pragma_table_info('callback') WHERE name = 'stats_flags'",
	    store_sqlite_int_cb, &n, NULL) != SQLITE_OK)
		return 0;
	return n > 0;
}

/* Apply one SQL step of the schema as version v, in one transaction. */
static int
store_sqlite_apply(struct store_engine *e, const char *sql, int v, int log,
    const char *path, char **cause)
{
	char	 pragma[64];
	char	*err = NULL;

	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", v);
	if (sqlite3_exec(e->conn, "BEGIN IMMEDIATE", NULL, NULL, &err) !=
	    SQLITE_OK)
		goto fail;
	if (sqlite3_exec(e->conn, sql, NULL, NULL, &err) != SQLITE_OK ||
	    sqlite3_exec(e->conn, pragma, NULL, NULL, &err) != SQLITE_OK ||
	    sqlite3_exec(e->conn, "COMMIT", NULL, NULL, &err) != SQLITE_OK) {
		sqlite3_exec(e->conn, "ROLLBACK", NULL, NULL, NULL);
		goto fail;
	}
	if (log)
		log_info("store: %s: schema migrated to version %d", path, v);
	return 0;

fail:
	store_job_cause(cause, "%s: %s", path, err != NULL ? err :
	    sqlite3_errmsg(e->conn));
	sqlite3_free(err);
	return -1;
}

/*
 * Apply the PRAGMAs and every pending migration, one transaction each;
 * then encrypt a plaintext file (step 4), or check that keys is the key
 * of an encrypted one; then keep the numbers of marks and opt-outs (step
 * 5). A key rotation half done is refused unless rotation is set.
 */
static int
store_sqlite_migrate(struct store_engine *e, const char *path,
    struct store_keys *keys, int rotation, char **cause)
{
	char	 sql[64];
	char	*err = NULL;
	int	 wal = 0, v = -1, from;

	/*
	 * secure_delete: what is deleted or overwritten (a value before it
	 * was sealed, a purged row) is zeroed, not left in free pages.
	 */
	if (sqlite3_exec(e->conn, "PRAGMA journal_mode = WAL",
	    store_sqlite_wal_cb, &wal, &err) != SQLITE_OK ||
	    sqlite3_exec(e->conn, "PRAGMA synchronous = FULL;"
	    "PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;"
	    "PRAGMA temp_store = MEMORY", NULL, NULL, &err) != SQLITE_OK ||
	    sqlite3_exec(e->conn, "PRAGMA user_version", store_sqlite_int_cb,
	    &v, &err) != SQLITE_OK)
		goto fail;
	if (!wal)
		log_warnx("store: %s: WAL journal not available", path);
	if (v < 0 || v > STORE_SCHEMA) {
		store_job_cause(cause, "%s: schema version %d is newer than "
		    "this hotlined knows (%d)", path, v, STORE_SCHEMA);
		return -1;
	}
	from = v;
	for (; v < STORE_NMIGRATIONS; v++) {
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if (sqlite3_exec(e->conn, "BEGIN IMMEDIATE", NULL, NULL,
		    &err) != SQLITE_OK)
			goto fail;
		if (sqlite3_exec(e->conn, store_migrations[v], NULL, NULL,
		    &err) != SQLITE_OK ||
		    sqlite3_exec(e->conn, sql, NULL, NULL, &err) != SQLITE_OK ||
		    sqlite3_exec(e->conn, "COMMIT", NULL, NULL, &err) !=
		    SQLITE_OK) {
			sqlite3_exec(e->conn, "ROLLBACK", NULL, NULL, NULL);
			goto fail;
		}
		if (from > 0)
			log_info("store: %s: schema migrated to version %d",
			    path, v + 1);
	}
	if (v == STORE_NMIGRATIONS) {
		if (store_sqlite_crypt_migrate(e, keys, from == 0, path,
		    cause) == -1)
			return -1;
		v = 4;
	} else if (store_sqlite_crypt_check(e, keys, path, cause) == -1)
		return -1;
	if (!rotation && store_sqlite_crypt_rotating(e) != 0) {
		store_job_cause(cause, "%s: a key rotation is half done: run "
		    "hotlined -R again to finish it", path);
		return -1;
	}
	if (v == 4) {
		if (store_sqlite_crypt_keep_numbers(e, keys, from == 0, path,
		    cause) == -1)
			return -1;
		v = 5;
	}
	if (v == 5) {
		if (store_sqlite_apply(e, store_sqlite_has_flags(e) ?
		    store_step6_again : store_step6, 6, from > 0, path,
		    cause) == -1)
			return -1;
		v = 6;
	}
	if (v == 6) {
		if (store_sqlite_apply(e, store_step7, 7, from > 0, path,
		    cause) == -1)
			return -1;
		v = 7;
	}
	if (v == 7) {
		if (store_sqlite_apply(e, store_step8, 8, from > 0, path,
		    cause) == -1)
			return -1;
		v = STORE_SCHEMA;
	}
	/* A file encrypted or migrated just now keeps its WAL empty. */
	if (from < STORE_SCHEMA)
		sqlite3_exec(e->conn, "PRAGMA wal_checkpoint(TRUNCATE)", NULL,
		    NULL, NULL);
	e->version = v;
	return 0;

fail:
	store_job_cause(cause, "%s: %s", path, err != NULL ? err :
	    sqlite3_errmsg(e->conn));
	sqlite3_free(err);
	return -1;
}

/*
 * Open e's connection to path, for the one thread that will use it (the
 * hand-over is ordered by pthread_create): extended result codes, a busy
 * database waited for busy_ms. 0, or -1 with *cause.
 */
static int
store_sqlite_connect(struct store_engine *e, const char *path, int busy_ms,
    char **cause)
{
	sqlite3	*db = NULL;
	int	 rc;

	e->ops = &store_sql_sqlite;
	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL);
	e->conn = db;
	if (rc != SQLITE_OK) {
		store_job_cause(cause, "%s: %s", path, db != NULL ?
		    sqlite3_errmsg(db) : sqlite3_errstr(rc));
		return -1;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, busy_ms);
	return 0;
}

/* Prepare every statement of e, once. 0, or -1 with *cause. */
static int
store_sqlite_prepare(struct store_engine *e, const char *path, char **cause)
{
	sqlite3_stmt	*s;
	int		 i, rc;

	for (i = 0; i < ST__COUNT; i++) {
		rc = sqlite3_prepare_v3(e->conn, store_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &s, NULL);
		e->stmt[i] = s;
		if (rc != SQLITE_OK) {
			store_job_cause(cause, "%s: statement %d: %s", path, i,
			    sqlite3_errmsg(e->conn));
			return -1;
		}
	}
	return 0;
}

/* Close the database, finalizing every statement first. */
void
store_sqlite_close(struct store_engine *e)
{
	int	 i;

	if (e == NULL)
		return;
	for (i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(e->stmt[i]);
	if (e->conn != NULL && sqlite3_close(e->conn) != SQLITE_OK)
		log_warnx("store: close: %s", sqlite3_errmsg(e->conn));
	sodium_memzero(e->key, sizeof(e->key));
	free(e);
}

/* Open the file, migrate (or check) it under keys, prepare statements. */
struct store_engine *
store_sqlite_open_for(const char *path, const struct store_opts *opts,
    struct store_keys *keys, int rotation, char **cause)
{
	struct store_engine	*e;
	int			 fd;

	*cause = NULL;
	e = calloc(1, sizeof(*e));
	if (e == NULL) {
		store_job_cause(cause, "out of memory");
		return NULL;
	}

	/* Case data: create the file (and so its WAL) private to us. */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1) {
		store_job_cause(cause, "%s: %s", path, strerror(errno));
		goto fail;
	}
	close(fd);

	e->busy_ms = opts != NULL && opts->busy_timeout_ms > 0 ?
	    opts->busy_timeout_ms : STORE_BUSY_MS;
	if (store_sqlite_connect(e, path, e->busy_ms, cause) == -1)
		goto fail;
	memcpy(e->key, keys->aead, sizeof(e->key));
	if (store_sqlite_migrate(e, path, keys, rotation, cause) == -1 ||
	    store_sqlite_prepare(e, path, cause) == -1)
		goto fail;
	return e;

fail:
	store_sqlite_close(e);
	return NULL;
}

/*
 * A reading connection beside w: the file w migrated, under w's key, that
 * SQLite itself keeps from writing (query_only); in WAL mode its reads
 * never wait for the writer, nor the writer for them.
 */
struct store_engine *
store_sqlite_open_reader(const char *path, const struct store_engine *w,
    char **cause)
{
	struct store_engine	*e;
	char			*err = NULL;

	*cause = NULL;
	e = calloc(1, sizeof(*e));
	if (e == NULL) {
		store_job_cause(cause, "out of memory");
		return NULL;
	}
	e->reader = 1;
	e->version = w->version;
	e->busy_ms = w->busy_ms;
	memcpy(e->key, w->key, sizeof(e->key));
	if (store_sqlite_connect(e, path, e->busy_ms, cause) == -1)
		goto fail;
	if (sqlite3_exec(e->conn, "PRAGMA query_only = ON;"
	    "PRAGMA temp_store = MEMORY", NULL, NULL, &err) != SQLITE_OK) {
		store_job_cause(cause, "%s: %s", path, err != NULL ? err :
		    sqlite3_errmsg(e->conn));
		sqlite3_free(err);
		goto fail;
	}
	if (store_sqlite_prepare(e, path, cause) == -1)
		goto fail;
	return e;

fail:
	store_sqlite_close(e);
	return NULL;
}

/* Open for the daemon: a key rotation half done is refused. */
struct store_engine *
store_sqlite_open(const char *path, const struct store_opts *opts,
    struct store_keys *keys, char **cause)
{
	return store_sqlite_open_for(path, opts, keys, 0, cause);
}

/* The schema version, as read or migrated at open. */
int
store_sqlite_version(const struct store_engine *e)
{
	return e->version;
}

/*
 * Fold the WAL into the file and truncate it. Another connection reading
 * (hotlined -F, a backup) can keep it from finishing: the next purge
 * tries again.
 */
void
store_sqlite_checkpoint(struct store_engine *e)
{
	int	 rc;

	rc = sqlite3_wal_checkpoint_v2(e->conn, NULL,
	    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		log_info("store: checkpoint: the database is busy; "
		    "it is retried after the next purge");
	else if (rc != SQLITE_OK)
		store_sql_err(e, "checkpoint");
}

/* Count one COMMIT; 0 lets it go ahead. */
static int
store_sqlite_commit_hook(void *arg)
{
	atomic_fetch_add((atomic_ulong *)arg, 1);
	return 0;
}

/* Tests: count the COMMITs of this connection in *counter (NULL: stop). */
void
store_sqlite_count_commits(struct store_engine *e, atomic_ulong *counter)
{
	sqlite3_commit_hook(e->conn, counter != NULL ?
	    store_sqlite_commit_hook : NULL, counter);
}
