# shellcheck shell=bash
# lib.sh: helpers for the end-to-end tests. Source it first thing:
#
#   source "$(dirname "$0")/lib.sh"
#
# The tests need a running test bed (scripts/testbed up) and root. Each test prints one
# "ok - ..." or "FAIL - ..." line per check and calls finish at the end: exit 0 when every
# check passed, 1 otherwise (with the mail log, the Postfix queue and verpmail.log dumped),
# 1 also when the test bed lacks a program the test needs (cannot_run).
set -euo pipefail
set -E

E2E_NAME=$(basename "$0" .sh)
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_REPO=$(cd "$E2E_DIR/../.." && pwd)
# shellcheck disable=SC2034 # used by the tests that source this file
E2E_DATA=$E2E_DIR/data
E2E_FAILS=0
E2E_CHECKS=0
E2E_FINISHED=0
E2E_LAST_ERR=

TESTBED_DIR=${TESTBED_DIR:-/tmp/verpmail-testbed}
if [[ ! -r $TESTBED_DIR/env ]]; then
    echo "FAIL - $E2E_NAME: no test bed in $TESTBED_DIR (run: scripts/testbed up)"
    exit 1
fi
# shellcheck source=/dev/null
source "$TESTBED_DIR/env"
# Set by the env file: TESTBED_BIN VERPMAIL_CONFIG TESTBED_MYSQL TESTBED_MAILLOG ...
# shellcheck disable=SC2153
: "${TESTBED_BIN:?} ${VERPMAIL_CONFIG:?} ${TESTBED_MYSQL:?} ${TESTBED_MAILLOG:?}"
TESTBED_SCRIPT=${TESTBED_SCRIPT:-$E2E_REPO/scripts/testbed}

# A short id that makes list names and addresses unique per run, so that a test can run
# again on the same test bed and next to the other tests.
# shellcheck disable=SC2034
E2E_RUN_ID=$(printf '%x%x' "$(date +%s)" "$$")
E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/e2e-$E2E_NAME.XXXXXX")

# ------------------------------------------------------------------ reporting

ok() {
    E2E_CHECKS=$((E2E_CHECKS + 1))
    echo "ok - $*"
}

fail() {
    E2E_CHECKS=$((E2E_CHECKS + 1))
    E2E_FAILS=$((E2E_FAILS + 1))
    echo "FAIL - $*"
}

note() { echo "# $*"; }

# fatal MESSAGE: a failure after which the rest of the test makes no sense.
fatal() {
    fail "$*"
    exit 1
}

# cannot_run MESSAGE: the test bed lacks what the test needs. A failure, never a skip:
# a test that quietly does not run proves nothing.
cannot_run() {
    fatal "$E2E_NAME cannot run: $*"
}

dump_diagnostics() {
    echo "---------------- diagnostics for $E2E_NAME ----------------"
    echo "--- tail of $TESTBED_MAILLOG"
    tail -n 60 "$TESTBED_MAILLOG" 2>/dev/null || true
    echo "--- postqueue -p"
    local queue
    queue=$(postqueue -c "$TESTBED_POSTFIX_CONFIG" -p 2>&1) || true
    printf '%s\n' "$queue" | head -n 60
    echo "--- tail of $TESTBED_VERPMAIL_LOG"
    tail -n 60 "$TESTBED_VERPMAIL_LOG" 2>/dev/null || true
    echo "--- testbed status"
    "$TESTBED_SCRIPT" status 2>&1 || true
    echo "------------------------------------------------------------"
}

e2e_on_exit() {
    local rc=$?
    set +e
    rm -rf "$E2E_TMP"
    if ((E2E_FINISHED)); then
        return
    fi
    echo "FAIL - $E2E_NAME aborted (exit $rc)${E2E_LAST_ERR:+ after: $E2E_LAST_ERR}"
    dump_diagnostics
    exit 1
}
trap e2e_on_exit EXIT
trap 'E2E_LAST_ERR="line $LINENO: $BASH_COMMAND"' ERR

# finish: the test's last line.
finish() {
    E2E_FINISHED=1
    if ((E2E_FAILS > 0)); then
        dump_diagnostics
        echo "FAIL - $E2E_NAME: $E2E_FAILS of $E2E_CHECKS checks failed"
        exit 1
    fi
    echo "ok - $E2E_NAME: all $E2E_CHECKS checks passed"
    exit 0
}

# ------------------------------------------------------------------ assertions

# check DESCRIPTION COMMAND...: ok when COMMAND succeeds.
check() {
    local desc=$1
    shift
    if "$@"; then ok "$desc"; else fail "$desc"; fi
}

# assert_eq GOT WANT DESCRIPTION
assert_eq() {
    if [[ $1 == "$2" ]]; then
        ok "$3"
    else
        fail "$3: got '$1', want '$2'"
    fi
}

# assert_ge GOT MIN DESCRIPTION (integers)
assert_ge() {
    if [[ $1 =~ ^-?[0-9]+$ ]] && (($1 >= $2)); then
        ok "$3"
    else
        fail "$3: got '$1', want >= $2"
    fi
}

# assert_match TEXT REGEX DESCRIPTION
assert_match() {
    if [[ $1 =~ $2 ]]; then
        ok "$3"
    else
        fail "$3: '$1' does not match /$2/"
    fi
}

# assert_no_match TEXT REGEX DESCRIPTION
assert_no_match() {
    if [[ $1 =~ $2 ]]; then
        fail "$3: '$1' matches /$2/"
    else
        ok "$3"
    fi
}

# wait_for CONDITION TIMEOUT [DESCRIPTION]: evaluate the shell CONDITION every 0.2 s
# until it succeeds (ok, return 0) or TIMEOUT seconds pass (FAIL, return 1).
wait_for() {
    local condition=$1 timeout=$2 desc=${3:-$1} start now
    start=$(date +%s%N)
    while true; do
        if eval "$condition" >/dev/null 2>&1; then
            now=$(date +%s%N)
            ok "$desc ($(((now - start) / 1000000)) ms)"
            return 0
        fi
        now=$(date +%s%N)
        if (((now - start) / 1000000000 >= timeout)); then
            fail "$desc: not true after $timeout s"
            return 1
        fi
        sleep 0.2
    done
}

# ------------------------------------------------------------------ database

# sql STATEMENTS: run on the test bed's verpmail database; tab-separated rows, no header.
sql() {
    # shellcheck disable=SC2086 # TESTBED_MYSQL is a command line
    $TESTBED_MYSQL <<<"$1"
}

# sql_value STATEMENT: the first column of the first row ("" when there is none).
sql_value() {
    local out
    out=$(sql "$1") || return 1
    out=${out%%$'\n'*}
    printf '%s\n' "${out%%$'\t'*}"
}

sql_quote() {
    local s=${1//\\/\\\\}
    printf "'%s'" "${s//\'/\'\'}"
}

# ------------------------------------------------------------------ programs

require_programs() {
    local prog
    for prog in "$@"; do
        [[ -x $TESTBED_BIN/$prog ]] || cannot_run "$TESTBED_BIN/$prog is not built"
    done
}

# vsend/vadmin ARGS...: the programs with the test bed's configuration. stderr goes to
# $E2E_TMP/stderr, shown by run_ok on failure.
vsend() { "$TESTBED_BIN/verpmail-send" --config "$VERPMAIL_CONFIG" "$@"; }
vadmin() { "$TESTBED_BIN/verpmail-admin" --config "$VERPMAIL_CONFIG" "$@"; }

# run_ok DESCRIPTION COMMAND...: run COMMAND, keep its stdout in RUN_OUT; ok on exit 0,
# else FAIL with its output.
RUN_OUT=
RUN_RC=0
run_ok() {
    local desc=$1
    shift
    RUN_RC=0
    RUN_OUT=$("$@" 2>"$E2E_TMP/stderr") || RUN_RC=$?
    if ((RUN_RC == 0)); then
        ok "$desc"
        return 0
    fi
    fail "$desc: exit $RUN_RC"
    printf '%s\n' "--- stdout:" "$RUN_OUT" "--- stderr:"
    cat "$E2E_TMP/stderr"
    return 1
}

# run_status DESCRIPTION STATUS COMMAND...: like run_ok, but ok when COMMAND exits
# with STATUS; its stderr stays in $E2E_TMP/stderr.
run_status() {
    local desc=$1 want=$2
    shift 2
    RUN_RC=0
    RUN_OUT=$("$@" 2>"$E2E_TMP/stderr") || RUN_RC=$?
    if ((RUN_RC == want)); then
        ok "$desc"
        return 0
    fi
    fail "$desc: exit $RUN_RC, want $want"
    printf '%s\n' "--- stdout:" "$RUN_OUT" "--- stderr:"
    cat "$E2E_TMP/stderr"
    return 1
}

# json_get JSON PATH: the value at a dotted PATH ("a.b.0"); objects and arrays as JSON,
# a missing key as nothing with status 1.
json_get() {
    python3 - "$1" "$2" <<'PY'
import json, sys
value = json.loads(sys.argv[1])
for key in filter(None, sys.argv[2].split(".")):
    try:
        value = value[int(key)] if isinstance(value, list) else value[key]
    except (KeyError, IndexError, ValueError, TypeError):
        sys.exit(1)
if isinstance(value, (dict, list)):
    print(json.dumps(value, sort_keys=True))
elif isinstance(value, bool):
    print("true" if value else "false")
elif value is not None:
    print(value)
PY
}

# json_sum_values JSON: the sum of an object's values (suppressed_by_reason).
json_sum_values() {
    python3 -c 'import json, sys; print(sum(json.loads(sys.argv[1]).values()))' "$1"
}

# ------------------------------------------------------------------ Postfix

# maillog_mark: the mail log's current size; maillog_since MARK prints what came after.
# wait_all SECONDS PID...: waits for each background PID (of this shell, so not
# from a subshell) and leaves their exit statuses, in order, in STATUSES. One still
# running SECONDS after the call is a failure: it is named, stopped (SIGTERM, then
# SIGKILL) and its status is what that left.
STATUSES=()
wait_all() {
    local within=$1 pid rc deadline
    shift
    deadline=$((SECONDS + within))
    STATUSES=()
    for pid in "$@"; do
        while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
        if kill -0 "$pid" 2>/dev/null; then
            fail "process $pid still runs ${within} s after it was waited for: stopping it"
            kill -TERM "$pid" 2>/dev/null || true
            sleep 5
            kill -KILL "$pid" 2>/dev/null || true
        fi
        rc=0
        wait "$pid" || rc=$?
        STATUSES+=("$rc")
    done
}

# check_delivered_once LABEL MARK MEMBERS_FILE [UNCERTAIN_FILE]: from Postfix's log
# since MARK, every address in MEMBERS_FILE got at most one message (delivered to a
# sink), and each one not listed in UNCERTAIN_FILE got one.
check_delivered_once() {
    local label=$1 mark=$2 members=$3 uncertain=${4:-/dev/null} want per
    want=$(($(wc -l <"$members") - $(sort -u "$uncertain" | grep -c . || true)))
    delivered_counts() {
        maillog_since "$mark" | grep -o 'to=<[^>]*>, relay=127.0.0.1\[127.0.0.1\]:[0-9]*,.*status=sent' |
            sed -E 's/^to=<([^>]*)>.*/\1/' | grep -Fxf "$members" | sort | uniq -c
    }
    wait_for "[[ \$(delivered_counts | wc -l) -ge $want ]]" 120 "$label: Postfix delivered the messages" || true
    testbed wait-queue-idle 60 >/dev/null 2>&1 || true
    per=$(delivered_counts)
    assert_eq "$(awk '$1 > 1' <<<"$per")" "" "$label: nobody received two messages"
    assert_eq "$(comm -23 <(sort "$members") <(awk '{print $2}' <<<"$per" | sort) | comm -23 - <(sort "$uncertain"))" "" \
        "$label: everybody not reported uncertain received a message"
}

maillog_mark() { stat -c %s "$TESTBED_MAILLOG"; }
maillog_since() { tail -c +"$(($1 + 1))" "$TESTBED_MAILLOG"; }
# vlog_mark / vlog_since MARK: the same for verpmail.log, where the programs log.
vlog_mark() { stat -c %s "$TESTBED_VERPMAIL_LOG"; }
vlog_since() { tail -c +"$(($1 + 1))" "$TESTBED_VERPMAIL_LOG"; }

# postqueue -p, captured first: grep -q on a pipe can SIGPIPE postqueue under pipefail.
queue_listing() { postqueue -c "$TESTBED_POSTFIX_CONFIG" -p 2>&1 || true; }

# inject FROM TO: one message submitted to the test bed's smtpd.
inject() {
    smtp-source -f "$1" -t "$2" -m 1 -S "e2e $E2E_NAME" "$TESTBED_SMTP"
}

testbed() { "$TESTBED_SCRIPT" "$@"; }

# inject_file FROM TO FILE: submit FILE as the message, verbatim, to the test bed's
# smtpd (FROM "" is the null sender <>, as returns have). For returns built by hand.
inject_file() {
    python3 - "$TESTBED_SMTP" "$1" "$2" "$3" <<'PY'
import smtplib, sys
host, port = sys.argv[1].rsplit(":", 1)
with open(sys.argv[4], "rb") as f:
    data = f.read()
with smtplib.SMTP(host, int(port), timeout=30) as s:
    s.sendmail(sys.argv[2], [sys.argv[3]], data)
PY
}

# The mail log's relay= of deliveries to the bouncer: the pipe service 'verpmail', or
# the LMTP server's socket (relay=HOST[/path/lmtp.sock]).
readonly BOUNCER_RELAY='relay=(verpmail|[^,]*lmtp\.sock\]),'

# bouncer_lines MARK ADDRESS: the mail log's delivery lines for ADDRESS at the bouncer
# (pipe or LMTP) since MARK.
bouncer_lines() {
    maillog_since "$1" | grep -F "to=<$2>, relay=" | grep -E "$BOUNCER_RELAY" || true
}

# pipe_sent MARK ADDRESS: how many deliveries to ADDRESS the bouncer finished
# (status=sent) since the mail log MARK, through pipe(8) or LMTP.
pipe_sent() {
    bouncer_lines "$1" "$2" | grep -c 'status=sent' || true
}

# tracker_field ADDRESS COLUMN: one EmailAddressTracker column of ADDRESS.
tracker_field() {
    sql_value "SELECT $2 FROM EmailAddressTracker WHERE EmailAddress = $(sql_quote "$1")"
}

# ------------------------------------------------------------------ returns

# verp_of ADDRESS: the member's VERP address, from the tracker row the sender wrote;
# status 1 when it has none (use: VERP=$(verp_of A) || fatal ...).
verp_of() {
    local encoded
    encoded=$(tracker_field "$1" EncodedFROM) || return 1
    [[ $encoded == sentto-* ]] || return 1
    printf '%s@%s\n' "$encoded" "$TESTBED_BOUNCE_DOMAIN"
}

# campaign_dsn ADDRESS STATUS DIAGNOSTIC CAMPAIGN: a Postfix DSN for the member ADDRESS
# whose returned headers name CAMPAIGN, through Postfix to the bouncer (fatal when the
# member has no VERP address or the submission fails).
campaign_dsn() {
    local verp
    verp=$(verp_of "$1") || fatal "no VERP address for $1"
    postfix_dsn "$verp" "$1" "$2" "$3" |
        sed "s/^X-Verpmail-Envelope: .*/&\nX-Verpmail-Campaign: $4/" >"$E2E_TMP/dsn.eml"
    inject_file "" "$verp" "$E2E_TMP/dsn.eml" || fatal "cannot submit a DSN"
}

# postfix_dsn VERP RECIPIENT STATUS DIAGNOSTIC: a DSN as Postfix's bounce(8) writes it
# (docs: ../shared/research/testbed.md 4.1), with the original's headers returned.
postfix_dsn() {
    local verp=$1 rcpt=$2 status=$3 diag=$4 id
    id=$(printf '%X' "$RANDOM$RANDOM")
    cat <<EOF
Received: by mx.remote.example (Postfix)
	id $id; Sun, 22 Nov 2026 16:36:16 +0000 (UTC)
Date: Sun, 22 Nov 2026 16:36:16 +0000 (UTC)
From: Mail Delivery System <MAILER-DAEMON@mx.remote.example>
Subject: Undelivered Mail Returned to Sender
To: $verp
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="$id.1795365376/mx.remote.example"
Content-Transfer-Encoding: 8bit
Message-Id: <20261122163616.$id@mx.remote.example>

This is a MIME-encapsulated message.

--$id.1795365376/mx.remote.example
Content-Description: Notification
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

This is the mail system at host mx.remote.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

                   The mail system

<$rcpt>: host mx.accept.test[192.0.2.25] said: $diag (in reply
    to end of DATA command)

--$id.1795365376/mx.remote.example
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.remote.example
X-Postfix-Queue-ID: $id
X-Postfix-Sender: rfc822; $verp
Arrival-Date: Sun, 22 Nov 2026 16:36:15 +0000 (UTC)

Final-Recipient: rfc822; $rcpt
Original-Recipient: rfc822;$rcpt
Action: failed
Status: $status
Remote-MTA: dns; mx.accept.test
Diagnostic-Code: smtp; $diag

--$id.1795365376/mx.remote.example
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers
Content-Transfer-Encoding: 8bit

Return-Path: <$verp>
Received: from mta.example.test (mta.example.test [192.0.2.10])
	by mx.remote.example (Postfix) with ESMTP id $id
	for <$rcpt>; Sun, 22 Nov 2026 16:36:15 +0000 (UTC)
From: E2E Test List <list@lists.example.test>
To: <$rcpt>
Subject: verpmail end-to-end test
X-Verpmail-Envelope: <$verp>
Message-ID: <$id.$RANDOM@lists.example.test>

--$id.1795365376/mx.remote.example--
EOF
}


# arf_report VERP RECIPIENT [CAMPAIGN]: an abuse report (ARF, RFC 5965) as a mailbox
# provider's feedback loop sends it, with the original's headers returned (its
# X-Verpmail-Campaign when CAMPAIGN is given).
arf_report() {
    local verp=$1 rcpt=$2 campaign=${3:-} boundary=arf_$RANDOM$RANDOM
    cat <<EOF2
From: <fbl@mailbox.example>
To: <$verp>
Subject: FW: list mail
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="$boundary"

--$boundary
Content-Type: text/plain

This is an email abuse report.

--$boundary
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: MailboxFBL/2.0
Version: 1
Original-Rcpt-To: <$rcpt>

--$boundary
Content-Type: text/rfc822-headers

Return-Path: <$verp>
From: list@lists.example.test
To: $rcpt
X-Verpmail-Envelope: <$verp>
${campaign:+X-Verpmail-Campaign: $campaign
}Subject: list mail

--$boundary--
EOF2
}

# ------------------------------------------------------------------ verpmail-web's API

# api METHOD PATH TOKEN [CURL ARGS...]: prints the status code; the body is in
# $E2E_TMP/body, the headers in $E2E_TMP/headers. TOKEN "" sends no Authorization.
api() {
    local method=$1 path=$2 token=$3
    shift 3
    local auth=()
    [[ -n $token ]] && auth=(-H "Authorization: Bearer $token")
    curl -sS --max-time 20 --cacert "$TESTBED_TLS_CERT" -X "$method" -o "$E2E_TMP/body" -D "$E2E_TMP/headers" \
        -w '%{http_code}' "${auth[@]}" "$@" "$TESTBED_WEB$path"
}
body() { cat "$E2E_TMP/body"; }
header() { grep -i "^$1:" "$E2E_TMP/headers" | head -n 1 | cut -d: -f2- | tr -d '\r' | sed 's/^ *//'; }
# make_token VAR NAME ROLE: sets VAR to a new token (verpmail-admin token create).
make_token() {
    run_ok "token create $2" vadmin token create "$2" --role "$3" || fatal "token create $2"
    printf -v "$1" '%s' "$RUN_OUT"
}
