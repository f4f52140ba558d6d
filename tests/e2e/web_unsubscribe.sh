#!/usr/bin/env bash
# web_unsubscribe: RFC 8058 one-click unsubscribe through verpmail-web, with the links of
# messages members really received (the accepting sink's files, $TESTBED_SINK_MAILDIR).
#
#   (a) each message carries List-Unsubscribe (mailto and https) and
#       List-Unsubscribe-Post: List-Unsubscribe=One-Click; the https link is the test
#       bed's verpmail-web, and its token is not the member's VERP token
#   (b) GET shows a confirm page and changes nothing (link scanners follow GETs)
#   (c) a forged token, another list's token under this list's URL, a malformed token
#       and a POST without List-Unsubscribe=One-Click change nothing (404, 404, 404, 400)
#   (d) the POST a mailbox provider sends (urlencoded) unsubscribes that member from
#       that list only, with one admin_audit row; a second POST changes nothing more;
#       a multipart/form-data POST works too
#   (e) the next send skips the unsubscribed members and mails the others
#   (f) a reset of the address does not give the membership back
#   (g) mail to the mailto link, through Postfix to the bouncer, unsubscribes too (P
#       from L1); mail to a forged unsubscribe address is refused at RCPT and changes
#       nothing
source "$(dirname "$0")/lib.sh"

require_programs verpmail-send verpmail-admin verpmail-web
: "${TESTBED_WEB:?the test bed exports no TESTBED_WEB} ${TESTBED_SINK_MAILDIR:?}"

readonly RUN=wu$E2E_RUN_ID
readonly L1=wu1-$E2E_RUN_ID L2=wu2-$E2E_RUN_ID
readonly MESSAGE=$E2E_DATA/message.eml
readonly M=m@$RUN.example.test N=n@$RUN.example.test P=p@$RUN.example.test
readonly TIMEOUT=60

active_in() {
    sql_value "SELECT CONCAT(m.active, ':', COALESCE(m.inactive_reason, '-')) FROM members m JOIN lists l
        ON l.id = m.list_id WHERE l.name = $(sql_quote "$1") AND m.email = $(sql_quote "$2")"
}
audits_of() {
    sql_value "SELECT COUNT(*) FROM admin_audit WHERE action = 'unsubscribe' AND target = $(sql_quote "$1")"
}
# delivered LIST ADDRESS: how many messages of LIST the sink holds for ADDRESS.
delivered() {
    grep -rlsF "To: <$2>" "$TESTBED_SINK_MAILDIR" | xargs -r grep -lF "List-Id: <$1." | wc -l
}
# header_of LIST ADDRESS FIELD: FIELD (unfolded) of the newest message of LIST to ADDRESS.
header_of() {
    local file
    file=$(grep -rlsF "To: <$2>" "$TESTBED_SINK_MAILDIR" | xargs -r grep -lF "List-Id: <$1." | xargs -r ls -t |
        head -n 1)
    [[ -n $file ]] || return 1
    python3 - "$file" "$3" <<'PY'
import email, email.policy, sys
raw = open(sys.argv[1], "rb").read()
# smtp-sink -d writes its own X-* envelope lines first; the message follows them.
msg = email.message_from_bytes(raw, policy=email.policy.compat32)
value = msg.get(sys.argv[2])
if value is None:
    sys.exit(1)
print(" ".join(value.split()))
PY
}
https_link() { header_of "$1" "$2" List-Unsubscribe | grep -o '<https://[^>]*>' | tr -d '<>'; }
# http METHOD URL [CURL ARGS...]: prints the status code; the body is in $E2E_TMP/body.
http() {
    local method=$1 url=$2
    shift 2
    curl -sS --max-time 20 --cacert "$TESTBED_TLS_CERT" -X "$method" -o "$E2E_TMP/body" -w '%{http_code}' "$@" "$url"
}
one_click() { http POST "$1" -H 'Content-Type: application/x-www-form-urlencoded' --data 'List-Unsubscribe=One-Click'; }
send_list() {
    run_ok "send $1" vsend --list "$1" --message "$MESSAGE" --json || fatal "send $1 failed"
}

for list in "$L1" "$L2"; do
    run_ok "list create $list" vadmin list create "$list" --from list@lists.example.test || fatal "list create"
done
printf '%s\n%s\n%s\n' "$M" "$N" "$P" >"$E2E_TMP/members"
run_ok "members import $L1" vadmin members import "$L1" "$E2E_TMP/members" || fatal "import"
printf '%s\n' "$M" >"$E2E_TMP/members2"
run_ok "members import $L2" vadmin members import "$L2" "$E2E_TMP/members2" || fatal "import"
send_list "$L1"
send_list "$L2"
wait_for "[[ \$(delivered '$L1' '$M') -ge 1 && \$(delivered '$L2' '$M') -ge 1 && \$(delivered '$L1' '$P') -ge 1 ]]" \
    "$TIMEOUT" "the members' messages reached the sink" || fatal "nothing delivered"

# ---------------------------------------------------------------- (a) the headers
post_field=$(header_of "$L1" "$M" List-Unsubscribe-Post || true)
assert_eq "$post_field" "List-Unsubscribe=One-Click" "a: List-Unsubscribe-Post as RFC 8058 says"
mailto=$(header_of "$L1" "$M" List-Unsubscribe | grep -o '<mailto:[^>]*>' || true)
assert_match "$mailto" '^<mailto:unsubscribe\+[0-9]+-[a-z2-7]{26}@bounces\.test>$' "a: a mailto link with a token, at the bounce domain"
url1=$(https_link "$L1" "$M") || true
url2=$(https_link "$L2" "$M") || true
assert_match "$url1" "^$TESTBED_WEB/unsubscribe/$L1/[0-9]+-[a-z2-7]{26}\$" "a: the https link is verpmail-web's ($url1)"
assert_match "$url2" "^$TESTBED_WEB/unsubscribe/$L2/[0-9]+-[a-z2-7]{26}\$" "a: $L2's link for the same member"
token1=${url1##*/} token2=${url2##*/}
verp=$(verp_of "$M") || fatal "no VERP address for $M"
verp_token=${verp%%@*}
verp_token=${verp_token#sentto-}
assert_no_match "$url1$mailto" "$verp_token" "a: the links do not carry the VERP token"
check "a: each list's membership has its own token" test -n "$token1" -a "$token1" != "$token2"

# ---------------------------------------------------------------- (b) GET
status=$(http GET "$url1")
assert_eq "$status" 200 "b: GET answers the confirm page"
assert_match "$(cat "$E2E_TMP/body")" "$L1" "b: the page names the list"
assert_match "$(cat "$E2E_TMP/body")" '<form[^>]*method="?post' "b: the page has a POST form"
assert_eq "$(active_in "$L1" "$M")" "1:-" "b: GET changed nothing"

# ---------------------------------------------------------------- (c) refusals
mac=${token1#*-}
first=${mac:0:1}
[[ $first == a ]] && other=b || other=a
forged="$TESTBED_WEB/unsubscribe/$L1/${token1%%-*}-$other${mac:1}"
assert_eq "$(one_click "$forged")" 404 "c: a forged token: 404"
assert_eq "$(one_click "$TESTBED_WEB/unsubscribe/$L1/$token2")" 404 "c: $L2's token under $L1's URL: 404"
assert_eq "$(one_click "$TESTBED_WEB/unsubscribe/$L1/not-a-token")" 404 "c: a malformed token: 404"
assert_eq "$(one_click "$TESTBED_WEB/unsubscribe/$L1/99999999999999999999999-$mac")" 404 "c: an id out of range: 404"
status=$(http POST "$url1" -H 'Content-Type: application/x-www-form-urlencoded' --data 'List-Unsubscribe=Maybe')
assert_eq "$status" 400 "c: a POST without List-Unsubscribe=One-Click: 400"
assert_eq "$(active_in "$L1" "$M"),$(active_in "$L2" "$M")" "1:-,1:-" "c: nothing changed in either list"
assert_eq "$(audits_of "$M")" 0 "c: nothing audited"

# ---------------------------------------------------------------- (d) one click
assert_eq "$(one_click "$url1")" 200 "d: the provider's POST: 200"
assert_eq "$(active_in "$L1" "$M")" "0:unsubscribed" "d: $M is out of $L1, as an opt-out"
assert_eq "$(active_in "$L2" "$M")" "1:-" "d: and still in $L2"
assert_eq "$(audits_of "$M")" 1 "d: one audit row"
detail=$(sql_value "SELECT CONCAT(actor, ' | ', detail) FROM admin_audit WHERE action = 'unsubscribe'
    AND target = $(sql_quote "$M")")
assert_match "$detail" "^web 127\.0\.0\.1 \| list=$L1 was=1 via=one-click\$" "d: the audit row says who and how ($detail)"
assert_eq "$(one_click "$url1")" 200 "d: a second POST: 200"
assert_eq "$(audits_of "$M")" 1 "d: and no second audit row"
urln=$(https_link "$L1" "$N") || true
status=$(http POST "$urln" -F 'List-Unsubscribe=One-Click')
assert_eq "$status" 200 "d: a multipart/form-data POST: 200"
assert_eq "$(active_in "$L1" "$N")" "0:unsubscribed" "d: $N is out of $L1"
assert_eq "$(http GET "$url1")" 200 "d: GET after the opt-out still answers"

# ---------------------------------------------------------------- (e) next send
before_m=$(delivered "$L1" "$M") before_p=$(delivered "$L1" "$P")
send_list "$L1"
assert_eq "$(json_get "$RUN_OUT" accepted)" 1 "e: the next send mails only $P"
wait_for "[[ \$(delivered '$L1' '$P') -gt $before_p ]]" "$TIMEOUT" "e: $P received the next message" || true
assert_eq "$(delivered "$L1" "$M")" "$before_m" "e: $M received nothing more from $L1"

# ---------------------------------------------------------------- (f) reset
run_ok "reset $M" vadmin reset "$M" || true
assert_eq "$(active_in "$L1" "$M")" "0:unsubscribed" "f: a reset does not undo an opt-out"

# ---------------------------------------------------------------- (g) mailto
mailto_p=$(header_of "$L1" "$P" List-Unsubscribe | grep -o '<mailto:[^>]*>' | sed 's/^<mailto://; s/>$//') || true
assert_match "$mailto_p" '^unsubscribe\+[0-9]+-[a-z2-7]{26}@' "g: $P's mailto address ($mailto_p)"
printf 'From: %s\nTo: %s\nSubject: unsubscribe\n\nunsubscribe\n' "$P" "$mailto_p" >"$E2E_TMP/unsub.eml"
inject_file "$P" "$mailto_p" "$E2E_TMP/unsub.eml" || fail "g: Postfix took the unsubscribe mail"
wait_for "[[ \$(active_in '$L1' '$P') == 0:unsubscribed ]]" "$TIMEOUT" "g: the mailto unsubscribed $P from $L1" || true
assert_eq "$(sql_value "SELECT COUNT(*) FROM admin_audit WHERE action = 'unsubscribe' AND target = $(sql_quote "$P")
    AND detail LIKE '%via=mailto'")" 1 "g: audited as a mailto opt-out"
assert_eq "$(sql_value "SELECT COUNT(*) FROM bounce_logs WHERE email = $(sql_quote "$P")")" 0 "g: not recorded as a return"
# A well-formed token that is not genuine is taken (its mac is checked with the key,
# after RCPT) and changes nothing; a malformed one is refused at RCPT like any local
# part that cannot be ours.
forged_mailto="unsubscribe+${token2%%-*}-$(printf 'a%.0s' {1..26})@${mailto_p#*@}"
mark=$(maillog_mark)
inject_file "$N" "$forged_mailto" "$E2E_TMP/unsub.eml" || fail "g: Postfix took the forged unsubscribe mail"
wait_for "maillog_since $mark | grep -qE '$BOUNCER_RELAY.*status=sent'" "$TIMEOUT" \
    "g: the forged unsubscribe mail reached the bouncer" || true
assert_eq "$(active_in "$L1" "$M"),$(active_in "$L2" "$M")" "0:unsubscribed,1:-" "g: the forged token (of $M in $L2) changed nothing"
rc=0
inject_file "$N" "unsubscribe+junk@${mailto_p#*@}" "$E2E_TMP/unsub.eml" 2>"$E2E_TMP/malformed.err" || rc=$?
check "g: a malformed unsubscribe address is refused at RCPT" test "$rc" -ne 0
assert_match "$(cat "$E2E_TMP/malformed.err")" '5[0-9][0-9]' "g: with a 5xx"

finish
