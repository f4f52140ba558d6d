#!/usr/bin/env bash
# report_formats: every report in every format, over returns of a real send.
#
#   (a) a list on three domains of this run; one send through Postfix; hard and soft
#       returns (Postfix DSNs with the campaign's headers) through Postfix and the
#       bouncer. The run's own domains keep the figures exact, and too few members
#       fail at one domain to open a domain incident.
#   (b) report campaign ID: exact counts for the campaign (sent, returns by class,
#       bounce rate)
#   (c) every report (summary suppressed domains reasons campaign [ID] trend) in every
#       format (table csv json html): exit 0; csv is RFC 4180 with a header; json
#       parses; html is one page with no script and no URL
#   (d) figures agree: summary totals = the sum of its days; the domains and
#       reasons reports hold this run's returns; trend shows them today
#   (e) --since Nh and YYYY-MM-DD; usage errors exit 64, an unknown campaign 65
source "$(dirname "$0")/lib.sh"

require_programs verpmail-send verpmail-admin verpmail-bouncer

readonly RUN=rf$E2E_RUN_ID
readonly LIST=rf-$E2E_RUN_ID
readonly MESSAGE=$E2E_DATA/message.eml
readonly OK_DOMAIN=ok-$RUN.example.test HARD_DOMAIN=hard-$RUN.example.test SOFT_DOMAIN=soft-$RUN.example.test
readonly N_ACCEPT=6 N_REJECT=4 N_FULL=3
readonly TIMEOUT=60

# ---------------------------------------------------------------- (a)
run_ok "list create $LIST" vadmin list create "$LIST" --from list@lists.example.test || fatal "list create"
hard=() soft=()
for ((i = 1; i <= N_REJECT; i++)); do hard+=("r$i@$HARD_DOMAIN"); done
for ((i = 1; i <= N_FULL; i++)); do soft+=("f$i@$SOFT_DOMAIN"); done
{
    for ((i = 1; i <= N_ACCEPT; i++)); do echo "a$i@$OK_DOMAIN"; done
    printf '%s\n' "${hard[@]}" "${soft[@]}"
} >"$E2E_TMP/members"
run_ok "members import" vadmin members import "$LIST" "$E2E_TMP/members" || fatal "import"
run_ok "send" vsend --list "$LIST" --message "$MESSAGE" --json || fatal "send failed"
CAMPAIGN=$(json_get "$RUN_OUT" campaign) || fatal "no campaign in the send's JSON"
dsn() { campaign_dsn "$1" "$2" "$3" "$CAMPAIGN"; }
for a in "${hard[@]}"; do dsn "$a" 5.1.1 "550 5.1.1 <$a>: Recipient address rejected: User unknown"; done
for a in "${soft[@]}"; do dsn "$a" 5.2.2 "552 5.2.2 <$a>: Mailbox full"; done
# shellcheck disable=SC2317 # called through wait_for
returns() { sql_value "SELECT COUNT(*) FROM bounce_logs WHERE email LIKE '%-$RUN.example.test'"; }
wait_for "[[ \$(returns) -ge $((N_REJECT + N_FULL)) ]]" "$TIMEOUT" "a: $((N_REJECT + N_FULL)) returns recorded" ||
    fatal "returns missing"

# ---------------------------------------------------------------- (b)
run_ok "b: report campaign $CAMPAIGN --format json" vadmin report campaign "$CAMPAIGN" --format json || fatal "report"
c=$RUN_OUT
got=$(python3 - "$c" <<'PY'
import json, sys
t = json.loads(sys.argv[1])["campaign"]
print(t["list"], t["accepted"], t["sent"], t["returns"], t["hard"], t["soft"], t["complaint"], "%.2f" % t["bounce_rate"])
PY
)
assert_eq "$got" "$LIST $((N_ACCEPT + N_REJECT + N_FULL)) $((N_ACCEPT + N_REJECT + N_FULL)) $((N_REJECT + N_FULL)) $N_REJECT $N_FULL 0 53.85" \
    "b: campaign: list, accepted, sent, returns, hard, soft, complaints, bounce rate (7 of 13)"
assert_eq "$(python3 -c 'import json,sys; print(sorted((r["domain"], r["hard"], r["soft"]) for r in json.loads(sys.argv[1])["top_domains"] if r["returns"]))' "$c")" \
    "[('$HARD_DOMAIN', $N_REJECT, 0), ('$SOFT_DOMAIN', 0, $N_FULL)]" "b: campaign: returns by receiving domain"

# ---------------------------------------------------------------- (c)
# validate FORMAT FILE: the output is well formed for its format.
validate() {
    python3 - "$1" "$2" <<'PY'
import csv, html.parser, json, sys
fmt, path = sys.argv[1], sys.argv[2]
raw = open(path, encoding="utf-8", newline="").read()
if not raw:
    sys.exit("empty output")
if fmt == "csv":
    if not raw.endswith("\r\n") or raw.count("\n") != raw.count("\r\n"):
        sys.exit("lines must end in CRLF")
    rows = list(csv.reader(raw.splitlines(True)))
    if any(len(r) != len(rows[0]) for r in rows):
        sys.exit("rows of different lengths")
elif fmt == "json":
    json.loads(raw)
elif fmt == "html":
    class P(html.parser.HTMLParser):
        def __init__(self):
            super().__init__()
            self.stack, self.tags = [], set()
        def handle_starttag(self, tag, attrs):
            self.tags.add(tag)
            if tag not in ("meta", "br", "rect", "line", "circle", "polyline"):
                self.stack.append(tag)
            for k, v in attrs:
                if k in ("src", "href") or (v and ("http:" in v or "https:" in v)):
                    sys.exit("external reference: %s=%s" % (k, v))
        def handle_startendtag(self, tag, attrs):
            self.tags.add(tag)
        def handle_endtag(self, tag):
            if tag in ("rect", "line", "circle", "polyline"):
                return
            if not self.stack or self.stack.pop() != tag:
                sys.exit("unbalanced </%s>" % tag)
    p = P()
    p.feed(raw)
    if p.stack or "script" in p.tags or "link" in p.tags or "img" in p.tags or "http" in raw:
        sys.exit("not one self-contained page: %s %s" % (p.stack, sorted(p.tags)))
elif "\t" in raw and fmt != "table":
    sys.exit("tab in output")
PY
}

for report in summary suppressed domains reasons "campaign $CAMPAIGN" campaign trend; do
    for format in table csv json html; do
        # shellcheck disable=SC2086 # "campaign ID" is two words
        if vadmin report $report --format "$format" >"$E2E_TMP/out.$format" 2>"$E2E_TMP/stderr"; then
            if err=$(validate "$format" "$E2E_TMP/out.$format" 2>&1); then
                ok "c: report $report --format $format"
            else
                fail "c: report $report --format $format: $err"
            fi
        else
            fail "c: report $report --format $format: exit $? ($(head -c 200 "$E2E_TMP/stderr"))"
        fi
        [[ $report == summary ]] && cp "$E2E_TMP/out.$format" "$E2E_TMP/summary.$format"
        [[ $report == domains ]] && cp "$E2E_TMP/out.$format" "$E2E_TMP/domains.$format"
        [[ $report == reasons ]] && cp "$E2E_TMP/out.$format" "$E2E_TMP/reasons.$format"
        [[ $report == trend ]] && cp "$E2E_TMP/out.$format" "$E2E_TMP/trend.$format"
        [[ $report == suppressed ]] && cp "$E2E_TMP/out.$format" "$E2E_TMP/suppressed.$format"
    done
done
assert_eq "$(vadmin report summary | head -n 1 | cut -c1-16)" "verpmail summary" "c: the table starts with the title"
assert_match "$(cat "$E2E_TMP/summary.table")" $'Totals:\nMETRIC +VALUE' "c: the summary table starts with the totals"
assert_eq "$(head -n 1 "$E2E_TMP/summary.csv" | tr -d '\r')" "metric,value" "c: summary csv is its totals"
assert_eq "$(head -n 1 "$E2E_TMP/trend.csv" | tr -d '\r')" \
    "day,accepted,rejected,sent,returns,hard,soft,block,complaint,autoreply,none,unattributed,bounce_rate" "c: trend csv header"
for id in chart-returns-per-day chart-domain-bounce-rate chart-suppressions-by-reason chart-campaign-bounce-rate; do
    check "c: the summary html has <svg id=\"$id\">" grep -q "<svg id=\"$id\"" "$E2E_TMP/summary.html"
done

# ---------------------------------------------------------------- (d)
sums=$(python3 - "$E2E_TMP/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
t = s["totals"]
days = s["per_day"]
bad = [k for k in ("accepted", "rejected", "sent", "returns", "hard", "soft", "block", "complaint", "autoreply", "none",
                   "unattributed") if t[k] != sum(d[k] for d in days)]
classes = sum(t[k] for k in ("hard", "soft", "block", "complaint", "autoreply", "none", "unattributed"))
print("ok" if not bad and classes == t["returns"] and len(days) >= 30 else "differ: %s" % bad)
PY
)
assert_eq "$sums" ok "d: summary totals are the sum of its 31 days, and returns the sum of the classes"
domains=$(python3 - "$E2E_TMP/domains.json" "$HARD_DOMAIN" "$SOFT_DOMAIN" "$OK_DOMAIN" <<'PY'
import json, sys
rows = {r["domain"]: r for r in json.load(open(sys.argv[1]))}
h, s, o = (rows.get(d, {}) for d in sys.argv[2:5])
print(h.get("hard"), h.get("sent"), h.get("bounce_rate"), s.get("soft"), s.get("bounce_rate"), o.get("returns"), o.get("sent"))
PY
)
assert_eq "$domains" "$N_REJECT $N_REJECT 100.0 $N_FULL 100.0 0 $N_ACCEPT" \
    "d: domains: hard and soft returns, sends and bounce rate of this run's domains"
assert_match "$(python3 -c 'import json,sys; print(" ".join(sorted({r["class"] for r in json.load(open(sys.argv[1]))})))' \
    "$E2E_TMP/reasons.json")" "hard.*soft" "d: reasons: hard and soft returns"
today=$(date -u +%F)
assert_ge "$(python3 -c 'import json,sys; print([d["returns"] for d in json.load(open(sys.argv[1])) if d["day"] == sys.argv[2]][0])' \
    "$E2E_TMP/trend.json" "$today")" "$((N_REJECT + N_FULL))" "d: trend: today's returns"
assert_eq "$(python3 -c 'import json,sys; rows = json.load(open(sys.argv[1])); print(sum(1 for r in rows if r["address"].endswith("@" + sys.argv[2])), sorted(rows[0]) if rows else [])' \
    "$E2E_TMP/suppressed.json" "$HARD_DOMAIN")" \
    "$N_REJECT ['address', 'blocks', 'complaints', 'explanation', 'hard_bounces', 'last_bounce', 'reason', 'release', 'rule', 'soft_bounces_in_window', 'suppressed_at']" \
    "d: suppressed: this run's hard-bounced members, with the documented keys"

# ---------------------------------------------------------------- (e)
run_ok "e: report trend --since 2h" vadmin report trend --since 2h --format json || true
assert_eq "$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])) in (1, 2))' "$RUN_OUT")" True "e: 2h is one or two days"
run_ok "e: report domains --since $(date -u +%F)" vadmin report domains --since "$(date -u +%F)" --format csv || true
# expect_status DESCRIPTION WANT COMMAND...
expect_status() {
    local desc=$1 want=$2 rc=0
    shift 2
    "$@" >/dev/null 2>"$E2E_TMP/err" || rc=$?
    assert_eq "$rc" "$want" "$desc: exit $want ($(head -c 100 "$E2E_TMP/err"))"
}
expect_status "e: unknown report" 64 vadmin report bogus
expect_status "e: no report name" 64 vadmin report
expect_status "e: bad --since" 64 vadmin report summary --since 5x
expect_status "e: --since an impossible date" 64 vadmin report summary --since 2026-02-30
expect_status "e: bad --format" 64 vadmin report summary --format xml
expect_status "e: an ID for a report without one" 64 vadmin report domains extra
expect_status "e: unknown campaign" 65 vadmin report campaign "no-such-campaign-$RUN"

finish
