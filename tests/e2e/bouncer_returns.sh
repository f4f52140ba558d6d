#!/usr/bin/env bash
# bouncer_returns: returns other than a plain 5.1.1, built by hand on real formats and
# submitted to the test bed's smtpd, so that Postfix delivers them through the real
# verpmail pipe transport, as mail from other MTAs would arrive.
#
#   (r1) a DSN delivered twice (a remote MTA retransmitting it) is counted once:
#        BounceCount 1, one bounce_logs row, the second delivery logged as duplicate
#   (r2) an RFC 3834 auto-reply ("Out of office") is stored (kind autoreply) and counted
#        nowhere: BounceCount, HardBounceCount, SoftBounceCount, ComplaintCount stay 0
#   (r3) an RFC 5965 ARF report whose recipient is redacted, sent to an address that is
#        not the member's VERP address, is attributed through X-Verpmail-Envelope /
#        Return-Path in the returned original's headers; the next send suppresses the
#        member with reason complaint and 'report suppressed' lists it
#   (r4) a 5.7.1 spam block counts as a block only: BlockCount 1, HardBounceCount and
#        SoftBounceCount 0, and the next send still mails the member
# shellcheck disable=SC2317 # functions called through check and wait_for
source "$(dirname "$0")/lib.sh"

require_programs verpmail-send verpmail-admin verpmail-bouncer

readonly RUN=br$E2E_RUN_ID
readonly LIST=br-$E2E_RUN_ID
readonly DUP=$RUN-dup@accept.test AUTO=$RUN-auto@accept.test ARF=$RUN-arf@accept.test
readonly BLOCK=$RUN-block@accept.test
# The feedback-loop address the test bed accepts at the bounce domain (bouncer.acceptLocalParts).
readonly ABUSE=fbl@$TESTBED_BOUNCE_DOMAIN
readonly TIMEOUT=30

note "run $RUN, list $LIST"

logs_of() { sql_value "SELECT COUNT(*) FROM bounce_logs WHERE email = $(sql_quote "$1") ${2:+AND $2}"; }

# deliver NAME FILE TO WANT: submit FILE from <> to TO and wait until the pipe has
# delivered WANT messages to TO since the start of this test.
deliver() {
    local name=$1 file=$2 to=$3 want=$4
    inject_file "" "$to" "$file" || fatal "$name: cannot submit to $TESTBED_SMTP"
    wait_for "[[ \$(pipe_sent $START '$to') -ge $want ]]" "$TIMEOUT" \
        "$name: delivered through the verpmail pipe ($want)" || true
}

# ---------------------------------------------------------------- set-up

run_ok "list create $LIST" vadmin list create "$LIST" --from list@lists.example.test ||
    fatal "cannot create the list"
printf '%s\n' "$DUP" "$AUTO" "$ARF" "$BLOCK" >"$E2E_TMP/members"
run_ok "members import $LIST (4)" vadmin members import "$LIST" "$E2E_TMP/members" ||
    fatal "cannot import members"
run_ok "send 1" vsend --list "$LIST" --message "$E2E_DATA/message.eml" --json || fatal "send 1 failed"
assert_eq "$(json_get "$RUN_OUT" accepted || true)" 4 "send 1: 4 accepted"

VERP_DUP=$(verp_of "$DUP") || fatal "no EncodedFROM sentto-<token> for $DUP"
VERP_AUTO=$(verp_of "$AUTO") || fatal "no EncodedFROM sentto-<token> for $AUTO"
VERP_ARF=$(verp_of "$ARF") || fatal "no EncodedFROM sentto-<token> for $ARF"
VERP_BLOCK=$(verp_of "$BLOCK") || fatal "no EncodedFROM sentto-<token> for $BLOCK"
START=$(maillog_mark)

# ---------------------------------------------------------------- (r1) twice, counted once

postfix_dsn "$VERP_DUP" "$DUP" 5.1.1 "550 5.1.1 <$DUP>: Recipient address rejected: User unknown" \
    >"$E2E_TMP/dup.eml"
deliver "r1 first copy" "$E2E_TMP/dup.eml" "$VERP_DUP" 1
deliver "r1 second copy" "$E2E_TMP/dup.eml" "$VERP_DUP" 2
assert_eq "$(logs_of "$DUP")" 1 "r1: one bounce_logs row for $DUP"
assert_eq "$(tracker_field "$DUP" BounceCount)" 1 "r1: BounceCount 1"
assert_eq "$(tracker_field "$DUP" HardBounceCount)" 1 "r1: HardBounceCount 1"
assert_eq "$(sql_value "SELECT COUNT(*) FROM bounce_logs WHERE envelope_recipient = '$VERP_DUP'")" 1 \
    "r1: one bounce_logs row for $VERP_DUP"

# ---------------------------------------------------------------- (r2) auto-reply

cat >"$E2E_TMP/auto.eml" <<EOF
Received: from mx.accept.test (mx.accept.test [192.0.2.25])
	by mx.remote.example (Postfix) with ESMTP id 4Q1x2y3z;
	Sun, 22 Nov 2026 16:40:00 +0000 (UTC)
From: Auto Member <$AUTO>
To: $VERP_AUTO
Subject: Out of office: verpmail end-to-end test
Date: Sun, 22 Nov 2026 16:40:00 +0000
Message-ID: <ooo.$RUN@accept.test>
In-Reply-To: <$RUN.list@lists.example.test>
Auto-Submitted: auto-replied
X-Autoreply: yes
Precedence: bulk
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Thank you for your message. I am out of the office until Monday 30 November
with no access to e-mail. For urgent matters please contact the front desk.
EOF
deliver "r2 auto-reply" "$E2E_TMP/auto.eml" "$VERP_AUTO" 1
wait_for "[[ \$(logs_of '$AUTO') -ge 1 ]]" 10 "r2: auto-reply recorded" || true
assert_eq "$(logs_of "$AUTO" "kind = 'autoreply' AND bounce_type = 'autoreply'")" 1 \
    "r2: bounce_logs row kind autoreply, bounce_type autoreply"
for column in BounceCount HardBounceCount SoftBounceCount ComplaintCount; do
    assert_eq "$(tracker_field "$AUTO" "$column")" 0 "r2: $column stays 0"
done

# ---------------------------------------------------------------- (r3) redacted ARF

cat >"$E2E_TMP/arf.eml" <<EOF
Received: from fbl.mailbox.example (fbl.mailbox.example [192.0.2.80])
	by mx.remote.example (Postfix) with ESMTP id 4Rarf$RUN;
	Sun, 22 Nov 2026 16:45:00 +0000 (UTC)
From: Mailbox Provider Feedback Loop <fbl@mailbox.example>
To: $ABUSE
Subject: complaint about message from 192.0.2.10
Date: Sun, 22 Nov 2026 16:45:00 +0000
Message-ID: <arf.$RUN@fbl.mailbox.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report;
	boundary="arf_boundary_$RUN"

--arf_boundary_$RUN
Content-Type: text/plain; charset="US-ASCII"
Content-Transfer-Encoding: 7bit

This is an email abuse report for an email message received from IP
192.0.2.10 on Sun, 22 Nov 2026 16:36:15 +0000. For more information
about this format please see http://tools.ietf.org/html/rfc5965.

--arf_boundary_$RUN
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: MailboxFBL/2.0
Version: 1
Original-Rcpt-To: xxxxxxxx@example.com
Arrival-Date: Sun, 22 Nov 2026 16:36:15 +0000
Source-IP: 192.0.2.10
Reported-Domain: lists.example.test

--arf_boundary_$RUN
Content-Type: message/rfc822
Content-Disposition: inline

Return-Path: <$VERP_ARF>
Received: from mta.example.test (mta.example.test [192.0.2.10])
	by mx.mailbox.example with ESMTP id abc123;
	Sun, 22 Nov 2026 16:36:15 +0000
From: E2E Test List <list@lists.example.test>
To: xxxxxxxx@example.com
Subject: verpmail end-to-end test
X-Verpmail-Envelope: <$VERP_ARF>
Message-ID: <$RUN.arf@lists.example.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Hello,

this message was sent by verpmail's end-to-end tests.

--arf_boundary_$RUN--
EOF
deliver "r3 ARF to $ABUSE" "$E2E_TMP/arf.eml" "$ABUSE" 1
wait_for "[[ \$(logs_of '$ARF') -ge 1 ]]" 10 "r3: the complaint is attributed to $ARF" || true
assert_eq "$(logs_of "$ARF" "kind = 'complaint' AND bounce_type = 'complaint'")" 1 \
    "r3: bounce_logs row kind complaint"
assert_eq "$(tracker_field "$ARF" ComplaintCount)" 1 "r3: ComplaintCount 1"

# ---------------------------------------------------------------- (r4) 5.7.1 spam block

postfix_dsn "$VERP_BLOCK" "$BLOCK" 5.7.1 "550 5.7.1 Message rejected as spam" >"$E2E_TMP/block.eml"
deliver "r4 5.7.1 block" "$E2E_TMP/block.eml" "$VERP_BLOCK" 1
wait_for "[[ \$(logs_of '$BLOCK') -ge 1 ]]" 10 "r4: the block is recorded" || true
assert_eq "$(logs_of "$BLOCK" "bounce_type = 'block' AND status_code = '5.7.1'")" 1 \
    "r4: bounce_logs row block 5.7.1"
assert_eq "$(tracker_field "$BLOCK" BlockCount)" 1 "r4: BlockCount 1"
assert_eq "$(tracker_field "$BLOCK" HardBounceCount)" 0 "r4: HardBounceCount 0"
assert_eq "$(tracker_field "$BLOCK" SoftBounceCount)" 0 "r4: SoftBounceCount 0"

# ---------------------------------------------------------------- send 2: the policy

run_ok "send 2" vsend --list "$LIST" --message "$E2E_DATA/message.eml" --json || fatal "send 2 failed"
note "send 2: $RUN_OUT"
assert_eq "$(json_get "$RUN_OUT" accepted || true)" 2 "send 2: the auto-reply and block members are mailed"
assert_eq "$(json_get "$RUN_OUT" suppressed_by_reason.complaint || true)" 1 "send 2: one suppressed for complaint"
assert_eq "$(tracker_field "$ARF" MsgCount)" 1 "send 2: $ARF (complaint) not mailed"
assert_eq "$(tracker_field "$BLOCK" MsgCount)" 2 "send 2: $BLOCK (5.7.1 block) mailed"
assert_eq "$(tracker_field "$AUTO" MsgCount)" 2 "send 2: $AUTO (auto-reply) mailed"
assert_eq "$(tracker_field "$DUP" MsgCount)" 1 "send 2: $DUP (one hard bounce) not mailed"

if report=$(vadmin report suppressed --format json 2>"$E2E_TMP/stderr"); then
    reason=$(python3 -c '
import json, sys
rows = [r for r in json.loads(sys.argv[1]) if r["address"].lower() == sys.argv[2]]
print(rows[0].get("reason", "") if rows else "absent")' "$report" "$ARF")
    assert_eq "$reason" complaint "report suppressed lists $ARF with reason complaint"
    reason=$(python3 -c '
import json, sys
print("listed" if any(r["address"].lower() in sys.argv[2:] for r in json.loads(sys.argv[1])) else "absent")' \
        "$report" "$BLOCK" "$AUTO")
    assert_eq "$reason" absent "report suppressed does not list the block or auto-reply member"
else
    fail "report suppressed --format json"
    cat "$E2E_TMP/stderr"
fi

finish
