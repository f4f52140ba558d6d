#!/usr/bin/env bash
# bouncer_garbage: the bouncer never turns bad input into a lost return.
#
#   input that is not a return (garbage text, empty, binary) to an address that is no
#   VERP token: exit 0, and a bounce_logs row with bounce_type 'unattributed' holding
#   at most bouncer.maxUnattributedBytes of it
#   configuration it cannot use: exit 75 and a "4.x.x reason" line on stdout, so that
#   Postfix keeps the return and retries it
#
# The bouncer runs in its pipe(8) form as the pipe user (nobody), with the arguments
# Postfix passes, whatever way the test bed delivers returns.
source "$(dirname "$0")/lib.sh"

require_programs verpmail-bouncer

readonly RUN=bg$E2E_RUN_ID
readonly PIPE_USER=nobody

# bouncer ARGS...: as pipe(8) runs it (user nobody, bare environment, cwd the queue).
bouncer() {
    (
        cd "$TESTBED_POSTFIX_QUEUE"
        runuser -u "$PIPE_USER" -- env -i LANG=C PATH=/usr/bin:/bin \
            MAIL_CONFIG="$TESTBED_POSTFIX_CONFIG" "$TESTBED_BIN/verpmail-bouncer" "$@"
    )
}

# A scratch directory the pipe user can read.
scratch=$TESTBED_DIR/tmp-$RUN
install -d -m 0755 "$scratch"
trap 'rc=$?; rm -rf "$scratch"; (exit $rc); e2e_on_exit' EXIT

unattributed() {
    sql_value "SELECT COUNT(*) FROM bounce_logs WHERE bounce_type = 'unattributed'"
}

# feed NAME: run the bouncer on $E2E_TMP/NAME as stdin for the recipient
# sentto-nonsense<run><name>@bounces.test; check exit 0 and one more unattributed
# row. (Not in a pipeline: ok/fail must run in this shell.)
feed() {
    local file=$E2E_TMP/$1 name=$1 recipient="sentto-nonsense$RUN$1@$TESTBED_BOUNCE_DOMAIN"
    local before after rc=0 out
    before=$(unattributed)
    out=$(bouncer --config "$VERPMAIL_CONFIG" -- MAILER-DAEMON "$recipient" \
        <"$file" 2>"$E2E_TMP/stderr") || rc=$?
    if ((rc == 0)); then
        ok "$name: exit 0"
    else
        fail "$name: exit $rc (want 0: Postfix would drop or retry it)"
        printf '%s\n' "--- stdout:" "$out" "--- stderr:"
        cat "$E2E_TMP/stderr"
    fi
    after=$(unattributed)
    assert_eq "$after" "$((before + 1))" "$name: one bounce_logs row with bounce_type unattributed"
    local stored size
    stored=$(sql_value "SELECT COALESCE(MAX(LENGTH(raw_message)), -1) FROM bounce_logs
        WHERE bounce_type = 'unattributed' AND envelope_recipient = '$recipient'")
    size=$(stat -c %s "$file")
    if ((stored >= 0 && stored <= 65536 && stored <= size)); then
        ok "$name: stored $stored of its $size bytes (at most 64 KiB for a stranger's mail)"
    else
        fail "$name: stored $stored bytes of $size (want at most min(size, 65536))"
    fi
    check "$name: logged by the bouncer" grep -q "recipient=<$recipient>" "$TESTBED_VERPMAIL_LOG"
}

# ------------------------------------------------------------------ not a return

printf 'this is not a mail message (%s)\njust some text\n' "$RUN" >"$E2E_TMP/garbage"
feed garbage
: >"$E2E_TMP/empty"
feed empty
{
    printf 'From: someone@example.test\nSubject: %s\n' "$RUN"
    head -c 200000 /dev/urandom
} >"$E2E_TMP/binary"
feed binary
printf 'From: a@b\nContent-Type: multipart/report; boundary="x"\n\n--x\nStatus: 5.1.1\n' >"$E2E_TMP/truncated-dsn"
feed truncated-dsn

# A return for a well-formed token that was never issued.
cat >"$E2E_TMP/forged" <<EOF
From: MAILER-DAEMON@mta.example.test
To: sentto-forged$RUN@$TESTBED_BOUNCE_DOMAIN
Subject: Undelivered Mail Returned to Sender
Content-Type: multipart/report; report-type=delivery-status; boundary="b$RUN"
MIME-Version: 1.0

--b$RUN
Content-Type: text/plain

Not delivered.
--b$RUN
Content-Type: message/delivery-status

Reporting-MTA: dns; mta.example.test

Final-Recipient: rfc822; nobody-$RUN@reject.test
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--b$RUN--
EOF
feed forged

# ------------------------------------------------------------------ unusable configuration

# expect_tempfail NAME ARGS...: exit 75 and stdout starting with 4.x.x.
expect_tempfail() {
    local name=$1 rc=0 out
    shift
    out=$(bouncer "$@" -- MAILER-DAEMON "sentto-nonsense$RUN@$TESTBED_BOUNCE_DOMAIN" \
        </dev/null 2>"$E2E_TMP/stderr") || rc=$?
    assert_eq "$rc" 75 "$name: exit 75 (EX_TEMPFAIL)"
    assert_match "${out%%$'\n'*}" '^4\.[0-9]{1,3}\.[0-9]{1,3}( |$)' "$name: stdout starts with a 4.x.x status"
    [[ -z $out ]] || note "$name: stdout: $out"
}

expect_tempfail "config /nonexistent" --config /nonexistent

# A readable configuration whose database credentials are wrong.
bad=$scratch
sed 's/^password=.*/password=wrong/' "$TESTBED_MYSQL_OPTION_FILE" >"$bad/my.cnf"
chown "$PIPE_USER" "$bad/my.cnf"
chmod 0600 "$bad/my.cnf"
sed "s|^mysql.optionFile *=.*|mysql.optionFile = $bad/my.cnf|; /^bouncer.mysql.optionFile/d" "$VERPMAIL_CONFIG" >"$bad/verpmail.properties"
chmod 0644 "$bad/verpmail.properties"
expect_tempfail "wrong database password" --config "$bad/verpmail.properties"

finish
