#!/usr/bin/env bash
# web_api: verpmail-web's JSON API (/api/v1) over HTTPS, with tokens made by
# `verpmail-admin token create`, on the web account's own grants.
#
#   (a) health needs no token; every other endpoint: no token, a malformed one and
#       a revoked one are 401 with WWW-Authenticate: Bearer
#   (b) config: every key with its value; paths, never a file's contents
#   (c) lists: id, name, from address and the member counts the database holds
#   (d) members: keyset paging by address (limit, the next cursor), the filters
#       (q, status, active), bad parameters 400, an unknown list 404
#   (e) unknown paths 404 JSON, wrong methods 405 with Allow; reads audit nothing
#   (f) a member (a hard return through Postfix, then the policy suppresses it): its
#       membership and tracker state, its bounce history, its policy decisions;
#       an unknown id 404, bad limits 400
#   (g) reset-bounces, ignore-bounces, unsubscribe, resubscribe: a viewer is refused
#       (403), no token 401, a bad body 400, an unknown member 404, an address never
#       mailed 409, each with nothing changed; an operator's change is made with its
#       admin_audit row (actor api:NAME) and, for reset, its policy_decisions row
#   (h) tokens (admin): list without secrets, create (the token once, usable at
#       once, stored as its SHA-256), revoke (refused at once); a viewer or operator
#       403, no token 401, bad bodies 400, a taken name 409, an unknown name 404,
#       each with nothing changed
source "$(dirname "$0")/lib.sh"

require_programs verpmail-admin verpmail-web
: "${TESTBED_WEB:?the test bed exports no TESTBED_WEB} ${TESTBED_TLS_CERT:?}"

readonly RUN=wa$E2E_RUN_ID
readonly L1=wa1-$E2E_RUN_ID
readonly MESSAGE=$E2E_DATA/message.eml
readonly R=r@$RUN.example.test NEW=new@$RUN.example.test
readonly TIMEOUT=60
readonly VIEWER=view-$RUN OPERATOR=oper-$RUN ADMIN=adm-$RUN REVOKED=gone-$RUN

api_audits() { sql_value "SELECT COUNT(*) FROM admin_audit WHERE actor LIKE 'api:%$RUN'"; }

viewer='' operator='' admin='' revoked=''
make_token viewer "$VIEWER" viewer
make_token operator "$OPERATOR" operator
make_token admin "$ADMIN" admin
make_token revoked "$REVOKED" admin
run_ok "token revoke $REVOKED" vadmin token revoke "$REVOKED" || fatal "token revoke"

run_ok "list create $L1" vadmin list create "$L1" --from "list-$RUN@lists.example.test" || fatal "list create"
for x in a b c d e; do printf '%s@%s.example.test\n' "$x" "$RUN"; done >"$E2E_TMP/members"
run_ok "members import $L1" vadmin members import "$L1" "$E2E_TMP/members" || fatal "import"
run_ok "unsubscribe $L1 e@" vadmin unsubscribe "$L1" "e@$RUN.example.test" || fatal "unsubscribe"
sql "UPDATE members m JOIN lists l ON l.id = m.list_id SET m.bounce_status = 'hard', m.bounce_count = 2,
    m.last_bounce_at = '2026-01-02 03:04:05' WHERE l.name = $(sql_quote "$L1") AND m.email = 'c@$RUN.example.test'"
audits_before=$(api_audits)

# ---------------------------------------------------------------- (a) health, 401
assert_eq "$(api GET /api/v1/health "")" 200 "a: health without a token"
assert_eq "$(body)" '{"status":"ok","database":"ok"}' "a: health says the database answers"
for path in /api/v1/config /api/v1/lists "/api/v1/lists/$L1/members"; do
    for token in "" "vm_short" "$revoked"; do
        assert_eq "$(api GET "$path" "$token")" 401 "a: $path with token '${token:0:6}' is 401"
        assert_match "$(header WWW-Authenticate)" '^Bearer' "a: $path: WWW-Authenticate: Bearer"
        assert_eq "$(json_get "$(body)" status)" 401 "a: $path: a JSON error"
    done
    for token in "$viewer" "$operator" "$admin"; do
        assert_eq "$(api GET "$path" "$token")" 200 "a: $path for every role"
    done
done
assert_no_match "$(cat "$TESTBED_WEB_LOG")" "${viewer#vm_}|${revoked#vm_}" "a: no token is logged"

for pair in "$viewer viewer $VIEWER" "$operator operator $OPERATOR" "$admin admin $ADMIN"; do
    read -r token role name <<<"$pair"
    assert_eq "$(api GET /api/v1/whoami "$token")" 200 "a: whoami as $role"
    assert_eq "$(body)" "{\"name\":\"$name\",\"role\":\"$role\"}" "a: whoami names the $role token"
done

# ---------------------------------------------------------------- (b) config
assert_eq "$(api GET /api/v1/config "$viewer")" 200 "b: config"
config=$(body)
value_of() {
    python3 -c 'import json,sys; print([e["value"] for e in json.loads(sys.argv[1])["config"] if e["key"] == sys.argv[2]][0])' \
        "$config" "$1"
}
assert_eq "$(value_of web.mysql.optionFile)" "$(sed -n 's/^web\.mysql\.optionFile *= *//p' "$VERPMAIL_CONFIG")" \
    "b: a path is shown as set"
assert_eq "$(value_of web.listen)" "$(sed -n 's/^web\.listen *= *//p' "$VERPMAIL_CONFIG")" "b: web.listen"
assert_eq "$(value_of unsubscribe.keyFile)" "$TESTBED_UNSUBSCRIBE_KEY" "b: a key file's path is shown"
web_password=$(sed -n 's/^password *= *//p' "$TESTBED_DIR/etc/web.cnf" | head -n 1)
check "b: the option file's password is nowhere" test -n "$web_password"
assert_no_match "$config" "$web_password" "b: no file's contents"

# ---------------------------------------------------------------- (c) lists
assert_eq "$(api GET /api/v1/lists "$viewer")" 200 "c: lists"
mine=$(python3 -c 'import json,sys; print(json.dumps([l for l in json.loads(sys.argv[1])["lists"] if l["name"] == sys.argv[2]][0], sort_keys=True))' \
    "$(body)" "$L1")
assert_eq "$(json_get "$mine" id)" "$(sql_value "SELECT id FROM lists WHERE name = $(sql_quote "$L1")")" "c: the id"
assert_eq "$(json_get "$mine" from_address)" "list-$RUN@lists.example.test" "c: the from address"
assert_eq "$(json_get "$mine" members.active),$(json_get "$mine" members.inactive)" "4,1" "c: the counts"

# ---------------------------------------------------------------- (d) members
members_path="/api/v1/lists/$L1/members"
emails() { python3 -c 'import json,sys; print(" ".join(m["email"].split("@")[0] for m in json.loads(sys.argv[1])["members"]))' "$1"; }
assert_eq "$(api GET "$members_path?limit=2" "$viewer")" 200 "d: page 1"
page=$(body)
assert_eq "$(emails "$page")" "a b" "d: page 1 by address"
assert_eq "$(json_get "$page" next)" "b@$RUN.example.test" "d: the next cursor is the last address"
assert_eq "$(api GET "$members_path?limit=2&after=$(json_get "$page" next)" "$viewer")" 200 "d: page 2"
page=$(body)
assert_eq "$(emails "$page")" "c d" "d: page 2 after the cursor"
assert_eq "$(api GET "$members_path?limit=2&after=$(json_get "$page" next)" "$viewer")" 200 "d: page 3"
page=$(body)
assert_eq "$(emails "$page")" "e" "d: the last page"
assert_eq "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["next"])' "$page")" None "d: the last page has no next"
assert_eq "$(json_get "$page" members.0.active),$(json_get "$page" members.0.inactive_reason)" "false,unsubscribed" \
    "d: an unsubscribed member"
api GET "$members_path?status=hard" "$viewer" >/dev/null
hard=$(body)
assert_eq "$(emails "$hard")" "c" "d: status=hard"
assert_eq "$(json_get "$hard" members.0.bounce_count),$(json_get "$hard" members.0.last_bounce_at)" \
    "2,2026-01-02 03:04:05" "d: bounce count and last bounce"
assert_eq "$(json_get "$hard" members.0.id)" \
    "$(sql_value "SELECT id FROM members WHERE email = 'c@$RUN.example.test'")" "d: the member id"
api GET "$members_path?active=0" "$viewer" >/dev/null
assert_eq "$(emails "$(body)")" "e" "d: active=0"
api GET "$members_path?q=d%40$RUN" "$viewer" >/dev/null
assert_eq "$(emails "$(body)")" "d" "d: q matches a part of the address"
api GET "$members_path?q=%25" "$viewer" >/dev/null
assert_eq "$(emails "$(body)")" "" "d: q is literal (% matches no address)"
for query in limit=0 limit=501 limit=x status=bounced active=2 unknown=1 'limit=1&limit=2' q=%zz; do
    assert_eq "$(api GET "$members_path?$query" "$viewer")" 400 "d: $query is 400"
    assert_eq "$(json_get "$(body)" status)" 400 "d: $query: a JSON error"
done
assert_eq "$(api GET "/api/v1/lists/nope-$RUN/members" "$viewer")" 404 "d: an unknown list"

# ---------------------------------------------------------------- (e) paths, methods
for path in /api/v1/nothing /api/v2/lists /api "/api/v1/lists/$L1"; do
    assert_eq "$(api GET "$path" "$viewer")" 404 "e: $path is 404"
    assert_eq "$(body)" '{"error":"not found","status":404}' "e: $path: JSON"
done
assert_eq "$(api POST /api/v1/lists "$admin" -H 'Content-Type: application/json' --data '{}')" 405 "e: POST lists"
assert_eq "$(header Allow)" GET "e: with Allow"
assert_eq "$(api DELETE "$members_path" "$admin")" 405 "e: DELETE members"
assert_eq "$(api_audits)" "$audits_before" "e: reads audit nothing"

# ---------------------------------------------------------------- (f) a member
returns_of() { sql_value "SELECT COUNT(*) FROM bounce_logs WHERE email = $(sql_quote "$1")"; }
run_ok "members add $R" vadmin members add "$L1" "$R" "Reject Member" || fatal "members add"
run_ok "send 1" vsend --list "$L1" --message "$MESSAGE" --json || fatal "send 1"
verp=$(verp_of "$R") || fatal "no VERP address for $R"
postfix_dsn "$verp" "$R" 5.1.1 "550 5.1.1 <$R>: Recipient address rejected: User unknown" >"$E2E_TMP/dsn.eml"
inject_file "" "$verp" "$E2E_TMP/dsn.eml" || fatal "cannot submit a DSN"
wait_for "[[ \$(returns_of '$R') -ge 1 ]]" "$TIMEOUT" "f: the hard return of $R is recorded" || fatal "no return"
run_ok "send 2" vsend --list "$L1" --message "$MESSAGE" --json || fatal "send 2"
id=$(sql_value "SELECT m.id FROM members m JOIN lists l ON l.id = m.list_id WHERE l.name = $(sql_quote "$L1")
    AND m.email = $(sql_quote "$R")")

assert_eq "$(api GET "/api/v1/members/$id" "$viewer")" 200 "f: the member"
m=$(body)
assert_eq "$(json_get "$m" email),$(json_get "$m" name),$(json_get "$m" list)" "$R,Reject Member,$L1" "f: who and where"
assert_eq "$(json_get "$m" active),$(json_get "$m" inactive_reason),$(json_get "$m" bounce_status)" \
    "$(sql_value "SELECT CONCAT_WS(',', IF(active, 'true', 'false'), COALESCE(inactive_reason, ''), bounce_status)
        FROM members WHERE id = $id")" "f: the membership as stored"
assert_eq "$(json_get "$m" tracker.hard_bounce_count),$(json_get "$m" tracker.policy_state),$(json_get "$m" tracker.suppressed_reason),$(json_get "$m" tracker.ignore_bounces)" \
    "$(tracker_field "$R" "CONCAT_WS(',', HardBounceCount, PolicyState, COALESCE(SuppressedReason, ''), IF(IgnoreBounces, 'true', 'false'))")" \
    "f: the tracker state as stored"
assert_eq "$(json_get "$m" tracker.policy_state)" suppressed "f: suppressed by the policy"

assert_eq "$(api GET "/api/v1/members/$id/bounces" "$viewer")" 200 "f: the bounces"
b=$(body)
assert_eq "$(json_get "$b" bounces.0.class),$(json_get "$b" bounces.0.status_code),$(json_get "$b" bounces.0.kind)" \
    "hard,5.1.1,bounce" "f: the hard return"
assert_match "$(json_get "$b" bounces.0.diagnostic)" "User unknown" "f: with its diagnostic"
assert_eq "$(json_get "$b" bounces.0.bounced_at)" \
    "$(sql_value "SELECT MAX(bounced_at) FROM bounce_logs WHERE email = $(sql_quote "$R")")" "f: when"
assert_eq "$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])["bounces"]))' "$b")" "$(returns_of "$R")" \
    "f: every return"
assert_no_match "$b" "raw_message|Received: by" "f: never the raw message"
assert_eq "$(api GET "/api/v1/members/$id/bounces?limit=1" "$viewer")" 200 "f: limit=1"

assert_eq "$(api GET "/api/v1/members/$id/decisions" "$viewer")" 200 "f: the decisions"
d=$(body)
assert_eq "$(json_get "$d" decisions.0.state),$(json_get "$d" decisions.0.rule)" \
    "$(sql "SELECT CONCAT_WS(',', state, rule) FROM policy_decisions WHERE email = $(sql_quote "$R")
        ORDER BY decided_at DESC, id DESC LIMIT 1")" "f: the newest decision as stored"
assert_eq "$(json_get "$d" decisions.0.state)" suppressed "f: the suppression"

for path in "/api/v1/members/$id" "/api/v1/members/$id/bounces" "/api/v1/members/$id/decisions"; do
    assert_eq "$(api GET "$path" "")" 401 "f: $path without a token"
    assert_eq "$(api GET "$path" "$revoked")" 401 "f: $path with a revoked token"
done
for path in /api/v1/members/999999999 /api/v1/members/999999999/bounces /api/v1/members/999999999/decisions \
    /api/v1/members/x; do
    assert_eq "$(api GET "$path" "$viewer")" 404 "f: $path is 404"
done
for query in limit=0 limit=501 after=x; do
    assert_eq "$(api GET "/api/v1/members/$id/bounces?$query" "$viewer")" 400 "f: bounces?$query is 400"
    assert_eq "$(api GET "/api/v1/members/$id/decisions?$query" "$viewer")" 400 "f: decisions?$query is 400"
done
assert_eq "$(api_audits)" "$audits_before" "f: reads audit nothing"

# ---------------------------------------------------------------- (g) changes
audit_of() {
    sql_value "SELECT COUNT(*) FROM admin_audit WHERE action = $(sql_quote "$1") AND target = $(sql_quote "$2")
        AND actor = $(sql_quote "api:$3")"
}
all_audits() { sql_value "SELECT COUNT(*) FROM admin_audit WHERE target = $(sql_quote "$R")"; }
state_of_r() {
    sql_value "SELECT CONCAT_WS(' ', t.HardBounceCount, t.PolicyState, t.IgnoreBounces, m.active,
        COALESCE(m.inactive_reason, '-'), (SELECT COUNT(*) FROM policy_decisions d WHERE d.email = t.EmailAddress))
        FROM EmailAddressTracker t JOIN members m ON m.email = t.EmailAddress WHERE m.id = $id"
}
post() { api POST "$1" "$2" -H 'Content-Type: application/json' --data "${3:-}"; }
base=/api/v1/members/$id
before=$(state_of_r)
audits=$(all_audits)
for change in reset-bounces ignore-bounces unsubscribe resubscribe; do
    body='{}'
    [[ $change == ignore-bounces ]] && body='{"on":true}'
    assert_eq "$(post "$base/$change" "$viewer" "$body")" 403 "g: a viewer may not $change"
    assert_eq "$(json_get "$(body)" error)" "this needs the role operator" "g: $change: says which role"
    assert_eq "$(post "$base/$change" "" "$body")" 401 "g: $change without a token"
    assert_eq "$(post "$base/$change" "$revoked" "$body")" 401 "g: $change with a revoked token"
    assert_eq "$(post "$base/$change" "$operator" '[1]')" 400 "g: $change with a bad body"
    assert_eq "$(post "/api/v1/members/999999999/$change" "$operator" "$body")" 404 "g: $change of an unknown member"
    assert_eq "$(api GET "$base/$change" "$operator")" 405 "g: GET $change"
    assert_eq "$(header Allow)" POST "g: $change: Allow: POST"
done
for body in '{"on":"yes"}' '{"on":1}' '{}' '' '{"on":true,"x":1}' 'on=true'; do
    assert_eq "$(post "$base/ignore-bounces" "$operator" "$body")" 400 "g: ignore-bounces with '$body'"
done
assert_eq "$(state_of_r)" "$before" "g: the refusals changed nothing"
assert_eq "$(all_audits)" "$audits" "g: and audited nothing"

run_ok "members add $NEW" vadmin members add "$L1" "$NEW" || fatal "members add"
new_id=$(sql_value "SELECT id FROM members WHERE email = $(sql_quote "$NEW")")
assert_eq "$(post "/api/v1/members/$new_id/reset-bounces" "$operator")" 409 "g: reset of an address never mailed"
assert_eq "$(post "/api/v1/members/$new_id/ignore-bounces" "$operator" '{"on":true}')" 409 "g: ignore of one never mailed"
assert_eq "$(sql_value "SELECT COUNT(*) FROM admin_audit WHERE target = $(sql_quote "$NEW") AND actor LIKE 'api:%'")" 0 \
    "g: nothing audited for it"

# reset
hard_before=$(tracker_field "$R" HardBounceCount)
assert_eq "$(post "$base/reset-bounces" "$operator")" 200 "g: an operator resets $R"
answer=$(body)
assert_match "$(json_get "$answer" change)" "^previous hard=$hard_before soft=" "g: the answer says what was reset"
assert_eq "$(json_get "$answer" member.tracker.policy_state),$(json_get "$answer" member.tracker.hard_bounce_count)" \
    "active,0" "g: the answer is the new state"
assert_eq "$(tracker_field "$R" "CONCAT_WS(' ', HardBounceCount, PolicyState, CountsResetAt IS NOT NULL)")" "0 active 1" \
    "g: reset in the database"
assert_eq "$(sql "SELECT CONCAT_WS(' ', state, action, rule, actor) FROM policy_decisions WHERE email = $(sql_quote "$R")
    ORDER BY id DESC LIMIT 1")" "active reset admin reset api:$OPERATOR" "g: the policy_decisions row names the token"
assert_eq "$(audit_of reset "$R" "$OPERATOR")" 1 "g: audited as api:$OPERATOR"
assert_eq "$(sql_value "SELECT CONCAT(active, bounce_status) FROM members WHERE id = $id")" 1clean \
    "g: the membership the policy ended is back, clean"

# ignore
assert_eq "$(post "$base/ignore-bounces" "$admin" '{"on":true}')" 200 "g: an admin sets ignore-bounces on"
assert_eq "$(json_get "$(body)" member.tracker.ignore_bounces)" true "g: the answer says on"
assert_eq "$(tracker_field "$R" IgnoreBounces)" 1 "g: IgnoreBounces on in the database"
assert_eq "$(audit_of ignore "$R" "$ADMIN")" 1 "g: audited as api:$ADMIN"
assert_eq "$(post "$base/ignore-bounces" "$operator" '{"on": false}')" 200 "g: and off"
assert_eq "$(tracker_field "$R" IgnoreBounces)" 0 "g: IgnoreBounces off"
assert_match "$(sql_value "SELECT detail FROM admin_audit WHERE action = 'ignore' AND target = $(sql_quote "$R")
    AND actor = $(sql_quote "api:$OPERATOR")")" "^ignore_bounces=off was=on" "g: audited with what it was"

# unsubscribe, resubscribe
assert_eq "$(post "$base/unsubscribe" "$operator")" 200 "g: unsubscribe"
assert_eq "$(json_get "$(body)" member.active),$(json_get "$(body)" member.inactive_reason)" "false,unsubscribed" \
    "g: the answer is the new state"
assert_eq "$(sql_value "SELECT CONCAT(active, ':', inactive_reason) FROM members WHERE id = $id")" 0:unsubscribed \
    "g: unsubscribed in the database"
assert_eq "$(audit_of unsubscribe "$R" "$OPERATOR")" 1 "g: audited"
assert_eq "$(post "$base/resubscribe" "$operator" '{}')" 200 "g: resubscribe"
assert_eq "$(sql_value "SELECT CONCAT(active, ':', COALESCE(inactive_reason, '-')) FROM members WHERE id = $id")" 1:- \
    "g: active again"
assert_eq "$(sql_value "SELECT detail FROM admin_audit WHERE action = 'resubscribe' AND target = $(sql_quote "$R")
    AND actor = $(sql_quote "api:$OPERATOR")")" "list=$L1 active=1 was=0" "g: audited as the admin command does"

# ---------------------------------------------------------------- (h) tokens
readonly MADE=made-$RUN
token_rows() { sql_value "SELECT COUNT(*) FROM api_tokens WHERE name LIKE '%$RUN'"; }
revoked_rows() { sql_value "SELECT COUNT(*) FROM api_tokens WHERE name LIKE '%$RUN' AND revoked_at IS NOT NULL"; }
token_audits() { sql_value "SELECT COUNT(*) FROM admin_audit WHERE action LIKE 'token %' AND target LIKE 'token %$RUN'"; }
rows_before=$(token_rows) revoked_before=$(revoked_rows) audits_before=$(token_audits)
for token in "$viewer" "$operator"; do
    assert_eq "$(api GET /api/v1/tokens "$token")" 403 "h: tokens are the admin's (list)"
    assert_eq "$(post /api/v1/tokens "$token" "{\"name\":\"$MADE\",\"role\":\"admin\"}")" 403 "h: (create)"
    assert_eq "$(api DELETE "/api/v1/tokens/$VIEWER" "$token")" 403 "h: (revoke)"
done
assert_eq "$(api GET /api/v1/tokens "")" 401 "h: list without a token"
assert_eq "$(post /api/v1/tokens "" "{\"name\":\"$MADE\",\"role\":\"admin\"}")" 401 "h: create without a token"
assert_eq "$(api DELETE "/api/v1/tokens/$VIEWER" "$revoked")" 401 "h: revoke with a revoked token"
for body in '' '{}' "{\"name\":\"$MADE\"}" "{\"name\":\"$MADE\",\"role\":\"root\"}" \
    '{"name":"bad name","role":"viewer"}' "{\"name\":\"$MADE\",\"role\":\"viewer\",\"x\":1}" '[1]' '{'; do
    assert_eq "$(post /api/v1/tokens "$admin" "$body")" 400 "h: create with '$body'"
done
assert_eq "$(post /api/v1/tokens "$admin" "{\"name\":\"$VIEWER\",\"role\":\"admin\"}")" 409 "h: a taken name"
assert_eq "$(api DELETE "/api/v1/tokens/nobody-$RUN" "$admin")" 404 "h: revoke an unknown name"
assert_eq "$(api DELETE "/api/v1/tokens/$REVOKED" "$admin")" 404 "h: revoke a revoked one"
assert_eq "$(api PUT /api/v1/tokens "$admin" --data "")" 405 "h: PUT tokens"
assert_eq "$(header Allow)" "GET, POST" "h: Allow: GET, POST"
assert_eq "$(token_rows),$(revoked_rows),$(token_audits)" "$rows_before,$revoked_before,$audits_before" \
    "h: the refusals changed nothing"

assert_eq "$(api GET /api/v1/tokens "$admin")" 200 "h: list"
listed=$(body)
assert_eq "$(python3 -c 'import json,sys; t=[t for t in json.loads(sys.argv[1])["tokens"] if t["name"] == sys.argv[2]][0]; print(t["role"], t["revoked_at"] is not None)' "$listed" "$REVOKED")" \
    "admin True" "h: names, roles, revocations"
assert_no_match "$listed" "${viewer#vm_}|${admin#vm_}|${operator#vm_}|token_sha256" "h: never a token"

assert_eq "$(post /api/v1/tokens "$admin" "{\"name\":\"$MADE\",\"role\":\"operator\"}")" 201 "h: create"
made=$(json_get "$(body)" token)
assert_match "$made" '^vm_[a-z2-7]{32}$' "h: the token, once"
assert_eq "$(json_get "$(body)" role),$(json_get "$(body)" created_by)" "operator,api:$ADMIN" "h: its role and maker"
assert_eq "$(sql_value "SELECT HEX(token_sha256) FROM api_tokens WHERE name = $(sql_quote "$MADE")")" \
    "$(printf '%s' "$made" | sha256sum | cut -c1-64 | tr a-f A-F)" "h: stored as its SHA-256"
assert_eq "$(sql_value "SELECT COUNT(*) FROM admin_audit WHERE action = 'token create'
    AND target = $(sql_quote "token $MADE") AND actor = $(sql_quote "api:$ADMIN")")" 1 "h: audited as api:$ADMIN"
assert_eq "$(post "$base/unsubscribe" "$made")" 200 "h: the new operator token works at once"
assert_eq "$(audit_of unsubscribe "$R" "$MADE")" 1 "h: and is the actor of its change"
assert_no_match "$(cat "$TESTBED_WEB_LOG")" "${made#vm_}" "h: the new token is not logged"

assert_eq "$(api DELETE "/api/v1/tokens/$MADE" "$admin")" 200 "h: revoke"
assert_eq "$(sql_value "SELECT revoked_at IS NOT NULL FROM api_tokens WHERE name = $(sql_quote "$MADE")")" 1 "h: revoked"
assert_eq "$(sql_value "SELECT COUNT(*) FROM admin_audit WHERE action = 'token revoke'
    AND target = $(sql_quote "token $MADE") AND actor = $(sql_quote "api:$ADMIN")")" 1 "h: audited"
assert_eq "$(post "$base/resubscribe" "$made")" 401 "h: the revoked token is refused at once"
run_ok "token list" vadmin token list || true
assert_match "$RUN_OUT" "$MADE +operator" "h: verpmail-admin sees the API's token"

finish
