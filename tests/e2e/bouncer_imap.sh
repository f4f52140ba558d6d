#!/usr/bin/env bash
# bouncer_imap: returns in a mailbox on the test bed's Dovecot (IMAPS), read by
# verpmail-bouncer --imap as the mailbox's reader would run it from cron (nobody).
#
# The returns are Postfix's own DSNs: members at reject.test are sent to while the
# LMTP server is stopped, so the DSNs stay queued; they are taken from
# the queue (postcat), deleted there, and APPENDed to a mailbox of this run's own
# (--define bouncer.imap.url), with the headers a delivery agent adds.
#
#   (m0) the test bed's properties read its INBOX: exit 0
#   (m1) three DSNs and a message that is no return: exit 0, 3 rows
#        attributed + 1 unattributed, all four flagged $VerpmailRecorded and \Seen
#   (m2) a second run: exit 0, nothing read, no new rows
#   (m3) MariaDB stopped, two more DSNs: exit 75, both unflagged and not \Seen; once
#        it is back, the next run records both and flags them
#   (m4) after = move: a new DSN is recorded, the flagged ones are duplicates, all are
#        moved to another mailbox, flagged; the next run reads nothing
#   (m5) the password file readable by others, a wrong password: exit 75 naming the
#        file / the server's refusal, nothing flagged; --imap with --mbox: exit 64
# shellcheck disable=SC2317 # functions called through traps and check
source "$(dirname "$0")/lib.sh"

require_programs verpmail-send verpmail-admin verpmail-bouncer
[[ $TESTBED_BOUNCER == lmtp ]] || cannot_run "needs the LMTP test bed (it holds DSNs by stopping the LMTP server)"
: "${TESTBED_IMAP:?} ${TESTBED_IMAP_USER:?} ${TESTBED_IMAP_PASSWORD_FILE:?}"

readonly RUN=bm$E2E_RUN_ID
readonly LIST=bm-$E2E_RUN_ID
# shellcheck disable=SC2016 # an IMAP keyword, not a variable
readonly FLAG='$VerpmailRecorded'
readonly BOX=e2e-$RUN DONE=e2e-$RUN-done
readonly URL=imaps://$TESTBED_IMAP/$BOX
readonly CATCHALL=bounces-$RUN@catchall.example.test
readonly OWNER=nobody
MEMBERS=()
# reject.test only: a hard "user unknown" never counts toward a domain incident, so
# the tests after this one see no returns of it at full.test or anywhere else.
for i in 1 2 3 4 5 6; do MEMBERS+=("$RUN-r$i@reject.test"); done
readonly MEMBERS
WORK=$(mktemp -d "${TMPDIR:-/tmp}/e2e-imap-$RUN.XXXXXX")
readonly WORK

cleanup() {
    testbed mariadb-start >/dev/null 2>&1 || true
    testbed lmtp-start >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap 'rc=$?; cleanup; (exit $rc); e2e_on_exit' EXIT

# imap COMMAND MAILBOX [ARGS]: the test bed's Dovecot as its user (python3 imaplib):
#   create MAILBOX; append MAILBOX FILE; count MAILBOX [SEARCH CRITERIA...]
imap() {
    python3 - "$@" <<'PY'
import imaplib, os, ssl, sys
host, port = os.environ["TESTBED_IMAP"].rsplit(":", 1)
context = ssl.create_default_context(cafile=os.environ["TESTBED_TLS_CERT"])
with open(os.environ["TESTBED_IMAP_PASSWORD_FILE"]) as f:
    password = f.readline().rstrip("\n")
m = imaplib.IMAP4_SSL(host, int(port), ssl_context=context)
m.login(os.environ["TESTBED_IMAP_USER"], password)
command, box = sys.argv[1], sys.argv[2]
if command == "create":
    m.create(box)
elif command == "append":
    with open(sys.argv[3], "rb") as f:
        data = f.read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    status, answer = m.append(box, None, None, data)
    if status != "OK":
        sys.exit("APPEND: %s" % answer)
elif command == "count":
    status, answer = m.select(box, readonly=True)
    if status != "OK":
        sys.exit("SELECT %s: %s" % (box, answer))
    status, answer = m.uid("SEARCH", None, *(sys.argv[3:] or ["ALL"]))
    print(len(answer[0].split()))
m.logout()
PY
}

# bouncer_imap ARGS...: verpmail-bouncer --imap on this run's mailbox, as the owner;
# INTAKE_OUT, INTAKE_RC, INTAKE_ERR.
INTAKE_OUT=
INTAKE_RC=0
INTAKE_ERR=
bouncer_imap() {
    INTAKE_RC=0
    INTAKE_OUT=$(cd "$WORK" && runuser -u "$OWNER" -- "$TESTBED_BIN/verpmail-bouncer" --config "$VERPMAIL_CONFIG" \
        --define "bouncer.imap.url=$URL" "$@" 2>"$WORK/stderr") || INTAKE_RC=$?
    INTAKE_ERR=$(grep -m1 '^verpmail-bouncer: ' "$WORK/stderr" || true)
    note "verpmail-bouncer $*: exit $INTAKE_RC: ${INTAKE_OUT#verpmail-bouncer: }"
    if ((INTAKE_RC != 0)); then note "stderr: $INTAKE_ERR"; fi
}

summary() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$INTAKE_OUT"; }
logs_of() { sql_value "SELECT COUNT(*) FROM bounce_logs WHERE email = $(sql_quote "$1") ${2:+AND $2}"; }
all_rows() {
    sql_value "SELECT COUNT(*) FROM bounce_logs WHERE email LIKE '$RUN-%'
        OR envelope_recipient = $(sql_quote "$CATCHALL")"
}

# ---------------------------------------------------------------- the DSNs

# queued_dsns: "QUEUE_ID RECIPIENT" for each DSN queued for this run's VERP addresses.
queued_dsns() {
    postqueue -c "$TESTBED_POSTFIX_CONFIG" -j 2>/dev/null | python3 -c '
import json, sys
verps = set(sys.argv[1:])
for line in sys.stdin:
    entry = json.loads(line)
    for r in entry.get("recipients", []):
        if entry.get("sender") in ("", "MAILER-DAEMON") and r.get("address") in verps:
            print(entry["queue_id"], r["address"])
' "${VERPS[@]}"
}

# capture_dsns: every DSN for this run's members, from the queue into $WORK/dsn/VERP,
# with the delivery headers a local delivery agent adds; then deleted from the queue.
capture_dsns() {
    local id verp
    install -d "$WORK/dsn"
    # shellcheck disable=SC2016 # evaluated by wait_for
    wait_for '[[ $(queued_dsns | wc -l) -eq ${#VERPS[@]} ]]' 60 "${#VERPS[@]} DSNs queued for the bounce domain" ||
        fatal "the DSNs did not arrive"
    while read -r id verp; do
        {
            printf 'Return-Path: <>\nDelivered-To: %s\nX-Original-To: %s\n' "$CATCHALL" "$verp"
            postcat -c "$TESTBED_POSTFIX_CONFIG" -h -b -q "$id"
        } >"$WORK/dsn/$verp"
        postsuper -c "$TESTBED_POSTFIX_CONFIG" -d "$id" >/dev/null 2>&1
    done < <(queued_dsns)
}

not_a_return() {
    cat <<EOF
Delivered-To: $CATCHALL
From: Newsletter <news@shop.example>
To: $CATCHALL
Subject: Our best offers this week ($RUN)
Date: Sun, 22 Nov 2026 16:50:00 +0000
Message-ID: <news.$RANDOM.$RUN@shop.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Buy now.
EOF
}

# append VERP...: the captured DSNs of these VERP addresses into this run's mailbox.
append() {
    local verp
    for verp in "$@"; do
        imap append "$BOX" "$WORK/dsn/$verp" || fail "APPEND of the DSN to $verp"
    done
}

# ---------------------------------------------------------------- set-up

run_ok "list create $LIST" vadmin list create "$LIST" --from list@lists.example.test ||
    fatal "cannot create the list"
printf '%s\n' "${MEMBERS[@]}" >"$WORK/members"
run_ok "members import $LIST (${#MEMBERS[@]})" vadmin members import "$LIST" "$WORK/members" ||
    fatal "cannot import members"
testbed lmtp-stop
run_ok "send" vsend --list "$LIST" --message "$E2E_DATA/message.eml" --json || fatal "send failed"
VERPS=()
for member in "${MEMBERS[@]}"; do
    verp=$(verp_of "$member") || fatal "no EncodedFROM for $member"
    VERPS+=("$verp")
done
readonly VERPS
capture_dsns
testbed lmtp-start
check "the captured DSNs are Postfix's (multipart/report)" grep -q 'report-type=delivery-status' "$WORK/dsn/${VERPS[0]}"
imap create "$BOX"
imap create "$DONE"
chown -R "$OWNER" "$WORK"

# ---------------------------------------------------------------- (m0) the test bed's INBOX

INTAKE_RC=0
INTAKE_OUT=$(runuser -u "$OWNER" -- "$TESTBED_BIN/verpmail-bouncer" --config "$VERPMAIL_CONFIG" --imap \
    2>"$WORK/stderr") || INTAKE_RC=$?
assert_eq "$INTAKE_RC" 0 "m0: the test bed's properties read its INBOX ($(cat "$WORK/stderr"))"
assert_match "$INTAKE_OUT" "imap=imaps://$TESTBED_IMAP/INBOX messages=" "m0: the summary names the INBOX"

# ---------------------------------------------------------------- (m1) flag

append "${VERPS[0]}" "${VERPS[1]}" "${VERPS[5]}"
not_a_return >"$WORK/news.eml"
imap append "$BOX" "$WORK/news.eml"
rows=$(all_rows)
bouncer_imap --imap
assert_eq "$INTAKE_RC" 0 "m1: --imap exit 0"
assert_eq "$(summary messages)/$(summary recorded)/$(summary unattributed)/$(summary left)" 4/3/1/0 \
    "m1: 4 messages: 3 recorded, 1 unattributed, none left"
assert_eq "$(logs_of "${MEMBERS[0]}" "bounce_type = 'hard' AND status_code = '5.1.1'")" 1 "m1: ${MEMBERS[0]} hard 5.1.1"
assert_eq "$(logs_of "${MEMBERS[1]}" "bounce_type = 'hard'")" 1 "m1: ${MEMBERS[1]} hard"
assert_eq "$(logs_of "${MEMBERS[5]}" "bounce_type = 'hard'")" 1 "m1: ${MEMBERS[5]} hard"
assert_eq "$(all_rows)" "$((rows + 4))" "m1: 4 new bounce_logs rows (one unattributed)"
assert_eq "$(imap count "$BOX" KEYWORD "$FLAG" SEEN)" 4 "m1: all 4 are flagged $FLAG and \\Seen"

# ---------------------------------------------------------------- (m2) again

rows=$(all_rows)
bouncer_imap --imap
assert_eq "$INTAKE_RC/$(summary messages)" 0/0 "m2: a second run exits 0 and reads nothing"
assert_eq "$(all_rows)" "$rows" "m2: no new bounce_logs rows"
assert_eq "$(tracker_field "${MEMBERS[0]}" BounceCount)" 1 "m2: ${MEMBERS[0]} BounceCount still 1"

# ---------------------------------------------------------------- (m3) database down

append "${VERPS[2]}" "${VERPS[3]}"
testbed mariadb-stop
bouncer_imap --imap
assert_eq "$INTAKE_RC/$(summary left)" 75/2 "m3: MariaDB stopped: exit 75, 2 left"
assert_eq "$(imap count "$BOX" UNKEYWORD "$FLAG")" 2 "m3: both stay without $FLAG"
assert_eq "$(imap count "$BOX" UNSEEN)" 2 "m3: both stay unseen (fetched without setting \\Seen)"
testbed mariadb-start
bouncer_imap --imap
assert_eq "$INTAKE_RC/$(summary recorded)/$(summary left)" 0/2/0 "m3: MariaDB back: exit 0, 2 recorded"
assert_eq "$(logs_of "${MEMBERS[2]}" "bounce_type = 'hard'")/$(logs_of "${MEMBERS[3]}" "bounce_type = 'hard'")" 1/1 \
    "m3: ${MEMBERS[2]} and ${MEMBERS[3]} recorded once each"
assert_eq "$(imap count "$BOX" UNKEYWORD "$FLAG")" 0 "m3: every message is flagged now"

# ---------------------------------------------------------------- (m4) move

append "${VERPS[4]}"
bouncer_imap --imap --define bouncer.imap.after=move --define "bouncer.imap.moveTo=$DONE"
# after = move reads every message still in the mailbox (a recorded one whose move
# failed is moved by the next run): the 6 flagged ones count as duplicates, and go too.
assert_eq "$INTAKE_RC/$(summary messages)/$(summary recorded)/$(summary duplicate)" 0/7/1/6 \
    "m4: after = move: exit 0, 7 read: 1 recorded, 6 duplicates"
assert_eq "$(logs_of "${MEMBERS[4]}" "bounce_type = 'hard'")" 1 "m4: ${MEMBERS[4]} hard"
assert_eq "$(imap count "$DONE" KEYWORD "$FLAG")/$(imap count "$BOX")" 7/0 \
    "m4: all 7 moved to $DONE, flagged; $BOX is empty"
rows=$(all_rows)
bouncer_imap --imap --define bouncer.imap.after=move --define "bouncer.imap.moveTo=$DONE"
assert_eq "$INTAKE_RC/$(summary messages)" 0/0 "m4: a second run reads nothing"
assert_eq "$(all_rows)" "$rows" "m4: no new bounce_logs rows"

# ---------------------------------------------------------------- (m5) errors

append "${VERPS[0]}"
cp -p "$TESTBED_IMAP_PASSWORD_FILE" "$WORK/open.password"
chmod 0644 "$WORK/open.password"
bouncer_imap --imap --define "bouncer.imap.passwordFile=$WORK/open.password"
assert_eq "$INTAKE_RC" 75 "m5: a password file others can read: exit 75"
assert_match "$INTAKE_ERR" "open.password.*chmod 600" "m5: the error names the file and the fix"
printf 'wrong\n' >"$WORK/wrong.password"
chown "$OWNER" "$WORK/wrong.password"
chmod 0600 "$WORK/wrong.password"
bouncer_imap --imap --define "bouncer.imap.passwordFile=$WORK/wrong.password"
assert_eq "$INTAKE_RC" 75 "m5: a wrong password: exit 75"
bouncer_imap --imap --define bouncer.imap.url=imap://mail.example.test/INBOX --define bouncer.imap.tls=none
assert_eq "$INTAKE_RC" 75 "m5: plain IMAP to a host that is not loopback is refused: exit 75"
assert_match "$INTAKE_ERR" "loopback" "m5: the error says plain IMAP is for loopback only"
assert_eq "$(imap count "$BOX" UNKEYWORD "$FLAG")" 1 "m5: the new message is still unflagged"
bouncer_imap --imap --mbox "$WORK/members"
assert_eq "$INTAKE_RC" 64 "m5: --imap with --mbox: exit 64"

finish
