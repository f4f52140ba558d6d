#!/usr/bin/env bash
# report_purge: purge rolls old returns up before deleting them, so reports keep
# their totals, and it never deletes a return the policy still counts.
#
#   (a) returns backdated 100-250 days (every class, domains with and without the
#       domain column, unattributed ones, one campaign) and sends 200 days ago
#   (b) purge --dry-run counts and changes nothing
#   (c) purge --older-than 90d: report summary --since 365d, domains, reasons, trend
#       and campaign ID give the same figures after as before
#   (d) the rows went into bounce_daily, with their raw messages deleted; the one
#       hard return of an address the policy has not suppressed yet is kept (and the
#       address is still reported suppressed); purge is audited; a second purge
#       finds nothing and changes nothing; `db recount` (the report counters rebuilt
#       from the live rows, the roll-ups and send_log) changes no figure either
#   (e) a cutoff inside a policy window is refused (64)
source "$(dirname "$0")/lib.sh"

require_programs verpmail-admin

readonly RUN=rp$E2E_RUN_ID
readonly LIST=rp-$E2E_RUN_ID
readonly CAMPAIGN=$RUN-c1
readonly D1=d1-$RUN.test D2=d2-$RUN.test D3=d3-$RUN.test
readonly KEEP=$RUN-keep@$D1 GONE=$RUN-gone@$D1 HISTORY=$RUN-history@$D1

# ---------------------------------------------------------------- (a)
run_ok "list create $LIST" vadmin list create "$LIST" --from list@lists.example.test || fatal "list create"
sql "
INSERT INTO campaigns (id, list_id, message_file, started_at, finished_at)
SELECT '$CAMPAIGN', id, '/e2e/issue.eml', UTC_TIMESTAMP() - INTERVAL 200 DAY, UTC_TIMESTAMP() - INTERVAL 200 DAY
FROM lists WHERE name = '$LIST';
INSERT INTO send_log (campaign_id, email, status, updated_at)
SELECT '$CAMPAIGN', CONCAT('$RUN-u', seq, '@', ELT(1 + seq MOD 3, '$D1', '$D2', '$D3')),
       IF(seq MOD 25 = 0, 'rejected', 'accepted'), UTC_TIMESTAMP() - INTERVAL 200 DAY
FROM seq_1_to_60;
-- 60 returns, 100 to 250 days old: every class; a quarter without the domain column
-- (rows from before it existed); one in ten unattributed (no address, no campaign).
INSERT INTO bounce_logs (email, domain, bounce_type, bounce_reason, status_code, diagnostic, bounced_at,
    raw_message, campaign, envelope_recipient, kind, dedup_key)
SELECT IF(cls = 'unattributed', NULL, addr), IF(cls = 'unattributed' OR seq MOD 4 = 0, NULL, dom), cls,
       CASE cls WHEN 'hard' THEN 'user-unknown' WHEN 'soft' THEN ELT(1 + seq MOD 2, 'mailbox-full', 'greylisted')
                WHEN 'block' THEN 'blocklisted' WHEN 'complaint' THEN 'abuse' ELSE '' END,
       '5.0.0', 'e2e', UTC_TIMESTAMP() - INTERVAL (100 + seq * 150 DIV 60) DAY - INTERVAL seq MINUTE,
       'raw message', IF(cls = 'unattributed', NULL, '$CAMPAIGN'), CONCAT('sentto-$RUN-', seq, '@bounces.test'),
       'bounce', UNHEX(SHA2(CONCAT('$RUN-', seq), 256))
FROM (SELECT seq, ELT(1 + seq MOD 3, '$D1', '$D2', '$D3') AS dom,
             CONCAT('$RUN-u', seq, '@', ELT(1 + seq MOD 3, '$D1', '$D2', '$D3')) AS addr,
             IF(seq MOD 10 = 9, 'unattributed',
                ELT(1 + seq MOD 6, 'hard', 'soft', 'soft', 'block', 'complaint', 'autoreply')) AS cls
      FROM seq_1_to_60) s;
-- Three addresses with one hard return 200 days ago: not yet suppressed (the policy
-- still counts it: kept), suppressed (no longer needed), reset since (history).
INSERT INTO EmailAddressTracker (EmailAddress, EncodedFROM, MsgCount, BounceCount, HardBounceCount, PolicyState,
    SuppressedReason, CountsResetAt) VALUES
    ('$KEEP', 'sentto-$RUN-keep', 1, 1, 1, 'active', NULL, NULL),
    ('$GONE', 'sentto-$RUN-gone', 1, 1, 1, 'suppressed', 'hard-bounce', NULL),
    ('$HISTORY', 'sentto-$RUN-history', 1, 1, 0, 'active', NULL, UTC_TIMESTAMP() - INTERVAL 100 DAY);
INSERT INTO bounce_logs (email, domain, bounce_type, bounce_reason, status_code, bounced_at, raw_message, campaign,
    envelope_recipient, kind, dedup_key)
SELECT e, '$D1', 'hard', 'user-unknown', '5.1.1', UTC_TIMESTAMP() - INTERVAL 200 DAY, 'raw', '$CAMPAIGN',
       'sentto@bounces.test', 'bounce', UNHEX(SHA2(CONCAT('$RUN-policy-', e), 256))
FROM (SELECT '$KEEP' AS e UNION ALL SELECT '$GONE' UNION ALL SELECT '$HISTORY') a;
" || fatal "cannot insert the backdated rows"
# Written behind the programs' backs: the report counters learn of them by a recount.
run_ok "a: db recount" vadmin db recount || fatal "db recount"
assert_match "$RUN_OUT" '^recount returns=[0-9]+ sends=[0-9]+$' "a: db recount prints the totals"
mine="(email LIKE '$RUN-%' OR envelope_recipient LIKE 'sentto-$RUN-%')"
OLD=$(sql_value "SELECT COUNT(*) FROM bounce_logs WHERE $mine AND bounced_at < UTC_DATE() - INTERVAL 90 DAY")
assert_ge "$OLD" 50 "a: $OLD of this run's returns are older than 90 days"
OLD_ATTRIBUTED=$(sql_value "SELECT COUNT(*) FROM bounce_logs WHERE email LIKE '$RUN-%'
    AND bounced_at < UTC_DATE() - INTERVAL 90 DAY")

# snapshot NAME: the reports whose figures purge must keep.
snapshot() {
    vadmin report summary --since 365d --format json >"$E2E_TMP/$1.summary" &&
        vadmin report domains --since 365d --format json >"$E2E_TMP/$1.domains" &&
        vadmin report reasons --since 365d --format json >"$E2E_TMP/$1.reasons" &&
        vadmin report trend --since 365d --format csv >"$E2E_TMP/$1.trend" &&
        vadmin report campaign "$CAMPAIGN" --format json >"$E2E_TMP/$1.campaign" &&
        vadmin report suppressed --format json >"$E2E_TMP/$1.suppressed"
}
# same A B: the figures agree (the summary's since/until aside; days by date, so a
# run across midnight compares the days both cover).
same() {
    python3 - "$E2E_TMP/$1" "$E2E_TMP/$2" <<'PY'
import csv, json, sys
def load(prefix, name):
    path = prefix + "." + name
    if name == "trend":
        rows = list(csv.reader(open(path, newline="")))
        return {r[0]: r for r in rows[1:]}
    data = json.load(open(path))
    if name == "summary":
        for k in ("since", "until"):
            data.pop(k, None)
            data["totals"].pop(k, None)
        data["per_day"] = {d["day"]: d for d in data["per_day"]}
    return data
diffs = []
for name in ("summary", "domains", "reasons", "trend", "campaign"):
    a, b = load(sys.argv[1], name), load(sys.argv[2], name)
    if name == "summary":
        days = a["per_day"].keys() & b["per_day"].keys()
        a["per_day"] = {d: a["per_day"][d] for d in days}
        b["per_day"] = {d: b["per_day"][d] for d in days}
    if name == "trend":
        days = a.keys() & b.keys()
        a, b = {d: a[d] for d in days}, {d: b[d] for d in days}
    if a != b:
        diffs.append(name)
print("same" if not diffs else "differ: " + " ".join(diffs))
PY
}
snapshot before || fatal "reports before the purge failed"
python3 - "$E2E_TMP/before.summary" "$E2E_TMP/before.campaign" <<'PY' || fail "a: the backdated returns are in the reports"
import json, sys
s, c = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert s["totals"]["returns"] >= 63 and s["totals"]["unattributed"] >= 6, s["totals"]
assert c["campaign"]["returns"] == 57 and c["campaign"]["sent"] == 60, c["campaign"]
PY

# ---------------------------------------------------------------- (b)
run_ok "b: purge --older-than 90d --dry-run" vadmin purge --older-than 90d --dry-run || true
assert_match "$RUN_OUT" '^purge dry-run cutoff="[0-9-]+ 00:00:00" rows=[0-9]+ kept=[1-9]' "b: dry-run counts rows and kept rows"
assert_eq "$(sql_value "SELECT COUNT(*) FROM bounce_logs WHERE $mine AND bounced_at < UTC_DATE() - INTERVAL 90 DAY")" \
    "$OLD" "b: dry-run deleted nothing"

# ---------------------------------------------------------------- (c)
run_ok "c: purge --older-than 90d" vadmin purge --older-than 90d || fatal "purge failed"
PURGE_OUT=$RUN_OUT
note "$PURGE_OUT"
snapshot after || fatal "reports after the purge failed"
assert_eq "$(same before after)" same \
    "c: summary --since 365d, domains, reasons, trend and campaign give the same figures after the purge"

# ---------------------------------------------------------------- (d)
assert_eq "$(sql_value "SELECT GROUP_CONCAT(email) FROM bounce_logs WHERE $mine
    AND bounced_at < UTC_DATE() - INTERVAL 90 DAY")" "$KEEP" \
    "d: only the return the policy still counts is left before the cutoff"
assert_eq "$(sql_value "SELECT SUM(return_count) FROM bounce_daily WHERE domain IN ('$D1', '$D2', '$D3')")" \
    "$((OLD_ATTRIBUTED - 1))" "d: the $((OLD_ATTRIBUTED - 1)) attributed rows purged are in bounce_daily"
assert_eq "$(sql_value "SELECT SUM(return_count) FROM bounce_daily WHERE domain = '$D2' AND campaign = '$CAMPAIGN'")" \
    "$(python3 -c 'import json,sys; print(sum(r["returns"] for r in json.load(open(sys.argv[1]))["top_domains"] if r["domain"] == sys.argv[2]))' \
        "$E2E_TMP/after.campaign" "$D2")" "d: $D2: every return of the campaign is in the roll-up"
in_suppressed() {
    python3 -c 'import json,sys; print(any(r["address"] == sys.argv[2] for r in json.load(open(sys.argv[1]))))' "$@"
}
assert_eq "$(in_suppressed "$E2E_TMP/before.suppressed" "$KEEP") $(in_suppressed "$E2E_TMP/after.suppressed" "$KEEP")" \
    "True True" "d: $KEEP is reported suppressed before and after the purge"
audit=$(sql_value "SELECT detail FROM admin_audit WHERE action = 'purge' ORDER BY id DESC LIMIT 1")
assert_match "$audit" '^cutoff=[0-9-]+ 00:00:00 rows=[0-9]+ batches=[1-9]' "d: purge audited: $audit"
run_ok "d: a second purge" vadmin purge --older-than 90d || true
assert_match "$RUN_OUT" ' rows=0 batches=0 ' "d: a second purge finds nothing"
snapshot again || fatal "reports after the second purge failed"
assert_eq "$(same before again)" same "d: and the figures are still the same"
# The counters still equal their sources (live rows, roll-ups, send_log): a
# rebuild from them changes no figure.
run_ok "d: db recount after the purge" vadmin db recount || true
snapshot recounted || fatal "reports after the recount failed"
assert_eq "$(same before recounted)" same "d: a recount after the purge changes no figure"

# ---------------------------------------------------------------- (e)
rc=0
vadmin purge --older-than 10d >/dev/null 2>"$E2E_TMP/err" || rc=$?
assert_eq "$rc" 64 "e: purge inside the 30-day soft window: exit 64 ($(cat "$E2E_TMP/err"))"
rc=0
vadmin purge --older-than 12h >/dev/null 2>&1 || rc=$?
assert_eq "$rc" 64 "e: purge --older-than in hours: exit 64"

finish
