#!/usr/bin/env bash
# web_console: the web console (/console/) in a real headless Chromium, driven by
# tests/browser/console.test.mjs (puppeteer-core and Debian's chromium), against the
# test bed's verpmail-web over HTTPS.
#
#   (a) seed: a list, members never returned, one hard and three soft returns
#       through Postfix and the bouncer (the campaign named in the DSNs), a second
#       send so the policy suppresses the hard one, a member whose name is markup;
#       a viewer and an operator token
#   (b) the operator: sign-in, the list's red and yellow badges, the hard member's
#       history (class, reason, status, diagnostic, time, campaign), "Reset bounce
#       status" with its confirm, the soft member's "Ignore bounces" switch; then in
#       the database: the tracker reset, the policy_decisions row, IgnoreBounces set
#       and the admin_audit rows by api:OPERATOR
#   (c) the viewer: no reset or ignore control in the page; the API refuses its POSTs
#       (403) and the database shows nothing changed; the phone layout (390x844) never
#       scrolls sideways
#   (d) the reports with their SVG charts and the campaigns, whose counts must be the
#       database's (this needs the API's reports and campaigns endpoints: it fails
#       without them). CONSOLE_PHASES="operator viewer" runs (b) and (c) alone.
#
# Screenshots of every page, desktop and phone, go to $CONSOLE_SHOTS (ctest:
# <build>/test-artifacts/console). Fails, never skips, without node, chromium or
# tests/browser/node_modules (scripts/install-deps installs them).
source "$(dirname "$0")/lib.sh"

require_programs verpmail-admin verpmail-web verpmail-send verpmail-bouncer
: "${TESTBED_WEB:?the test bed exports no TESTBED_WEB} ${TESTBED_TLS_CERT:?}"

readonly BROWSER_DIR=$E2E_REPO/tests/browser
readonly CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
readonly SHOTS=${CONSOLE_SHOTS:-$TESTBED_DIR/test-artifacts/console}
readonly PHASES=${CONSOLE_PHASES:-operator viewer reports}
command -v node >/dev/null || fatal "no node: scripts/install-deps installs it"
[[ -x $CHROMIUM ]] || fatal "no chromium at $CHROMIUM: scripts/install-deps installs it"
[[ -d $BROWSER_DIR/node_modules/puppeteer-core ]] ||
    fatal "no $BROWSER_DIR/node_modules: run scripts/install-deps (npm ci in tests/browser)"

readonly RUN=wc$E2E_RUN_ID
readonly LIST=wc-$E2E_RUN_ID
readonly MESSAGE=$E2E_DATA/message.eml
readonly HARD=hard@$RUN.example.test SOFT=soft@$RUN.example.test
readonly VIEWER=view-$RUN OPERATOR=oper-$RUN
readonly TIMEOUT=60

# ---------------------------------------------------------------- (a) seed
make_token() {
    run_ok "token create $2" vadmin token create "$2" --role "$3" || fatal "token create $2"
    printf -v "$1" '%s' "$RUN_OUT"
}
viewer='' operator=''
make_token viewer "$VIEWER" viewer
make_token operator "$OPERATOR" operator

run_ok "list create $LIST" vadmin list create "$LIST" --from "list-$RUN@lists.example.test" || fatal "list create"
printf '%s\n' "clean1@$RUN.example.test" "clean2@$RUN.example.test" "$HARD" "$SOFT" >"$E2E_TMP/members"
run_ok "members import" vadmin members import "$LIST" "$E2E_TMP/members" || fatal "import"
run_ok "send 1" vsend --list "$LIST" --message "$MESSAGE" --json || fatal "send 1"
CAMPAIGN=$(json_get "$RUN_OUT" campaign) || fatal "no campaign in the send's JSON"
dsn() { campaign_dsn "$1" "$2" "$3" "$CAMPAIGN"; }
dsn "$HARD" 5.1.1 "550 5.1.1 <$HARD>: Recipient address rejected: User unknown in virtual mailbox table"
# Three soft returns: the policy's soft rule (3 in 30 days) makes the member 'soft'.
for i in 1 2 3; do dsn "$SOFT" 5.2.2 "552 5.2.2 <$SOFT>: Mailbox full, quota exceeded ($i)"; done
# shellcheck disable=SC2317 # called through wait_for
returns() { sql_value "SELECT COUNT(*) FROM bounce_logs WHERE email IN ($(sql_quote "$HARD"), $(sql_quote "$SOFT"))"; }
wait_for "[[ \$(returns) -ge 4 ]]" "$TIMEOUT" "a: the four returns recorded" || fatal "returns missing"
run_ok "send 2 (the policy acts on the hard return)" vsend --list "$LIST" --message "$MESSAGE" --json || fatal "send 2"

# A name that would be markup if the page ever parsed data as HTML.
readonly MARKUP_NAME='<img src=x onerror=alert(1)><b>bold</b>'
run_ok "members add (a name of markup)" vadmin members add "$LIST" "markup@$RUN.example.test" "$MARKUP_NAME" ||
    fatal "members add"
export MARKUP_NAME

member_id() {
    sql_value "SELECT m.id FROM members m JOIN lists l ON l.id = m.list_id WHERE l.name = $(sql_quote "$LIST")
        AND m.email = $(sql_quote "$1")"
}
HARD_ID=$(member_id "$HARD")
SOFT_ID=$(member_id "$SOFT")
assert_eq "$(sql_value "SELECT GROUP_CONCAT(bounce_status ORDER BY id) FROM members WHERE id IN ($HARD_ID, $SOFT_ID)")" \
    "hard,soft" "a: the members' bounce status"
assert_eq "$(tracker_field "$HARD" PolicyState)" suppressed "a: the policy suppressed the hard member"
HARD_REASON=$(sql_value "SELECT bounce_reason FROM bounce_logs WHERE email = $(sql_quote "$HARD") ORDER BY id DESC LIMIT 1")
campaign_count() { sql_value "SELECT COUNT(*) FROM $1 WHERE $2 = $(sql_quote "$CAMPAIGN") $3"; }

spki=$(openssl x509 -in "$TESTBED_TLS_CERT" -pubkey -noout | openssl pkey -pubin -outform der |
    openssl dgst -sha256 -binary | base64) || fatal "cannot hash the test bed certificate's key"
export CONSOLE_BASE=$TESTBED_WEB CONSOLE_SHOTS=$SHOTS CONSOLE_SPKI=$spki CHROMIUM
export OPERATOR_TOKEN=$operator OPERATOR_NAME=$OPERATOR VIEWER_TOKEN=$viewer LIST HARD_EMAIL=$HARD SOFT_EMAIL=$SOFT
export HARD_ID SOFT_ID HARD_REASON CAMPAIGN
EXPECT_SENT=$(campaign_count send_log campaign_id "AND status IN ('accepted', 'rejected')")
EXPECT_BOUNCED=$(campaign_count bounce_logs campaign "AND bounce_type IN ('hard', 'soft', 'block')")
EXPECT_COMPLAINTS=$(campaign_count bounce_logs campaign "AND bounce_type = 'complaint'")
EXPECT_RETURNS=$(campaign_count bounce_logs campaign "")
export EXPECT_SENT EXPECT_BOUNCED EXPECT_COMPLAINTS EXPECT_RETURNS
mkdir -p "$SHOTS" && rm -f "$SHOTS"/*.png
note "screenshots: $SHOTS"

# browser PHASE: runs one phase of console.test.mjs; its own checks print as they go.
browser() {
    note "browser phase $1 (headless $("$CHROMIUM" --version 2>/dev/null | head -n 1))"
    if timeout 300 node "$BROWSER_DIR/console.test.mjs" "$1"; then
        ok "browser: phase $1"
    else
        fail "browser: phase $1"
    fi
}
wants() { [[ " $PHASES " == *" $1 "* ]]; }

# ---------------------------------------------------------------- (b) the operator
if wants operator; then
    browser operator
    assert_eq "$(tracker_field "$HARD" "CONCAT_WS(' ', HardBounceCount, PolicyState, CountsResetAt IS NOT NULL)")" \
        "0 active 1" "b: the click reset the tracker in the database"
    assert_eq "$(sql_value "SELECT CONCAT(active, bounce_status) FROM members WHERE id = $HARD_ID")" 1clean \
        "b: the membership is back, clean"
    assert_eq "$(sql_value "SELECT COUNT(*) FROM admin_audit WHERE action = 'reset' AND target = $(sql_quote "$HARD")
        AND actor = $(sql_quote "api:$OPERATOR")")" 1 "b: one admin_audit row by api:$OPERATOR"
    assert_eq "$(sql "SELECT CONCAT_WS(' ', state, action, actor) FROM policy_decisions WHERE email = $(sql_quote "$HARD")
        ORDER BY id DESC LIMIT 1")" "active reset api:$OPERATOR" "b: the policy_decisions row names the token"
    assert_eq "$(tracker_field "$SOFT" IgnoreBounces)" 1 "b: the switch set IgnoreBounces in the database"
    assert_eq "$(sql_value "SELECT COUNT(*) FROM admin_audit WHERE action = 'ignore' AND target = $(sql_quote "$SOFT")
        AND actor = $(sql_quote "api:$OPERATOR")")" 1 "b: audited as api:$OPERATOR"
fi

# ---------------------------------------------------------------- (c) the viewer
if wants viewer; then
    soft_state() { tracker_field "$SOFT" "CONCAT_WS(' ', BounceCount, SoftBounceCount, PolicyState, IgnoreBounces)"; }
    soft_before=$(soft_state)
    browser viewer
    assert_eq "$(soft_state)" "$soft_before" "c: the viewer's refused POSTs changed nothing"
    assert_eq "$(sql_value "SELECT COUNT(*) FROM admin_audit WHERE actor = $(sql_quote "api:$VIEWER")")" 0 \
        "c: nothing audited for the viewer"
fi

# ---------------------------------------------------------------- (d) reports, campaigns
if wants reports; then
    browser reports
fi

shopt -s nullglob
shots=("$SHOTS"/*.png)
assert_ge "${#shots[@]}" 5 "screenshots kept in $SHOTS"
finish
