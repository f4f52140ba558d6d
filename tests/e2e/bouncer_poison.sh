#!/usr/bin/env bash
# bouncer_poison: a return holding bytes the database refuses is recorded on its first
# delivery, through the real Postfix and whichever way the test bed delivers returns.
# Anyone can send such a return to any VERP address; deferring it (exit 75, 451) would
# keep it queued until Postfix gives up and drops it.
#
#   (p1) the returned original's X-Verpmail-Campaign holds 8-bit bytes, the DSN's
#        ENVID too: the return is recorded at once (delivered once, never deferred),
#        attributed to the member, with campaign NULL
#   (p2) the diagnostic holds sequences MariaDB's utf8mb4 refuses (a C0 lead, an
#        overlong E0 and F0 form, an encoded surrogate, a code point above U+10FFFF,
#        F5-FF bytes): recorded at once, each refused sequence stored as U+FFFD
# shellcheck disable=SC2317 # functions called through wait_for
source "$(dirname "$0")/lib.sh"

require_programs verpmail-send verpmail-admin verpmail-bouncer

readonly RUN=bp$E2E_RUN_ID
readonly LIST=bp-$E2E_RUN_ID
readonly CAMPAIGN_MEMBER=$RUN-campaign@accept.test DIAG_MEMBER=$RUN-diag@accept.test
readonly TIMEOUT=30

logs_of() { sql_value "SELECT COUNT(*) FROM bounce_logs WHERE email = $(sql_quote "$1") ${2:+AND $2}"; }

run_ok "list create $LIST" vadmin list create "$LIST" --from list@lists.example.test ||
    fatal "cannot create the list"
printf '%s\n' "$CAMPAIGN_MEMBER" "$DIAG_MEMBER" >"$E2E_TMP/members"
run_ok "members import $LIST" vadmin members import "$LIST" "$E2E_TMP/members" || fatal "cannot import members"
run_ok "send" vsend --list "$LIST" --message "$E2E_DATA/message.eml" --json || fatal "send failed"
VERP_CAMPAIGN=$(verp_of "$CAMPAIGN_MEMBER") || fatal "no EncodedFROM for $CAMPAIGN_MEMBER"
VERP_DIAG=$(verp_of "$DIAG_MEMBER") || fatal "no EncodedFROM for $DIAG_MEMBER"

# poison FILE FROM TO: replaces the markers in FILE with raw bytes.
poison() {
    python3 - "$1" <<'PY'
import sys
path = sys.argv[1]
data = open(path, 'rb').read()
data = data.replace(b'@CAMPAIGN@', b'spring-\xe9t\xe9-\xff')
data = data.replace(b'@ENVID@', b'env\xc3\x28id\xf0\x9f')
bad = (b'C0 lead \xc0\xaf, overlong E0 \xe0\x80\xaf, overlong F0 \xf0\x80\x80\xaf, '
       b'surrogate \xed\xa0\x80, above U+10FFFF \xf4\x90\x80\x80, F5-FF \xf5\xf8\xfe\xff end')
data = data.replace(b'@DIAG@', bad)
open(path, 'wb').write(data)
PY
}

# deliver NAME FILE TO: submit FILE from <> to TO; wait for one delivery to the bouncer.
deliver() {
    local name=$1 file=$2 to=$3 mark
    mark=$(maillog_mark)
    inject_file "" "$to" "$file" || fatal "$name: cannot submit to $TESTBED_SMTP"
    wait_for "[[ \$(pipe_sent $mark '$to') -ge 1 ]]" "$TIMEOUT" "$name: delivered to the bouncer" || true
    sleep 1
    assert_eq "$(bouncer_lines "$mark" "$to" | grep -c 'status=deferred' || true)" 0 \
        "$name: never deferred (recorded on its first delivery)"
    assert_eq "$(bouncer_lines "$mark" "$to" | grep -c 'status=sent' || true)" 1 "$name: delivered once"
}

# ---------------------------------------------------------------- (p1) 8-bit campaign

postfix_dsn "$VERP_CAMPAIGN" "$CAMPAIGN_MEMBER" 5.1.1 "550 5.1.1 <$CAMPAIGN_MEMBER>: User unknown" |
    sed 's/^X-Postfix-Queue-ID: .*/&\nOriginal-Envelope-Id: @ENVID@/; s/^Message-ID: \(.*\)/Message-ID: \1\nX-Verpmail-Campaign: @CAMPAIGN@/' \
        >"$E2E_TMP/campaign.eml"
poison "$E2E_TMP/campaign.eml"
grep -qa $'X-Verpmail-Campaign: spring-\xe9' "$E2E_TMP/campaign.eml" || fatal "p1: the poison header was not made"
deliver p1 "$E2E_TMP/campaign.eml" "$VERP_CAMPAIGN"
assert_eq "$(logs_of "$CAMPAIGN_MEMBER")" 1 "p1: one bounce_logs row for the member"
assert_eq "$(logs_of "$CAMPAIGN_MEMBER" "campaign IS NULL")" 1 "p1: campaign stored as NULL"
assert_eq "$(tracker_field "$CAMPAIGN_MEMBER" HardBounceCount)" 1 "p1: HardBounceCount 1"

# ---------------------------------------------------------------- (p2) invalid utf8mb4

postfix_dsn "$VERP_DIAG" "$DIAG_MEMBER" 5.1.1 "550 5.1.1 <$DIAG_MEMBER>: @DIAG@" >"$E2E_TMP/diag.eml"
poison "$E2E_TMP/diag.eml"
deliver p2 "$E2E_TMP/diag.eml" "$VERP_DIAG"
assert_eq "$(logs_of "$DIAG_MEMBER")" 1 "p2: one bounce_logs row for the member"
assert_eq "$(tracker_field "$DIAG_MEMBER" HardBounceCount)" 1 "p2: HardBounceCount 1"
# The refused sequences are each replaced by U+FFFD (EF BF BD), the rest is kept as
# utf8mb4 takes it (MariaDB accepts encoded surrogates, so those stay).
diag=$(sql_value "SELECT HEX(diagnostic) FROM bounce_logs WHERE email = $(sql_quote "$DIAG_MEMBER")")
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n' | tr '[:lower:]' '[:upper:]'; }
assert_match "$diag" "$(hex 'C0 lead ')(EFBFBD){2}$(hex ', overlong E0 ')(EFBFBD){3}" "p2: C0 lead and overlong E0 replaced"
assert_match "$diag" "$(hex 'F5-FF ')(EFBFBD){4}$(hex ' end')\$" "p2: F5-FF bytes replaced, the text after them kept"
assert_no_match "$diag" "F4908080" "p2: no code point above U+10FFFF stored"

finish
