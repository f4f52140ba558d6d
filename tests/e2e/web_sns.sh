#!/usr/bin/env bash
# web_sns: the SES→SNS webhook of verpmail-web, with a private CA standing in for
# Amazon's (the test bed's etc/sns: a CA, the stand-in server's certificate for
# 127.0.0.1, the signing certificate) and tests/e2e/sns_standin.py serving the signing
# certificate and the SubscribeURL over HTTPS on loopback.
#
#   (a) a signed SubscriptionConfirmation is confirmed: the SubscribeURL is fetched
#   (b) signed notifications, v1 (SHA1withRSA) and v2 (SHA256withRSA), each delivered
#       twice: a permanent bounce (hard), a transient one without per-recipient status
#       fields (soft, mailboxfull) and a complaint are recorded once each, with the
#       campaign from the message's headers
#   (c) they move the policy as mailed returns would: the next send suppresses the
#       hard-bounced and the complaining member and mails the soft-bounced one
#   (d) a bad signature, an unknown topic, a certificate URL on another host, and an
#       unsupported signature version: 403, nothing stored
#   (e) with MariaDB stopped: 5xx; after it is back, the same delivery is recorded once
source "$(dirname "$0")/lib.sh"

require_programs verpmail-send verpmail-admin verpmail-web
: "${TESTBED_WEB:?} ${TESTBED_SNS_DIR:?} ${TESTBED_SNS_TOPIC:?}"

readonly RUN=sn$E2E_RUN_ID
readonly LIST=sn-$E2E_RUN_ID
readonly MESSAGE=$E2E_DATA/message.eml
readonly B=b@$RUN.example.test T=t@$RUN.example.test C=c@$RUN.example.test D=d@$RUN.example.test
readonly E=e@$RUN.example.test
readonly STANDIN=$E2E_DIR/sns_standin.py

cleanup() {
    testbed mariadb-start >/dev/null 2>&1 || true
    [[ -z ${STANDIN_PID:-} ]] || kill "$STANDIN_PID" 2>/dev/null || true
}
trap 'rc=$?; cleanup; (exit $rc); e2e_on_exit' EXIT

rows_of() { sql_value "SELECT COUNT(*) FROM bounce_logs WHERE email = $(sql_quote "$1")"; }
row_of() {
    sql_value "SELECT CONCAT(bounce_type, ':', bounce_reason, ':', kind, ':', COALESCE(campaign, '-'))
        FROM bounce_logs WHERE email = $(sql_quote "$1") ORDER BY id LIMIT 1"
}
# ses_bounce ADDRESS TYPE SUBTYPE FEEDBACK STATUS: SES bounce JSON (per-recipient status
# fields only when STATUS is not ""), naming the campaign in mail.headers.
ses_bounce() {
    python3 - "$1" "$2" "$3" "$4" "$5" "$CAMPAIGN" <<'PY'
import json, sys
address, kind, subtype, feedback, status, campaign = sys.argv[1:7]
recipient = {"emailAddress": address}
if status:
    recipient.update(action="failed", status=status, diagnosticCode=f"smtp; 550 {status} user unknown")
print(json.dumps({
    "notificationType": "Bounce",
    "bounce": {"bounceType": kind, "bounceSubType": subtype, "bouncedRecipients": [recipient],
               "timestamp": "2026-12-07T18:00:00.000Z", "feedbackId": feedback,
               "reportingMTA": "dsn; a1-1.smtp-out.amazonses.com"},
    "mail": {"timestamp": "2026-12-07T17:59:00.000Z", "source": "list@lists.example.test",
             "messageId": feedback + "-mail", "destination": [address], "headersTruncated": False,
             "headers": [{"name": "X-Verpmail-Campaign", "value": campaign}]},
}))
PY
}
ses_complaint() {
    python3 - "$1" "$2" "$CAMPAIGN" <<'PY'
import json, sys
address, feedback, campaign = sys.argv[1:4]
print(json.dumps({
    "notificationType": "Complaint",
    "complaint": {"complainedRecipients": [{"emailAddress": address}], "timestamp": "2026-12-07T18:00:00.000Z",
                  "feedbackId": feedback, "complaintFeedbackType": "abuse"},
    "mail": {"timestamp": "2026-12-07T17:59:00.000Z", "source": "list@lists.example.test",
             "messageId": feedback + "-mail", "destination": [address],
             "headers": [{"name": "X-Verpmail-Campaign", "value": campaign}]},
}))
PY
}
# signed VERSION TYPE [SES-JSON-FILE] [BASEURL] [TOPIC]: a signed SNS message.
signed() {
    python3 "$STANDIN" sign "$TESTBED_SNS_DIR" "$1" "$2" "${4:-$SNS_URL}" "${5:-$TESTBED_SNS_TOPIC}" ${3:+"$3"}
}
# post FILE TYPE: POST an SNS message to the webhook; prints the status code.
post() {
    curl -sS --max-time 30 --cacert "$TESTBED_TLS_CERT" -o "$E2E_TMP/body" -w '%{http_code}' \
        -H 'Content-Type: text/plain; charset=UTF-8' -H "x-amz-sns-message-type: $2" \
        --data-binary "@$1" "$TESTBED_WEB/webhooks/sns"
}
json_edit() { python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); m[sys.argv[2]]=sys.argv[3]; print(json.dumps(m))' "$@"; }

# ---------------------------------------------------------------- the stand-in, a campaign
python3 "$STANDIN" serve "$TESTBED_SNS_DIR" "$E2E_TMP/sns.port" "$E2E_TMP/sns.log" 2>"$E2E_TMP/sns.err" &
STANDIN_PID=$!
wait_for "[[ -s '$E2E_TMP/sns.port' ]]" 10 "the SNS stand-in listens" || fatal "no SNS stand-in: $(cat "$E2E_TMP/sns.err")"
SNS_URL=https://127.0.0.1:$(cat "$E2E_TMP/sns.port")
run_ok "list create $LIST" vadmin list create "$LIST" --from list@lists.example.test || fatal "list create"
# All mailed once: the webhook records a return for an address verpmail has mailed
# (its tracker row); D and E take the refused and the retried deliveries.
printf '%s\n' "$B" "$T" "$C" "$D" "$E" >"$E2E_TMP/members"
run_ok "members import" vadmin members import "$LIST" "$E2E_TMP/members" || fatal "import"
run_ok "send 1" vsend --list "$LIST" --message "$MESSAGE" --json || fatal "send failed"
CAMPAIGN=$(json_get "$RUN_OUT" campaign)

# ---------------------------------------------------------------- (a) confirmation
signed 1 SubscriptionConfirmation >"$E2E_TMP/confirm.json"
token=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["Token"])' "$E2E_TMP/confirm.json")
assert_eq "$(post "$E2E_TMP/confirm.json" SubscriptionConfirmation)" 200 "a: the confirmation is answered 200"
assert_match "$(cat "$E2E_TMP/sns.log")" "confirmed $token" "a: the SubscribeURL was fetched"

# ---------------------------------------------------------------- (b) notifications
ses_bounce "$B" Permanent General "fb-b-$RUN" 5.1.1 >"$E2E_TMP/b.ses"
ses_bounce "$T" Transient MailboxFull "fb-t-$RUN" "" >"$E2E_TMP/t.ses"
ses_complaint "$C" "fb-c-$RUN" >"$E2E_TMP/c.ses"
signed 1 Notification "$E2E_TMP/b.ses" >"$E2E_TMP/b.json"
signed 2 Notification "$E2E_TMP/t.ses" >"$E2E_TMP/t.json"
signed 2 Notification "$E2E_TMP/c.ses" >"$E2E_TMP/c.json"
for who in b t c; do
    assert_eq "$(post "$E2E_TMP/$who.json" Notification)" 200 "b: notification $who: 200"
    assert_eq "$(post "$E2E_TMP/$who.json" Notification)" 200 "b: notification $who again: 200"
done
# The same SES event in a second SNS message (SNS retries with a new MessageId).
signed 2 Notification "$E2E_TMP/b.ses" >"$E2E_TMP/b2.json"
assert_eq "$(post "$E2E_TMP/b2.json" Notification)" 200 "b: the bounce in a new SNS envelope: 200"
assert_eq "$(rows_of "$B"),$(rows_of "$T"),$(rows_of "$C")" "1,1,1" "b: one row each"
assert_eq "$(row_of "$B")" "hard:userunknown:bounce:$CAMPAIGN" "b: the permanent bounce (v1) is hard"
assert_eq "$(row_of "$T")" "soft:mailboxfull:bounce:$CAMPAIGN" "b: the transient one (v2, no status fields) is soft"
assert_match "$(row_of "$C")" "^complaint:[a-z]*:complaint:$CAMPAIGN\$" "b: the complaint (v2) is a complaint"

# ---------------------------------------------------------------- (c) the policy
run_ok "send 2" vsend --list "$LIST" --message "$MESSAGE" --json || true
assert_eq "$(json_get "$RUN_OUT" accepted)" 3 "c: the next send mails only $T, $D and $E"
assert_eq "$(json_get "$RUN_OUT" suppressed)" 2 "c: and suppresses $B and $C"
assert_eq "$(sql_value "SELECT active FROM members m JOIN lists l ON l.id = m.list_id
    WHERE l.name = $(sql_quote "$LIST") AND m.email = $(sql_quote "$C")")" 0 "c: the complaint ended $C's membership"

# ---------------------------------------------------------------- (d) refusals
ses_bounce "$D" Permanent General "fb-d-$RUN" 5.1.1 >"$E2E_TMP/d.ses"
signed 2 Notification "$E2E_TMP/d.ses" >"$E2E_TMP/d.json"
json_edit "$E2E_TMP/d.json" Message "$(sed "s/$D/$B/" "$E2E_TMP/d.ses")" >"$E2E_TMP/d-tampered.json"
assert_eq "$(post "$E2E_TMP/d-tampered.json" Notification)" 403 "d: a bad signature: 403"
signed 2 Notification "$E2E_TMP/d.ses" "$SNS_URL" "arn:aws:sns:us-east-1:123456789012:someone-else" >"$E2E_TMP/d-topic.json"
assert_eq "$(post "$E2E_TMP/d-topic.json" Notification)" 403 "d: an unknown topic: 403"
signed 2 Notification "$E2E_TMP/d.ses" "https://localhost:$(cat "$E2E_TMP/sns.port")" >"$E2E_TMP/d-host.json"
assert_eq "$(post "$E2E_TMP/d-host.json" Notification)" 403 "d: a certificate URL on another host: 403"
json_edit "$E2E_TMP/d.json" SignatureVersion 3 >"$E2E_TMP/d-version.json"
assert_eq "$(post "$E2E_TMP/d-version.json" Notification)" 403 "d: signature version 3: 403"
assert_eq "$(rows_of "$D")" 0 "d: nothing stored"
assert_no_match "$(grep -c SimpleNotificationService "$E2E_TMP/sns.log")" '^0$' "d: the signing certificate was fetched"

# ---------------------------------------------------------------- (e) database down
ses_bounce "$E" Permanent General "fb-e-$RUN" 5.1.1 >"$E2E_TMP/e.ses"
signed 1 Notification "$E2E_TMP/e.ses" >"$E2E_TMP/e.json"
testbed mariadb-stop >/dev/null || fatal "cannot stop MariaDB"
status=$(post "$E2E_TMP/e.json" Notification)
assert_match "$status" '^5[0-9][0-9]$' "e: MariaDB stopped: $status"
testbed mariadb-start >/dev/null || fatal "cannot start MariaDB"
assert_eq "$(post "$E2E_TMP/e.json" Notification)" 200 "e: the retry after MariaDB is back: 200"
assert_eq "$(post "$E2E_TMP/e.json" Notification)" 200 "e: and a second retry: 200"
assert_eq "$(rows_of "$E")" 1 "e: recorded once"

finish
