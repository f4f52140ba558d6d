#!/usr/bin/env bash
# admin_check: verpmail-admin check on the test bed, and each failure it must name
# (and the warning for a submission server that offers CHUNKING).
#
#   (a) check passes on the test bed (exit 0, no FAIL line, a summary line)
#       (LMTP or pipe test bed, $TESTBED_BOUNCER)
#   (b) on copies of the configuration, never the test bed's own files, check exits
#       78 and names the file and the fix for: the MySQL option file at 0644; a VERP
#       key the bouncer's user (nobody) cannot read; a wrong database
#       password; a copy of the Postfix configuration whose transport map lacks the
#       bounce domain (postfix.configDirectory); a key backup that differs; the
#       LMTP server stopped
#   (c) check --return MEMBER: a synthetic return through Postfix and the bouncer is
#       recorded (type none: it counts against no one); a non-member exits 65
source "$(dirname "$0")/lib.sh"

require_programs verpmail-send verpmail-admin verpmail-bouncer

readonly RUN=ac$E2E_RUN_ID
readonly LIST=ac-$E2E_RUN_ID
readonly MEMBER=m@$RUN.accept.test
readonly PFDIR=postfix.configDirectory=$TESTBED_POSTFIX_CONFIG
ETC=$(dirname "$VERPMAIL_CONFIG")
readonly ETC
# The bouncer's user must reach the copies, as it reaches the test bed's etc.
chmod 0755 "$E2E_TMP"

# check_run DESCRIPTION WANT ARGS...: verpmail-admin with the configuration
# $CHECK_CONFIG (default: the test bed's); output in CHECK_OUT.
CHECK_OUT=
CHECK_CONFIG=$VERPMAIL_CONFIG
check_run() {
    local desc=$1 want=$2 rc=0
    shift 2
    CHECK_OUT=$("$TESTBED_BIN/verpmail-admin" --config "$CHECK_CONFIG" "$@" 2>"$E2E_TMP/stderr") || rc=$?
    assert_eq "$rc" "$want" "$desc: exit $want"
    if [[ $rc != "$want" ]]; then
        printf '%s\n' "--- stdout:" "$CHECK_OUT" "--- stderr:"
        cat "$E2E_TMP/stderr"
    fi
}
# expect_line DESCRIPTION REGEX: one output line matches.
expect_line() {
    if grep -Eq -- "$2" <<<"$CHECK_OUT"; then
        ok "$1"
    else
        fail "$1: no line matches /$2/ in:"$'\n'"$CHECK_OUT"
    fi
}
# A regex that matches the text itself (paths hold dots).
re() { sed 's/[][\.*^$+?(){}|/]/\\&/g' <<<"$1"; }

# ------------------------------------------------------------------ (a) passes
check_run "a: check on the test bed" 0 --define "$PFDIR" check
expect_line "a: the configuration is parsed" '^ok +check=config '
if [[ ${TESTBED_BOUNCER:-lmtp} == lmtp ]]; then
    expect_line "a: the transport map routes the bounce domain" '^ok +check=postfix\.transport .*bounces\.test -> verpmail-lmtp:unix:'
    expect_line "a: the policy service is wired" '^ok +check=postfix\.policy '
    expect_line "a: the bouncer's user is the LMTP socket's owner" '^ok +check=bouncer\.user found="nobody \(the owner of '
    expect_line "a: the LMTP server answers LHLO" '^ok +check=daemon\.lmtp '
    expect_line "a: the policy service answers" '^ok +check=daemon\.policy .*action='
    expect_line "a: Postfix opens no more LMTP connections than the bouncer serves" \
        '^ok +check=postfix\.lmtp\.concurrency found="verpmail-lmtp_destination_concurrency_limit = 10, bouncer\.lmtp\.threads = 10"'
else
    expect_line "a: the transport map routes the bounce domain" '^ok +check=postfix\.transport .*bounces\.test -> verpmail:'
    expect_line "a: the pipe service runs as nobody" '^ok +check=postfix\.service\.verpmail found="pipe\(8\) service, user=nobody'
    expect_line "a: one recipient per pipe delivery" '^ok +check=postfix\.recipientLimit '
    expect_line "a: the bouncer's user is the pipe user" '^ok +check=bouncer\.user found="nobody \(master\.cf user=\)'
fi
expect_line "a: the key is readable by root and nobody" '^ok +check=file\.verp\.keyFile .*readable by root, nobody'
expect_line "a: the unsubscribe key too (the mailto link uses {token})" \
    '^ok +check=file\.unsubscribe\.keyFile .*readable by root, nobody'
expect_line "a: the bouncer's option file connects" '^ok +check=database\.bouncer\.mysql\.optionFile .*verpmail_bouncer@'
expect_line "a: the schema is current" '^ok +check=database\.schema '
expect_line "a: the sender's listener answers EHLO without CHUNKING" \
    "^ok +check=smtp\\.server found=\"$(re "$TESTBED_SMTP") answers EHLO without CHUNKING\""
expect_line "a: summary ok, nothing failed" '^check result=ok passed=[0-9]+ warnings=[0-9]+ failed=0$'
assert_no_match "$CHECK_OUT" 'FAIL' "a: no FAIL line"
# The AUTH smtpd offers CHUNKING, as Postfix does unless told otherwise.
check_run "a: check with smtp.server offering CHUNKING" 0 --define "$PFDIR" --define "smtp.server=$TESTBED_SMTP_AUTH" check
expect_line "a: ... warns and names postfix-setup --submission" \
    "^warn +check=smtp\\.chunking found=\"$(re "$TESTBED_SMTP_AUTH") offers CHUNKING.*fix=\".*postfix-setup --submission"
check_run "a: check with nothing listening at smtp.server" 78 --define "$PFDIR" --define "smtp.server=127.0.0.1:1" check
expect_line "a: ... fails and names smtp.server" '^FAIL check=smtp\.server found="127\.0\.0\.1:1: .*fix="start Postfix, or correct smtp\.server"'
if [[ ${TESTBED_BOUNCER:-lmtp} == lmtp ]]; then
    check_run "a: check with fewer bouncer threads than Postfix's LMTP concurrency" 0 \
        --define "$PFDIR" --define bouncer.lmtp.threads=4 check
    expect_line "a: ... warns and says what to set" \
        "^warn +check=postfix\\.lmtp\\.concurrency .*threads \\(4\\).*verpmail-lmtp_destination_concurrency_limit = 4"
fi

# ------------------------------------------------------------------ (b) failures
# my.cnf at 0644 (a copy, referenced from a copy of the properties file).
cp -p "$ETC/my.cnf" "$E2E_TMP/my.cnf"
chmod 0644 "$E2E_TMP/my.cnf"
sed "s#^mysql.optionFile *=.*#mysql.optionFile = $E2E_TMP/my.cnf#" "$VERPMAIL_CONFIG" >"$E2E_TMP/open.properties"
CHECK_CONFIG=$E2E_TMP/open.properties
check_run "b: my.cnf at 0644" 78 --define "$PFDIR" check
CHECK_CONFIG=$VERPMAIL_CONFIG
expect_line "b: my.cnf at 0644 is named with the fix" \
    "^FAIL check=file\.mysql\.optionFile file=\"$(re "$E2E_TMP/my.cnf")\" found=\"mode 0644.*fix=\"chmod 600 $(re "$E2E_TMP/my.cnf")\""
expect_line "b: summary FAIL" '^check result=FAIL .*failed=[1-9]'

# A key the bouncer's user (nobody) cannot read: root's, mode 0600.
cp -p "$ETC/verp.key" "$E2E_TMP/verp.key"
chown root "$E2E_TMP/verp.key"
check_run "b: key unreadable by the bouncer" 78 --define "$PFDIR" --define "verp.keyFile=$E2E_TMP/verp.key" check
expect_line "b: the key file nobody cannot read is named with the fix" \
    "^FAIL check=file\.verp\.keyFile file=\"$(re "$E2E_TMP/verp.key")\" found=\".*nobody cannot read it\" fix=\"chown nobody $(re "$E2E_TMP/verp.key")"

# An unsubscribe key the bouncer cannot read, while the mailto link needs it checked.
cp -p "$ETC/unsubscribe.key" "$E2E_TMP/unsubscribe.key"
chown root "$E2E_TMP/unsubscribe.key"
check_run "b: unsubscribe key unreadable by the bouncer" 78 --define "$PFDIR" \
    --define "unsubscribe.keyFile=$E2E_TMP/unsubscribe.key" check
expect_line "b: ... named with the fix" \
    "^FAIL check=file\.unsubscribe\.keyFile file=\"$(re "$E2E_TMP/unsubscribe.key")\" found=\".*nobody cannot read it\" fix=\"chown nobody"

# A wrong database password.
sed 's/^password=.*/password=wrong-password/' "$ETC/my.cnf" >"$E2E_TMP/wrong.cnf"
chmod 0600 "$E2E_TMP/wrong.cnf"
check_run "b: wrong database password" 78 --define "$PFDIR" --define "mysql.optionFile=$E2E_TMP/wrong.cnf" check
expect_line "b: the wrong password names the option file and the fix" \
    "^FAIL check=database\.mysql\.optionFile file=\"$(re "$E2E_TMP/wrong.cnf")\" found=\"the server refused .*Access denied.*fix=\"correct user= and password= in $(re "$E2E_TMP/wrong.cnf")"

# The bouncer's option file (its user's, not root's) with a wrong password: named as
# it is, not as the private copy check connects with.
sed 's/^password=.*/password=wrong-password/' "$ETC/bouncer.cnf" >"$E2E_TMP/bouncer.cnf"
chown nobody "$E2E_TMP/bouncer.cnf"
chmod 0600 "$E2E_TMP/bouncer.cnf"
check_run "b: wrong password in the bouncer's option file" 78 --define "$PFDIR" \
    --define "bouncer.mysql.optionFile=$E2E_TMP/bouncer.cnf" check
expect_line "b: the bouncer's option file is named with the fix" \
    "^FAIL check=database\.bouncer\.mysql\.optionFile file=\"$(re "$E2E_TMP/bouncer.cnf")\" found=\"the server refused bouncer: .*Access denied.*fix=\"correct user= and password= in $(re "$E2E_TMP/bouncer.cnf")"
assert_no_match "$CHECK_OUT" 'verpmail-check\.' "b: the temporary copy is never named"

# A copy of the Postfix configuration whose transport map lacks the bounce domain.
cp -a "$TESTBED_POSTFIX_CONFIG" "$E2E_TMP/postfix"
sed -i "s#$TESTBED_POSTFIX_CONFIG#$E2E_TMP/postfix#g" "$E2E_TMP/postfix/main.cf"
sed -i "/^${TESTBED_BOUNCE_DOMAIN}[[:space:]]/d" "$E2E_TMP/postfix/transport"
check_run "b: transport map without the bounce domain" 78 \
    --define "postfix.configDirectory=$E2E_TMP/postfix" check
expect_line "b: the missing transport entry is named with the fix" \
    "^FAIL check=postfix\.transport found=\"no entry for $TESTBED_BOUNCE_DOMAIN in transport_maps \(texthash:$(re "$E2E_TMP/postfix/transport")\).*fix=\"add \\\\\"$TESTBED_BOUNCE_DOMAIN verpmail-lmtp:"
assert_eq "$(grep -c "^${TESTBED_BOUNCE_DOMAIN}[[:space:]]" "$TESTBED_POSTFIX_CONFIG/transport")" 1 \
    "b: the test bed's own transport map is untouched"

# The key's backup: the same bytes pass, other bytes fail naming the copy.
cp -p "$ETC/verp.key" "$E2E_TMP/verp.key.backup"
check_run "b: a matching key backup" 0 --define "$PFDIR" --define "verp.keyBackupFile=$E2E_TMP/verp.key.backup" check
expect_line "b: the key backup matches" "^ok +check=key\.backup file=\"$(re "$E2E_TMP/verp.key.backup")\" found=\"holds the same key"
head -c 32 /dev/urandom >"$E2E_TMP/other.key"
chmod 0600 "$E2E_TMP/other.key"
check_run "b: a stale key backup" 78 --define "$PFDIR" --define "verp.keyBackupFile=$E2E_TMP/other.key" check
expect_line "b: the stale backup is named with the fix" \
    "^FAIL check=key\.backup file=\"$(re "$E2E_TMP/other.key")\" found=\"differs from .*fix=\".*cp -p "

# The LMTP server stopped: its check fails and says to start it.
if [[ ${TESTBED_BOUNCER:-lmtp} == lmtp ]]; then
    testbed lmtp-stop
    check_run "b: LMTP server stopped" 78 --define "$PFDIR" --define bouncer.user=nobody check
    testbed lmtp-start
    expect_line "b: the silent LMTP socket is named with the fix" \
        "^FAIL check=daemon\.lmtp found=\"unix:$(re "$TESTBED_LMTP_SOCKET"): .*fix=\"start verpmail-bouncer --lmtp"
fi

# ------------------------------------------------------------------ (c) --return
run_ok "list create $LIST" vadmin list create "$LIST" --from list@lists.example.test || fatal "list create"
run_ok "members add $MEMBER" vadmin members add "$LIST" "$MEMBER" || fatal "members add"
run_ok "send to $MEMBER" vsend --list "$LIST" --message "$E2E_DATA/message.eml" --json || fatal "send failed"
check_run "c: check --return $MEMBER" 0 check --return "$MEMBER"
expect_line "c: the return went to the member's VERP address" \
    "^ok +check=return\.submit .*took a delay notice to $(re "$(verp_of "$MEMBER")")"
expect_line "c: the recorded row is shown" '^ok +check=return\.recorded found="bounce_logs id=[0-9]+ type=none reason='
id=$(sed -n 's/.*check=return\.recorded found="bounce_logs id=\([0-9]*\) .*/\1/p' <<<"$CHECK_OUT")
assert_eq "$(sql_value "SELECT CONCAT(email, ' ', bounce_type) FROM bounce_logs WHERE id = ${id:-0}")" \
    "$MEMBER none" "c: bounce_logs holds that row for the member, type none"
assert_eq "$(sql_value "SELECT HardBounceCount + SoftBounceCount FROM EmailAddressTracker
    WHERE EmailAddress = $(sql_quote "$MEMBER")")" 0 "c: the synthetic return counts against no one"
check_run "c: check --return for a non-member" 65 check --return "nobody@$RUN.accept.test"
expect_line "c: the non-member is named" '^FAIL check=return\.member '
check_run "c: check with an operand" 64 check extra

finish
