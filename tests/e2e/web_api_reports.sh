#!/usr/bin/env bash
# web_api_reports: verpmail-web's reports and campaigns (/api/v1/reports/...,
# /api/v1/campaigns...) are what `verpmail-admin report` prints, over a real send.
#
#   (a) a list on two domains of this run; one send through Postfix; hard returns
#       (Postfix DSNs) and one complaint (an ARF report), each naming the campaign,
#       through Postfix and the bouncer
#   (b) every report (summary suppressed domains reasons campaign trend incidents,
#       campaign ID), /campaigns and /campaigns/ID in JSON: the same JSON as
#       `verpmail-admin report NAME [ID] --format json` but for `until` (the moment
#       it was made), with the same --since (a date) and with the default (30d,
#       `since` left out too, as it is counted to the second)
#   (c) the campaign's counts are the ones made in (a): sent, hard, complaint
#   (d) csv (text/csv; charset=utf-8, the admin's bytes but for `until` and other runs'
#       suppressed addresses) and html (text/html;
#       charset=utf-8, a table, and <svg> charts but in suppressed and incidents)
#       for every report
#   (e) no token, a revoked one: 401; bad since or format, an unknown parameter: 400;
#       an unknown report or campaign: 404; POST: 405 with Allow: GET; no token logged
source "$(dirname "$0")/lib.sh"

require_programs verpmail-send verpmail-admin verpmail-bouncer verpmail-web
: "${TESTBED_WEB:?the test bed exports no TESTBED_WEB} ${TESTBED_TLS_CERT:?}"

readonly RUN=ar$E2E_RUN_ID
readonly LIST=ar-$E2E_RUN_ID
readonly MESSAGE=$E2E_DATA/message.eml
readonly OK_DOMAIN=ok-$RUN.example.test HARD_DOMAIN=hard-$RUN.example.test
readonly N_ACCEPT=5 N_REJECT=3
readonly TIMEOUT=60
readonly REPORTS="summary suppressed domains reasons campaign trend incidents"
SINCE=$(date -u -d '30 days ago' +%F)
readonly SINCE

viewer='' revoked=''
make_token viewer "view-$RUN" viewer
make_token revoked "gone-$RUN" viewer
run_ok "token revoke gone-$RUN" vadmin token revoke "gone-$RUN" || fatal "token revoke"

# ---------------------------------------------------------------- (a)
run_ok "a: list create $LIST" vadmin list create "$LIST" --from list@lists.example.test || fatal "list create"
hard=()
for ((i = 1; i <= N_REJECT; i++)); do hard+=("r$i@$HARD_DOMAIN"); done
readonly COMPLAINER=a1@$OK_DOMAIN
{
    for ((i = 1; i <= N_ACCEPT; i++)); do echo "a$i@$OK_DOMAIN"; done
    printf '%s\n' "${hard[@]}"
} >"$E2E_TMP/members"
run_ok "a: members import" vadmin members import "$LIST" "$E2E_TMP/members" || fatal "import"
run_ok "a: send" vsend --list "$LIST" --message "$MESSAGE" --json || fatal "send failed"
CAMPAIGN=$(json_get "$RUN_OUT" campaign) || fatal "no campaign in the send's JSON"
readonly CAMPAIGN
for a in "${hard[@]}"; do
    campaign_dsn "$a" 5.1.1 "550 5.1.1 <$a>: Recipient address rejected: User unknown" "$CAMPAIGN"
done
verp=$(verp_of "$COMPLAINER") || fatal "no VERP address for $COMPLAINER"
arf_report "$verp" "$COMPLAINER" "$CAMPAIGN" >"$E2E_TMP/arf.eml"
inject_file "" "$verp" "$E2E_TMP/arf.eml" || fatal "cannot submit the ARF report"
# shellcheck disable=SC2317 # called through wait_for
returns() { sql_value "SELECT COUNT(*) FROM bounce_logs WHERE email LIKE '%-$RUN.example.test'"; }
wait_for "[[ \$(returns) -ge $((N_REJECT + 1)) ]]" "$TIMEOUT" "a: $((N_REJECT + 1)) returns recorded" ||
    fatal "returns missing"

# ---------------------------------------------------------------- (b)
# `suppressed` is every address of the shared test bed that the policy suppresses at
# the moment of the call, so what other tests left behind may change between the API's
# call and the admin's: only this run's addresses are compared (the check below makes
# sure they are there).
# normalised [KEY...]: stdin's JSON without the KEYs (top-level, or in a metric/value
# table), keys sorted; the rows
# of a list of addresses only this run's.
normalised() {
    python3 -c '
import json, sys
d = json.load(sys.stdin)
if isinstance(d, dict):
    # The summary repeats its window in its totals table.
    for table in [d] + [v for v in d.values() if isinstance(v, dict)]:
        for k in sys.argv[2:]:
            table.pop(k, None)
if isinstance(d, list) and d and isinstance(d[0], dict) and "address" in d[0]:
    d = [r for r in d if sys.argv[1] in r["address"]]
print(json.dumps(d, sort_keys=True))' "$RUN" "$@"
}
# ours CSV-FILE: the file without the summary's `until` line (the second it was made),
# and of a list of addresses the header and this run's rows only.
ours() {
    if [[ $(head -n 1 "$1") == address,* ]]; then
        grep -e '^address,' -e "$RUN" "$1"
    else
        grep -v '^until,' "$1"
    fi
}
# same_json DESC PATH ADMIN-ARGS...: the API's JSON at PATH is the admin's, but for
# `until` (and `since` when PATH gives none: both count 30 days back from their now).
same_json() {
    local desc=$1 path=$2 drop=(until) status
    shift 2
    [[ $path == *since=* ]] || drop+=(since)
    status=$(api GET "$path" "$viewer")
    assert_eq "$status" 200 "$desc: 200"
    assert_eq "$(header Content-Type)" "application/json" "$desc: application/json"
    run_ok "$desc: verpmail-admin report $*" vadmin report "$@" --format json || return 0
    assert_eq "$(body | normalised "${drop[@]}")" "$(normalised "${drop[@]}" <<<"$RUN_OUT")" \
        "$desc: the admin's JSON"
}
assert_eq "$(api GET /api/v1/reports/suppressed "$viewer")" 200 "b: reports/suppressed"
assert_eq "$(body | normalised | python3 -c 'import json, sys; print(sorted(r["address"] for r in json.load(sys.stdin)))')" \
    "$(printf '%s\n' "${hard[@]}" "$COMPLAINER" | sort | python3 -c 'import sys; print(sorted(sys.stdin.read().split()))')" \
    "b: reports/suppressed: this run's hard bounces and complainer"
for report in $REPORTS; do
    same_json "b: reports/$report?since=$SINCE" "/api/v1/reports/$report?since=$SINCE" "$report" --since "$SINCE"
    same_json "b: reports/$report" "/api/v1/reports/$report" "$report"
done
same_json "b: reports/campaign/ID" "/api/v1/reports/campaign/$CAMPAIGN?since=$SINCE" campaign "$CAMPAIGN" \
    --since "$SINCE"
same_json "b: campaigns" "/api/v1/campaigns?since=$SINCE&format=json" campaign --since "$SINCE"
same_json "b: campaigns (30d)" "/api/v1/campaigns" campaign
same_json "b: campaigns/ID" "/api/v1/campaigns/$CAMPAIGN" campaign "$CAMPAIGN"
assert_eq "$(api GET "/api/v1/campaigns?since=2h" "$viewer")" 200 "b: campaigns?since=2h"
assert_eq "$(body | normalised)" "$(vadmin report campaign --since 2h --format json | normalised)" \
    "b: campaigns?since=2h is the admin's --since 2h"

# ---------------------------------------------------------------- (c)
assert_eq "$(api GET "/api/v1/campaigns?since=$SINCE" "$viewer")" 200 "c: campaigns"
assert_eq "$(python3 -c '
import json, sys
rows = [r for r in json.load(sys.stdin) if r["campaign"] == sys.argv[1]]
r = rows[0] if rows else {}
print(len(rows), r.get("list"), r.get("sent"), r.get("hard"), r.get("complaint"), sorted(r))' "$CAMPAIGN" <"$E2E_TMP/body")" \
    "1 $LIST $((N_ACCEPT + N_REJECT)) $N_REJECT 1 ['autoreply', 'block', 'bounce_rate', 'campaign', 'complaint', 'hard', 'list', 'none', 'returns', 'sent', 'soft', 'started_at', 'unattributed']" \
    "c: campaigns: one row for the campaign, its list, sent, hard, complaint and every column"
assert_eq "$(api GET "/api/v1/campaigns/$CAMPAIGN" "$viewer")" 200 "c: campaigns/ID"
assert_eq "$(python3 -c '
import json, sys
c = json.load(sys.stdin)["campaign"]
print(c["campaign"], c["list"], c["sent"], c["hard"], c["complaint"], c["returns"])' <"$E2E_TMP/body")" \
    "$CAMPAIGN $LIST $((N_ACCEPT + N_REJECT)) $N_REJECT 1 $((N_REJECT + 1))" \
    "c: campaigns/ID: its id, list, sent, hard, complaint and returns"

# ---------------------------------------------------------------- (d)
for report in $REPORTS "campaign/$CAMPAIGN"; do
    assert_eq "$(api GET "/api/v1/reports/$report?format=csv&since=$SINCE" "$viewer")" 200 "d: $report csv"
    assert_eq "$(header Content-Type)" "text/csv; charset=utf-8" "d: $report csv: text/csv"
    # shellcheck disable=SC2086 # "campaign ID" is two words
    vadmin report ${report/\// } --since "$SINCE" --format csv >"$E2E_TMP/admin.csv"
    check "d: $report csv: the admin's bytes" cmp -s <(ours "$E2E_TMP/body") <(ours "$E2E_TMP/admin.csv")
    assert_eq "$(api GET "/api/v1/reports/$report?format=html" "$viewer")" 200 "d: $report html"
    assert_eq "$(header Content-Type)" "text/html; charset=utf-8" "d: $report html: text/html"
    check "d: $report html has a table" grep -q '<table' "$E2E_TMP/body"
    # suppressed and incidents are lists, drawn as no chart.
    [[ $report == suppressed || $report == incidents ]] ||
        check "d: $report html has a chart" grep -q '<svg' "$E2E_TMP/body"
done

# ---------------------------------------------------------------- (e)
for path in /api/v1/reports/summary /api/v1/campaigns "/api/v1/campaigns/$CAMPAIGN"; do
    for token in "" "$revoked"; do
        assert_eq "$(api GET "$path" "$token")" 401 "e: $path with token '${token:0:6}' is 401"
        assert_match "$(header WWW-Authenticate)" '^Bearer' "e: $path: WWW-Authenticate: Bearer"
    done
    assert_eq "$(api POST "$path" "$viewer" -H 'Content-Type: application/json' --data '{}')" 405 \
        "e: POST $path is 405"
    assert_eq "$(header Allow)" GET "e: POST $path: Allow: GET"
done
# expect STATUS PATH ERROR: the API's JSON error for PATH.
expect() {
    assert_eq "$(api GET "$2" "$viewer")" "$1" "e: $2 is $1"
    assert_eq "$(header Content-Type)" "application/json" "e: $2: JSON"
    assert_eq "$(body)" "{\"error\":\"$3\",\"status\":$1}" "e: $2: $3"
}
expect 400 "/api/v1/reports/summary?since=5x" "since must be Nd, Nh or YYYY-MM-DD"
expect 400 "/api/v1/reports/trend?since=2026-02-30" "since must be Nd, Nh or YYYY-MM-DD"
expect 400 "/api/v1/campaigns?format=xml" "format must be json, csv or html"
expect 400 "/api/v1/reports/domains?format=table" "format must be json, csv or html"
expect 400 "/api/v1/reports/domains?limit=5" "unknown parameter"
expect 400 "/api/v1/campaigns/$CAMPAIGN?since=1d&since=2d" "a parameter is given twice"
expect 404 "/api/v1/reports/bogus" "not found"
expect 404 "/api/v1/reports/summary/extra" "not found"
expect 404 "/api/v1/campaigns/no-such-$RUN" "no such campaign"
expect 404 "/api/v1/reports/campaign/no-such-$RUN" "no such campaign"
expect 404 "/api/v1/campaigns/$(printf 'c%.0s' {1..65})" "no such campaign"
expect 404 "/api/v1/campaigns/a%0Ab" "no such campaign"
assert_no_match "$(cat "$TESTBED_WEB_LOG")" "${viewer#vm_}|${revoked#vm_}" "e: no token is logged"

finish
