#!/usr/bin/env bash
# bouncer_content: a bounce to a plain address (bounces@ the bounce domain), which names
# no VERP address of ours, with bouncer.attribution = verp (the default) and content.
#
#   (v) verp mode: a DSN naming a member is stored unattributed; the member gets no row
#   (c) content mode: the same kind of DSN is recorded for the member as hard, logged
#       via=content, and the policy then suppresses the member (verpmail-admin explain)
#   (n) content mode: a DSN naming an address that is no member records nobody; it is
#       stored unattributed
#
# The bouncer runs in its pipe(8) form as the pipe user (nobody), with a copy of the
# test bed's properties: the LMTP server reads its configuration only at start.
source "$(dirname "$0")/lib.sh"

require_programs verpmail-admin verpmail-bouncer

readonly RUN=bn$E2E_RUN_ID
readonly LIST=bn-$E2E_RUN_ID
readonly PIPE_USER=nobody
readonly MEMBER=$RUN-m@accept.test STRANGER=$RUN-s@accept.test
readonly PLAIN=bounces@$TESTBED_BOUNCE_DOMAIN

note "run $RUN, list $LIST"

# A scratch directory the pipe user can read, for the properties copy.
scratch=$TESTBED_DIR/tmp-$RUN
install -d -m 0755 "$scratch"
trap 'rc=$?; rm -rf "$scratch"; (exit $rc); e2e_on_exit' EXIT
readonly CONTENT_CONFIG=$scratch/content.properties
cp "$VERPMAIL_CONFIG" "$CONTENT_CONFIG"
printf '\nbouncer.attribution = content\nbouncer.acceptLocalParts = fbl, bounces\n' >>"$CONTENT_CONFIG"
chmod 0644 "$CONTENT_CONFIG"

# feed NAME CONFIG FILE: the bouncer as pipe(8) runs it, for MAILER-DAEMON -> $PLAIN,
# with FILE on stdin; checks exit 0.
feed() {
    local name=$1 config=$2 file=$3 rc=0 out
    out=$(cd "$TESTBED_POSTFIX_QUEUE" && runuser -u "$PIPE_USER" -- env -i LANG=C PATH=/usr/bin:/bin \
        MAIL_CONFIG="$TESTBED_POSTFIX_CONFIG" "$TESTBED_BIN/verpmail-bouncer" --config "$config" \
        -- MAILER-DAEMON "$PLAIN" <"$file" 2>"$E2E_TMP/stderr") || rc=$?
    if ((rc == 0)); then
        ok "$name: exit 0"
    else
        fail "$name: exit $rc"
        printf '%s\n' "--- stdout:" "$out" "--- stderr:"
        cat "$E2E_TMP/stderr"
    fi
}

rows_for() { sql_value "SELECT COUNT(*) FROM bounce_logs WHERE email = $(sql_quote "$1") ${2:+AND $2}"; }
# unattributed_naming ADDRESS: unattributed rows to $PLAIN whose text names ADDRESS.
unattributed_naming() {
    sql_value "SELECT COUNT(*) FROM bounce_logs WHERE email IS NULL AND bounce_type = 'unattributed'
        AND envelope_recipient = $(sql_quote "$PLAIN") AND raw_message LIKE $(sql_quote "%<$1>%")"
}

dsn_for() {
    postfix_dsn "$PLAIN" "$1" 5.1.1 "550 5.1.1 <$1>: Recipient address rejected: User unknown"
}

# ---------------------------------------------------------------- set-up

run_ok "list create $LIST" vadmin list create "$LIST" --from list@lists.example.test ||
    fatal "cannot create the list"
printf '%s\n' "$MEMBER" >"$E2E_TMP/members"
run_ok "members import $LIST" vadmin members import "$LIST" "$E2E_TMP/members" || fatal "cannot import members"

# ---------------------------------------------------------------- (v) verp mode

dsn_for "$MEMBER" >"$E2E_TMP/verp.eml"
feed "v: verp mode" "$VERPMAIL_CONFIG" "$E2E_TMP/verp.eml"
assert_eq "$(unattributed_naming "$MEMBER")" 1 "v: stored unattributed"
assert_eq "$(rows_for "$MEMBER")" 0 "v: no row for the member"

# ---------------------------------------------------------------- (c) content mode

mark=$(stat -c %s "$TESTBED_VERPMAIL_LOG")
dsn_for "$MEMBER" >"$E2E_TMP/content.eml"
feed "c: content mode" "$CONTENT_CONFIG" "$E2E_TMP/content.eml"
assert_eq "$(rows_for "$MEMBER" "bounce_type = 'hard' AND envelope_recipient = $(sql_quote "$PLAIN")")" 1 \
    "c: one hard row for the member"
assert_eq "$(tracker_field "$MEMBER" HardBounceCount)" 1 "c: HardBounceCount 1"
assert_eq "$(unattributed_naming "$MEMBER")" 1 "c: no more unattributed rows"
logged=$(tail -c +"$((mark + 1))" "$TESTBED_VERPMAIL_LOG" | grep -F "member=<$MEMBER>" || true)
assert_match "$logged" 'via=content .*class=hard' "c: logged via=content class=hard"
run_ok "c: explain $MEMBER" vadmin explain "$MEMBER"
assert_match "$RUN_OUT" 'decision: not mailed' "c: the policy suppresses the member"

# The same return delivered again counts once.
feed "c: again" "$CONTENT_CONFIG" "$E2E_TMP/content.eml"
assert_eq "$(rows_for "$MEMBER")" 1 "c: a second delivery adds no row"

# ---------------------------------------------------------------- (n) no member named

dsn_for "$STRANGER" >"$E2E_TMP/stranger.eml"
feed "n: content mode, a stranger" "$CONTENT_CONFIG" "$E2E_TMP/stranger.eml"
assert_eq "$(rows_for "$STRANGER")" 0 "n: nobody recorded for a non-member"
assert_eq "$(sql_value "SELECT COUNT(*) FROM EmailAddressTracker WHERE EmailAddress = $(sql_quote "$STRANGER")")" 0 \
    "n: no tracker row for a non-member"
assert_eq "$(unattributed_naming "$STRANGER")" 1 "n: stored unattributed"

finish
