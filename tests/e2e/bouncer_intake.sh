#!/usr/bin/env bash
# bouncer_intake: returns collected in a catch-all mailbox instead of the pipe.
# verpmail-bouncer --mbox FILE / --maildir DIR, run as the mailbox's owner (nobody).
#
#   (i1) mbox: a DSN (X-Original-To the VERP address, ">From " quoting), an auto-reply
#        (only To: says the VERP address), a CRLF soft bounce, and a message that is
#        no return: exit 0, 3 rows attributed + 1 unattributed, FILE emptied and
#        FILE.processed holding the 4 messages; a rerun processes nothing; the
#        processed messages fed again count as duplicates only
#   (i2) mbox with MariaDB stopped: exit 75, FILE unchanged; once it is back, exit 0
#   (i3) Maildir (new/ and cur/): exit 0, rows recorded, messages in .processed/cur
#        with the S flag; a rerun processes nothing; MariaDB stopped: exit 75, the
#        messages stay in new/; once it is back, exit 0
#   (i4) a missing mbox, a directory that is no Maildir: 66; both options: 64
# shellcheck disable=SC2317 # functions called through traps and check
source "$(dirname "$0")/lib.sh"

require_programs verpmail-send verpmail-admin verpmail-bouncer

readonly RUN=bi$E2E_RUN_ID
readonly LIST=bi-$E2E_RUN_ID
readonly M1=$RUN-m1@accept.test M2=$RUN-m2@accept.test M3=$RUN-m3@accept.test
readonly CATCHALL=bounces-$RUN@catchall.example.test
readonly OWNER=nobody
# The mailbox owner must reach it: not under $E2E_TMP (root's 0700 mktemp dir).
WORK=$(mktemp -d "${TMPDIR:-/tmp}/e2e-intake-$RUN.XXXXXX")
readonly WORK
chown "$OWNER" "$WORK"

# Whatever happens, leave MariaDB running for the next test, and remove the mailboxes.
cleanup() {
    testbed mariadb-start >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap 'rc=$?; cleanup; (exit $rc); e2e_on_exit' EXIT

# intake ARGS...: verpmail-bouncer as the mailbox owner; INTAKE_OUT, INTAKE_RC.
INTAKE_OUT=
INTAKE_RC=0
intake() {
    INTAKE_RC=0
    INTAKE_OUT=$(cd "$WORK" && runuser -u "$OWNER" -- "$TESTBED_BIN/verpmail-bouncer" \
        --config "$VERPMAIL_CONFIG" "$@" 2>"$E2E_TMP/stderr") || INTAKE_RC=$?
    note "verpmail-bouncer $*: exit $INTAKE_RC: ${INTAKE_OUT#verpmail-bouncer: }"
    if ((INTAKE_RC != 0)); then note "stderr: $(grep -m1 '^verpmail-bouncer: ' "$E2E_TMP/stderr" || true)"; fi
}

# summary KEY: a number from the summary line ("... processed=4 ...").
summary() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$INTAKE_OUT"; }

logs_of() { sql_value "SELECT COUNT(*) FROM bounce_logs WHERE email = $(sql_quote "$1") ${2:+AND $2}"; }
unattributed() {
    sql_value "SELECT COUNT(*) FROM bounce_logs WHERE bounce_type = 'unattributed'
        AND envelope_recipient = $(sql_quote "$CATCHALL")"
}
all_rows() {
    sql_value "SELECT COUNT(*) FROM bounce_logs WHERE email LIKE '$RUN-%'
        OR envelope_recipient = $(sql_quote "$CATCHALL")"
}

# local_delivery VERP: the headers Postfix local(8) puts on top of a message for a
# catch-all alias (virtual_alias_maps: @bounces.test -> the catch-all mailbox).
local_delivery() {
    printf 'Return-Path: <>\nDelivered-To: %s\nX-Original-To: %s\n' "$CATCHALL" "$1"
}

auto_reply() {
    cat <<EOF
From: Member Two <$M2>
To: $1
Subject: Automatic reply: verpmail end-to-end test
Date: Sun, 22 Nov 2026 16:40:00 +0000
Message-ID: <ooo.$RANDOM.$RUN@accept.test>
Auto-Submitted: auto-replied
X-Auto-Response-Suppress: All
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

I am on leave until 1 December and will read your message when I am back.
EOF
}

not_a_return() {
    cat <<EOF
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

# mbox_entry SENDER: a "From " line, then stdin with body "From " lines quoted, then
# the empty separator line, as local(8) writes an mbox.
mbox_entry() {
    printf 'From %s Sun Nov 22 16:55:00 2026\n' "${1:-MAILER-DAEMON}"
    sed 's/^From />From /'
    printf '\n'
}

# ---------------------------------------------------------------- set-up

run_ok "list create $LIST" vadmin list create "$LIST" --from list@lists.example.test ||
    fatal "cannot create the list"
printf '%s\n' "$M1" "$M2" "$M3" >"$E2E_TMP/members"
run_ok "members import $LIST (3)" vadmin members import "$LIST" "$E2E_TMP/members" ||
    fatal "cannot import members"
run_ok "send" vsend --list "$LIST" --message "$E2E_DATA/message.eml" --json || fatal "send failed"
VERP1=$(verp_of "$M1") || fatal "no EncodedFROM for $M1"
VERP2=$(verp_of "$M2") || fatal "no EncodedFROM for $M2"
VERP3=$(verp_of "$M3") || fatal "no EncodedFROM for $M3"

# ---------------------------------------------------------------- (i1) mbox

MBOX=$WORK/bounces
{
    {
        local_delivery "$VERP1"
        postfix_dsn "$VERP1" "$M1" 5.1.1 "550 5.1.1 <$M1>: Recipient address rejected: User unknown"
        printf 'From the desk of the postmaster: this line is quoted in the mbox.\n'
    } | mbox_entry ""
    { printf 'Delivered-To: %s\n' "$CATCHALL"; auto_reply "$VERP2"; } | mbox_entry "$M2"
    {
        local_delivery "$VERP3"
        postfix_dsn "$VERP3" "$M3" 5.2.2 "552 5.2.2 <$M3>: Mailbox full"
    } | mbox_entry "" | sed 's/$/\r/'
    { printf 'Delivered-To: %s\n' "$CATCHALL"; not_a_return; } | mbox_entry news@shop.example
} >"$MBOX"
chown "$OWNER" "$MBOX"
chmod 0600 "$MBOX"
assert_eq "$(grep -c '^From ' "$MBOX")" 4 "i1: the mbox holds 4 messages"

intake --mbox "$MBOX"
assert_eq "$INTAKE_RC" 0 "i1: --mbox exit 0"
assert_eq "$(summary processed)/$(summary recorded)/$(summary unattributed)/$(summary left)" 4/3/1/0 \
    "i1: processed 4: recorded 3, unattributed 1, left 0"
assert_eq "$(logs_of "$M1" "bounce_type = 'hard' AND status_code = '5.1.1' AND envelope_recipient = '$VERP1'")" 1 \
    "i1: $M1 hard 5.1.1, envelope recipient from X-Original-To"
assert_eq "$(logs_of "$M2" "kind = 'autoreply'")" 1 "i1: $M2 auto-reply (VERP address from To:)"
assert_eq "$(logs_of "$M3" "bounce_type = 'soft' AND status_code = '5.2.2'")" 1 "i1: $M3 soft 5.2.2 (CRLF mbox)"
assert_eq "$(unattributed)" 1 "i1: the newsletter is stored unattributed"
assert_eq "$(tracker_field "$M1" BounceCount)" 1 "i1: $M1 BounceCount 1"
assert_eq "$(stat -c %s "$MBOX")" 0 "i1: the mbox is empty after the run"
assert_eq "$(grep -c '^From ' "$MBOX.processed" || true)" 4 "i1: $MBOX.processed holds the 4 messages"
check "i1: FILE.processed keeps the \">From \" quoting" grep -q '^>From the desk' "$MBOX.processed"
check "i1: no lock file is left" test ! -e "$MBOX.lock"
rows=$(all_rows)

intake --mbox "$MBOX"
assert_eq "$INTAKE_RC/$(summary messages)" 0/0 "i1: a rerun exits 0 and finds nothing"

# Fed again (an operator moving them back), they change nothing.
cp "$MBOX.processed" "$WORK/again"
chown "$OWNER" "$WORK/again"
intake --mbox "$WORK/again"
assert_eq "$INTAKE_RC/$(summary processed)/$(summary duplicate)" 0/4/4 "i1: processed again: 4 duplicates"
assert_eq "$(all_rows)" "$rows" "i1: no new bounce_logs rows"
assert_eq "$(tracker_field "$M1" BounceCount)" 1 "i1: $M1 BounceCount still 1"

# ---------------------------------------------------------------- (i2) mbox, database down

{
    { local_delivery "$VERP2"; postfix_dsn "$VERP2" "$M2" 5.1.1 "550 5.1.1 no such user"; } | mbox_entry ""
    { local_delivery "$VERP3"; postfix_dsn "$VERP3" "$M3" 5.2.2 "552 5.2.2 over quota"; } | mbox_entry ""
} >"$MBOX"
cp -p "$MBOX" "$E2E_TMP/mbox.before"
testbed mariadb-stop
intake --mbox "$MBOX"
assert_eq "$INTAKE_RC" 75 "i2: MariaDB stopped: exit 75"
check "i2: the mbox is unchanged" cmp -s "$MBOX" "$E2E_TMP/mbox.before"
assert_eq "$(grep -c '^From ' "$MBOX.processed" || true)" 4 "i2: nothing was added to FILE.processed"
testbed mariadb-start
intake --mbox "$MBOX"
assert_eq "$INTAKE_RC/$(summary recorded)/$(summary left)" 0/2/0 "i2: MariaDB back: exit 0, 2 recorded"
assert_eq "$(logs_of "$M2" "bounce_type = 'hard'")" 1 "i2: $M2 hard bounce recorded"
assert_eq "$(stat -c %s "$MBOX")" 0 "i2: the mbox is empty"

# ---------------------------------------------------------------- (i3) Maildir

MAILDIR=$WORK/Maildir
install -d -o "$OWNER" -m 0700 "$MAILDIR" "$MAILDIR/new" "$MAILDIR/cur" "$MAILDIR/tmp"
{ local_delivery "$VERP1"; postfix_dsn "$VERP1" "$M1" 5.1.1 "550 5.1.1 mailbox unavailable"; } \
    >"$MAILDIR/new/1700000001.M1P1.mx"
{ printf 'Delivered-To: %s\n' "$CATCHALL"; auto_reply "$VERP2"; } | sed 's/$/\r/' \
    >"$MAILDIR/cur/1700000002.M2P2.mx:2,S"
{ printf 'Delivered-To: %s\n' "$CATCHALL"; not_a_return; } >"$MAILDIR/new/1700000003.M3P3.mx"
chown -R "$OWNER" "$MAILDIR"
rows=$(all_rows)

intake --maildir "$MAILDIR"
assert_eq "$INTAKE_RC" 0 "i3: --maildir exit 0"
assert_eq "$(summary processed)/$(summary recorded)/$(summary unattributed)" 3/2/1 \
    "i3: processed 3: recorded 2, unattributed 1"
assert_eq "$(all_rows)" "$((rows + 3))" "i3: 3 new bounce_logs rows"
assert_eq "$(logs_of "$M1" "bounce_type = 'hard'")" 2 "i3: $M1 has its second hard bounce"
assert_eq "$(find "$MAILDIR/new" "$MAILDIR/cur" -type f | wc -l)" 0 "i3: new/ and cur/ are empty"
check "i3: moved to .processed/cur with the S flag" \
    test -f "$MAILDIR/.processed/cur/1700000001.M1P1.mx:2,S" -a -f "$MAILDIR/.processed/cur/1700000002.M2P2.mx:2,S"
intake --maildir "$MAILDIR"
assert_eq "$INTAKE_RC/$(summary messages)" 0/0 "i3: a rerun exits 0 and finds nothing"

{ local_delivery "$VERP3"; postfix_dsn "$VERP3" "$M3" 5.2.2 "552 5.2.2 quota exceeded"; } \
    >"$MAILDIR/new/1700000004.M4P4.mx"
{ local_delivery "$VERP2"; postfix_dsn "$VERP2" "$M2" 5.2.2 "552 5.2.2 quota exceeded"; } \
    >"$MAILDIR/new/1700000005.M5P5.mx"
chown -R "$OWNER" "$MAILDIR"
testbed mariadb-stop
intake --maildir "$MAILDIR"
assert_eq "$INTAKE_RC" 75 "i3: MariaDB stopped: exit 75"
assert_eq "$(find "$MAILDIR/new" -type f | wc -l)" 2 "i3: both messages stay in new/"
testbed mariadb-start
intake --maildir "$MAILDIR"
assert_eq "$INTAKE_RC/$(summary recorded)" 0/2 "i3: MariaDB back: exit 0, 2 recorded"
assert_eq "$(find "$MAILDIR/new" -type f | wc -l)" 0 "i3: new/ is empty"

# ---------------------------------------------------------------- (i4) bad input, usage

intake --mbox "$WORK/missing"
assert_eq "$INTAKE_RC" 66 "i4: a missing mbox: exit 66"
install -d -o "$OWNER" "$WORK/plain"
intake --maildir "$WORK/plain"
assert_eq "$INTAKE_RC" 66 "i4: a directory that is no Maildir: exit 66"
printf 'Subject: not an mbox\n\n' >"$WORK/text"
chown "$OWNER" "$WORK/text"
intake --mbox "$WORK/text"
assert_eq "$INTAKE_RC" 66 "i4: a file that is no mbox: exit 66"
intake --mbox "$MBOX" --maildir "$MAILDIR"
assert_eq "$INTAKE_RC" 64 "i4: --mbox with --maildir: exit 64"

finish
