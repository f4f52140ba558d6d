#!/usr/bin/env bash
# postfix_conf: what postfix-conf/ and scripts/postfix-setup hand an administrator is
# accepted by the real Postfix and systemd tools.
#
#   (a) postfix-setup, LMTP then pipe mode, into a scratch copy of Debian's stock
#       configuration: 'postfix check' passes; the transport, the master.cf service and
#       the bounce domain's recipient check are there; a second run changes nothing
#   (b) pipe mode's regexp: a token-shaped local part gets DUNNO, anything else at the
#       bounce domain REJECT 5.1.1, another domain nothing
#   (c) verpmail-lmtp.service and verpmail-web.service: systemd-analyze security rates
#       their exposure below 3
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
passed=0 failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
fail() { echo "not ok - $*"; failed=$((failed + 1)); }
expect_eq() { if [[ $1 == "$2" ]]; then ok "$3"; else fail "$3 (got '$1', want '$2')"; fi; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp /usr/share/postfix/main.cf.debian "$scratch/main.cf"
cp /usr/share/postfix/master.cf.dist "$scratch/master.cf"
setup() { "$REPO/scripts/postfix-setup" --config-dir "$scratch" --bounce-domain bounces.example.org "$@"; }
pc() { postconf -c "$scratch" "$@"; }

# (a) LMTP
setup >"$scratch/out" 2>&1 || { cat "$scratch/out"; fail "postfix-setup --mode lmtp"; }
if postfix -c "$scratch" check 2>"$scratch/check"; then ok "lmtp: postfix check"; else fail "lmtp: postfix check: $(cat "$scratch/check")"; fi
expect_eq "$(postmap -c "$scratch" -q bounces.example.org hash:"$scratch/transport")" \
    "verpmail-lmtp:unix:/run/verpmail/lmtp.sock" "lmtp: transport entry"
expect_eq "$(pc -M verpmail-lmtp/unix | tr -s ' ')" "verpmail-lmtp unix - - n - - lmtp -o lmtp_line_length_limit=0" \
    "lmtp: master.cf service, not chrooted, lines not folded"
expect_eq "$(pc -h verpmail_bounce_domain)" "check_policy_service inet:127.0.0.1:10029" "lmtp: policy service check"
expect_eq "$(pc -M 127.0.0.1:10028/inet | tr -s ' ')" \
    "127.0.0.1:10028 inet n - n - - smtpd -o smtpd_discard_ehlo_keywords=chunking -o syslog_name=postfix/verpmail-submit" \
    "the sender's listener, without CHUNKING"
expect_eq "$(pc -h verpmail-lmtp_destination_concurrency_limit)" 10 "lmtp: deliveries at once = the bouncer's threads"
expect_eq "$(pc -h smtpd_restriction_classes)" "verpmail_bounce_domain" "lmtp: restriction class"
case $(pc -h smtpd_recipient_restrictions) in
check_recipient_access\ texthash:"$scratch"/verpmail_recipient_access*) ok "lmtp: recipient check first" ;;
*) fail "lmtp: smtpd_recipient_restrictions = $(pc -h smtpd_recipient_restrictions)" ;;
esac
expect_eq "$(postmap -c "$scratch" -q bounces.example.org texthash:"$scratch/verpmail_recipient_access")" \
    verpmail_bounce_domain "lmtp: the check applies to the bounce domain"
setup >"$scratch/out" 2>&1
if grep -q "nothing to do" "$scratch/out"; then ok "lmtp: a second run changes nothing"; else fail "lmtp: second run: $(cat "$scratch/out")"; fi

# (a) pipe
setup --mode pipe >"$scratch/out" 2>&1 || { cat "$scratch/out"; fail "postfix-setup --mode pipe"; }
if postfix -c "$scratch" check 2>"$scratch/check"; then ok "pipe: postfix check"; else fail "pipe: postfix check: $(cat "$scratch/check")"; fi
expect_eq "$(postmap -c "$scratch" -q bounces.example.org hash:"$scratch/transport")" "verpmail:" "pipe: transport entry replaced"
expect_eq "$(pc -h verpmail_destination_recipient_limit)" 1 "pipe: one recipient per run"
expect_eq "$(pc -h verpmail_bounce_domain)" "check_recipient_access regexp:$scratch/verpmail_tokens.regexp" "pipe: regexp check"

# (b) the regexp
regexp=regexp:$scratch/verpmail_tokens.regexp
expect_eq "$(postmap -c "$scratch" -q sentto-abcdefghijklmnopqrstuvwx27@bounces.example.org "$regexp")" DUNNO "regexp: a token shape passes"
expect_eq "$(postmap -c "$scratch" -q SENTTO-ABCDEFGHIJKLMNOPQRSTUVWX27@Bounces.Example.Org "$regexp")" DUNNO "regexp: case does not matter"
expect_eq "$(postmap -c "$scratch" -q sentto-abc@bounces.example.org "$regexp")" "550 5.1.1 recipient unknown" "regexp: a short token is refused"
expect_eq "$(postmap -c "$scratch" -q postmaster@bounces.example.org "$regexp")" "550 5.1.1 recipient unknown" "regexp: another local part is refused"
expect_eq "$(postmap -c "$scratch" -q unsubscribe+4711-xvnx32u26if4dg652w2b3463ys@bounces.example.org "$regexp")" DUNNO "regexp: the unsubscribe address passes"
expect_eq "$(postmap -c "$scratch" -q Unsubscribe+4711-XVNX32U26IF4DG652W2B3463YS@bounces.example.org "$regexp")" DUNNO "regexp: the unsubscribe address in any case"
expect_eq "$(postmap -c "$scratch" -q unsubscribe+0711-xvnx32u26if4dg652w2b3463ys@bounces.example.org "$regexp")" "550 5.1.1 recipient unknown" "regexp: a malformed unsubscribe token is refused"
expect_eq "$(postmap -c "$scratch" -q someone@example.org "$regexp" || true)" "" "regexp: other domains are not its business"

# (c) the units' sandbox
for unit in verpmail-lmtp.service verpmail-web.service; do
    exposure=$(systemd-analyze security --offline=true "$REPO/postfix-conf/$unit" 2>/dev/null |
        sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
    if [[ -n $exposure ]] && awk -v e="$exposure" 'BEGIN { exit !(e < 3) }'; then
        ok "$unit: exposure $exposure < 3"
    else
        fail "$unit: exposure '${exposure:-unreadable}' (want < 3)"
    fi
done

echo "$passed passed, $failed failed"
((failed == 0))
