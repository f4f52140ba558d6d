#!/usr/bin/env bash
# admin_tokens: verpmail-admin token create|list|revoke, the API's bearer tokens.
#
#   (a) create prints the token once (vm_ + 32 base32), stores only its SHA-256, audits
#   (b) list shows names, roles and dates, never a token; --format json
#   (c) errors: a taken name 65, a bad role or name 64, no --role 64; nothing audited
#   (d) revoke; a second revoke 65
source "$(dirname "$0")/lib.sh"

require_programs verpmail-admin

readonly NAME=tok-$E2E_RUN_ID
audits() { sql_value "SELECT COUNT(*) FROM admin_audit WHERE action = $(sql_quote "$1") AND target = 'token $NAME'"; }

# ---------------------------------------------------------------- (a) create
run_ok "token create $NAME" vadmin token create "$NAME" --role operator || fatal "token create"
token=$RUN_OUT
assert_match "$token" '^vm_[a-z2-7]{32}$' "a: the token alone on stdout"
assert_match "$(cat "$E2E_TMP/stderr")" "token $NAME role=operator created" "a: what it is, on stderr"
stored=$(sql_value "SELECT HEX(token_sha256) FROM api_tokens WHERE name = $(sql_quote "$NAME")")
assert_eq "$stored" "$(printf '%s' "$token" | sha256sum | cut -c1-64 | tr a-f A-F)" "a: only its SHA-256 is stored"
assert_eq "$(audits "token create")" 1 "a: audited"

# ---------------------------------------------------------------- (b) list
run_ok "token list" vadmin token list || true
assert_match "$RUN_OUT" "$NAME +operator" "b: the table names it with its role"
assert_no_match "$RUN_OUT" "${token#vm_}" "b: and never shows a token"
run_ok "token list --format json" vadmin token list --format json || true
role=$(python3 -c 'import json,sys; print([t["role"] for t in json.loads(sys.argv[1]) if t["name"] == sys.argv[2]][0])' \
    "$RUN_OUT" "$NAME")
assert_eq "$role" operator "b: json"

# ---------------------------------------------------------------- (c) errors
run_status "c: a taken name" 65 vadmin token create "$NAME" --role viewer || true
run_status "c: a bad role" 64 vadmin token create "$NAME-2" --role root || true
run_status "c: no role" 64 vadmin token create "$NAME-2" || true
run_status "c: a bad name" 64 vadmin token create "bad name" --role viewer || true
assert_eq "$(audits "token create")" 1 "c: nothing more audited"
assert_eq "$(sql_value "SELECT COUNT(*) FROM api_tokens WHERE name LIKE $(sql_quote "$NAME%")")" 1 "c: nothing more stored"

# ---------------------------------------------------------------- (d) revoke
run_ok "token revoke" vadmin token revoke "$NAME" || true
assert_eq "$(sql_value "SELECT revoked_at IS NOT NULL FROM api_tokens WHERE name = $(sql_quote "$NAME")")" 1 "d: revoked"
assert_eq "$(audits "token revoke")" 1 "d: audited"
run_status "d: a second revoke" 65 vadmin token revoke "$NAME" || true

finish
