#!/usr/bin/env bash
# bouncer_rcpt: the bounce domain is no storage sink. At SMTP time the test bed's
# smtpd accepts at bounces.test only local parts that can be ours: in LMTP mode the
# bouncer's policy service looks the token up; in pipe mode a regexp map checks the
# token's shape. The LMTP server refuses an unknown local part at RCPT too.
#
#   (c1) a random local part at the bounce domain: 5.1.1 at RCPT, nothing queued,
#        nothing stored
#   (c2) a token-shaped local part that was never issued: refused at RCPT in LMTP
#        mode (the token is looked up); accepted by the shape check in pipe mode
#   (c3) a VERP address we issued: accepted (the loop itself: bounce_loop.sh)
#   (c4) LMTP mode: the LMTP server itself answers 550 5.1.1 at RCPT for a stranger
#        and 250 for an issued address (talking LMTP to its socket)
source "$(dirname "$0")/lib.sh"

require_programs verpmail-send verpmail-admin verpmail-bouncer

readonly RUN=bc$E2E_RUN_ID
readonly LIST=bc-$E2E_RUN_ID
readonly MEMBER=$RUN-m@accept.test

# rcpt_reply TO: the smtpd's reply to RCPT TO:<TO> (MAIL FROM:<>), one line.
rcpt_reply() {
    python3 - "$TESTBED_SMTP" "$1" <<'PY'
import smtplib, sys
host, port = sys.argv[1].rsplit(":", 1)
with smtplib.SMTP(host, int(port), timeout=30) as s:
    s.ehlo("mx.remote.example")
    s.mail("")
    code, text = s.rcpt(sys.argv[2])
    print(code, text.decode("ascii", "replace").replace("\n", " "))
    s.rset()
PY
}

stored_for() { sql_value "SELECT COUNT(*) FROM bounce_logs WHERE envelope_recipient = $(sql_quote "$1")"; }

run_ok "list create $LIST" vadmin list create "$LIST" --from list@lists.example.test || fatal "cannot create the list"
printf '%s\n' "$MEMBER" >"$E2E_TMP/members"
run_ok "members import $LIST" vadmin members import "$LIST" "$E2E_TMP/members" || fatal "cannot import members"
run_ok "send" vsend --list "$LIST" --message "$E2E_DATA/message.eml" --json || fatal "send failed"
VERP=$(verp_of "$MEMBER") || fatal "no EncodedFROM for $MEMBER"

# (c1) a random local part
random_local="spam-$RUN-$RANDOM"
reply=$(rcpt_reply "$random_local@$TESTBED_BOUNCE_DOMAIN")
assert_match "$reply" '^550 5\.1\.1' "c1: a random local part is refused at RCPT ($reply)"
assert_eq "$(stored_for "$random_local@$TESTBED_BOUNCE_DOMAIN")" 0 "c1: nothing stored"

# (c2) a token that was never issued
forged="sentto-$(head -c 4096 /dev/urandom | tr -dc 'a-z2-7' | head -c 26)@$TESTBED_BOUNCE_DOMAIN"
reply=$(rcpt_reply "$forged")
if [[ $TESTBED_BOUNCER == lmtp ]]; then
    assert_match "$reply" '^550 5\.1\.1' "c2: an unissued token is refused at RCPT ($reply)"
else
    assert_match "$reply" '^250' "c2: pipe mode checks only the token's shape ($reply)"
fi

# (c3) an issued VERP address
reply=$(rcpt_reply "$VERP")
assert_match "$reply" '^250' "c3: an issued VERP address is accepted ($reply)"

# (c4) the LMTP server's own RCPT check
if [[ $TESTBED_BOUNCER == lmtp ]]; then
    out=$(python3 - "$TESTBED_LMTP_SOCKET" "$random_local@$TESTBED_BOUNCE_DOMAIN" "$VERP" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(30)
s.connect(sys.argv[1])
f = s.makefile("rwb")
def reply():
    lines = []
    while True:
        line = f.readline().decode("ascii", "replace").rstrip("\r\n")
        lines.append(line)
        if len(line) < 4 or line[3] != "-":
            return lines[-1]
def send(cmd):
    f.write(cmd.encode() + b"\r\n"); f.flush()
    return reply()
reply()
send("LHLO e2e.example")
send("MAIL FROM:<>")
print("stranger", send("RCPT TO:<%s>" % sys.argv[2]))
print("ours", send("RCPT TO:<%s>" % sys.argv[3]))
print("quit", send("QUIT"))
PY
    ) || true
    assert_match "$(grep '^stranger' <<<"$out")" '^stranger 550 5\.1\.1' "c4: LMTP RCPT of a stranger: 550 5.1.1"
    assert_match "$(grep '^ours' <<<"$out")" '^ours 250' "c4: LMTP RCPT of an issued address: 250"
else
    note "pipe test bed: no LMTP server to talk to"
fi

finish
