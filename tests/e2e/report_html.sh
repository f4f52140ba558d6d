#!/usr/bin/env bash
# report_html: the HTML dashboard renders in a real browser with its charts.
#
#   report summary --format html (and trend, domains) is loaded from a file by
#   headless Chromium (Debian's chromium package, installed here if missing; the
#   test is skipped, 77, when it cannot be); the DOM Chromium builds has the four
#   summary charts as <svg> with their bars, the trend's lines, and no element that
#   would load anything.
source "$(dirname "$0")/lib.sh"

require_programs verpmail-admin

readonly RUN=rh$E2E_RUN_ID
readonly LIST=rh-$E2E_RUN_ID
readonly CAMPAIGN=$RUN-c1

if ! command -v chromium >/dev/null 2>&1; then
    note "installing chromium with apt-get"
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q --no-install-recommends chromium >/dev/null 2>&1 ||
        cannot_run "chromium is not installed and could not be installed"
fi

# Data for every chart: sends, returns of several classes today, a suppression.
run_ok "list create $LIST" vadmin list create "$LIST" --from list@lists.example.test || fatal "list create"
sql "
INSERT INTO campaigns (id, list_id, started_at) SELECT '$CAMPAIGN', id, UTC_TIMESTAMP() FROM lists WHERE name = '$LIST';
INSERT INTO send_log (campaign_id, email, status, updated_at)
SELECT '$CAMPAIGN', CONCAT('u', seq, '@$RUN.test'), 'accepted', UTC_TIMESTAMP() FROM seq_1_to_20;
INSERT INTO bounce_logs (email, domain, bounce_type, bounce_reason, bounced_at, campaign, kind, dedup_key)
SELECT CONCAT('u', seq, '@$RUN.test'), '$RUN.test', ELT(1 + seq MOD 3, 'hard', 'soft', 'block'), 'e2e <reason>',
       UTC_TIMESTAMP() - INTERVAL seq HOUR, '$CAMPAIGN', 'bounce', UNHEX(SHA2(CONCAT('$RUN-', seq), 256))
FROM seq_1_to_6;
INSERT INTO EmailAddressTracker (EmailAddress, EncodedFROM, PolicyState, SuppressedReason)
VALUES ('u1@$RUN.test', 'sentto-$RUN-1', 'suppressed', 'hard-bounce');
" || fatal "cannot insert the report data"
# Written behind the programs' backs: the report counters learn of them by a recount.
run_ok "db recount" vadmin db recount || fatal "db recount"

# dom REPORT: the DOM Chromium builds from the report's HTML file, in $E2E_TMP/REPORT.dom.
dom() {
    local report=$1 profile
    vadmin report "$report" --format html >"$E2E_TMP/$report.html" || return 1
    profile=$(mktemp -d "$E2E_TMP/chromium.XXXXXX")
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$profile" \
        --dump-dom "file://$E2E_TMP/$report.html" >"$E2E_TMP/$report.dom" 2>"$E2E_TMP/chromium.err"
}

# count_in FILE SELECTOR-ish: element counts in the dumped DOM, by a small parser.
dom_check() {
    python3 - "$@" <<'PY'
import html.parser, sys
path, svg_id, child, want = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.inside = 0
        self.found = False
        self.children = 0
        self.loaders = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "img", "link", "iframe", "object", "embed") or "src" in a or \
                any(v and ("http:" in v or "https:" in v) for v in a.values()):
            self.loaders.append(tag)
        if tag == "svg" and a.get("id") == svg_id:
            self.found, self.inside = True, 1
            return
        if self.inside:
            if tag == "svg":
                self.inside += 1
            if tag == child:
                self.children += 1
    def handle_endtag(self, tag):
        if self.inside and tag == "svg":
            self.inside -= 1
p = P()
p.feed(open(path, encoding="utf-8").read())
if not p.found:
    sys.exit("no <svg id=%s>" % svg_id)
if p.children < want:
    sys.exit("%d <%s> in #%s, want >= %d" % (p.children, child, svg_id, want))
if p.loaders:
    sys.exit("elements that load something: %s" % p.loaders)
PY
}

if dom summary; then
    ok "summary: chromium rendered the page ($(wc -c <"$E2E_TMP/summary.dom") bytes of DOM)"
else
    fatal "summary: chromium failed: $(tail -n 5 "$E2E_TMP/chromium.err")"
fi
assert_match "$(cat "$E2E_TMP/summary.dom")" "<h1>verpmail summary</h1>" "summary: the DOM has the title"
for chart in "chart-returns-per-day rect 3" "chart-domain-bounce-rate rect 1" "chart-suppressions-by-reason rect 1" \
    "chart-campaign-bounce-rate rect 1"; do
    read -r id child want <<<"$chart"
    if err=$(dom_check "$E2E_TMP/summary.dom" "$id" "$child" "$want" 2>&1); then
        ok "summary: <svg id=$id> with its bars in the rendered DOM"
    else
        fail "summary: $err"
    fi
done
assert_match "$(cat "$E2E_TMP/summary.dom")" "e2e &lt;reason&gt;" "summary: text from the database is escaped"

if dom trend; then
    if err=$(dom_check "$E2E_TMP/trend.dom" chart-trend-volume polyline 2 2>&1); then
        ok "trend: <svg id=chart-trend-volume> with two lines in the rendered DOM"
    else
        fail "trend: $err"
    fi
else
    fail "trend: chromium failed: $(tail -n 5 "$E2E_TMP/chromium.err")"
fi
if dom domains && err=$(dom_check "$E2E_TMP/domains.dom" chart-domain-bounce-rate rect 1 2>&1); then
    ok "domains: <svg id=chart-domain-bounce-rate> in the rendered DOM"
else
    fail "domains: ${err:-chromium failed}"
fi

finish
