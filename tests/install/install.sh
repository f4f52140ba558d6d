#!/usr/bin/env bash
# install: README.md's "Install" section, step by step, into scratch places.
#
# This script mirrors README "Install" step by step: each "Step N" below is the
# README's step N with the same commands, with these substitutions and nothing else:
#
#   README                          here
#   /usr/local (cmake --install)    DESTDIR=$SCRATCH/root, so $SCRATCH/root/usr/local
#   /etc/verpmail                   $SCRATCH/root/etc/verpmail
#   /etc/postfix, postfix ...       a private Postfix: $SCRATCH/postfix/etc, postfix -c
#   /run/verpmail                   $SCRATCH/root/run/verpmail
#   /run/mysqld/mysqld.sock         a private mariadbd: $SCRATCH/mysqld/mysqld.sock
#   the user verpmail               nobody (useradd would write /etc/passwd)
#   bounces.example.org             bounces.example.org (nothing leaves loopback)
#   no-such-user@example.org        someone@reject.test, at an MTA that refuses everyone
#   issue.eml                       $SCRATCH/issue.eml
#   systemd (step 9a)               the unit's ExecStart is checked; step 9b runs it
#   the user verpmail-web (step 12) nobody, as above; /etc/verpmail/web and /run as above
#   systemd (step 12)               the unit's ExecStart is checked; start-stop-daemon runs it
#   127.0.0.1:8025 (web.listen)     127.0.0.1:3229
#
# Before step 1 it starts what a Debian machine with Postfix already has: a MariaDB
# server (port 34006) and a Postfix instance (smtpd on 127.0.0.1:3225), plus a
# "remote" MTA that refuses every recipient (smtp-sink, 3227). Step 11 mails one
# member at that MTA and checks that the return came back through Postfix, over
# LMTP, and was recorded as a hard bounce. Ports 3225-3232 and 34006: never the test
# beds'. Everything it starts is stopped and $SCRATCH removed on exit, failed or not
# (INSTALL_KEEP=1 keeps $SCRATCH). It touches no system Postfix, MariaDB or /etc.
#
#   tests/install/install.sh BUILD_DIR      (as root; ctest runs it, label install)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${1:-$REPO/build}
BUILD=$(cd "$BUILD" && pwd)

readonly LOOPBACK=127.0.0.1
readonly SMTP_PORT=3225 POLICY_PORT=3226 SINK_PORT=3227 SUBMIT_PORT=3228 WEB_PORT=3229 MARIADB_PORT=34006
readonly DOMAIN=bounces.example.org
readonly MEMBER=someone@reject.test
readonly SERVICE_USER=nobody

log() { printf 'install.sh: %s\n' "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }
step() { printf '\n== Step %s\n' "$*" >&2; }

[[ $EUID -eq 0 ]] || { log "FAIL: needs root (it starts mariadbd and Postfix)"; exit 1; }
for port in $SMTP_PORT $POLICY_PORT $SINK_PORT $SUBMIT_PORT $WEB_PORT $MARIADB_PORT; do
    ! (exec 3<>"/dev/tcp/$LOOPBACK/$port") 2>/dev/null || die "$LOOPBACK:$port is in use"
done

SCRATCH=$(mktemp -d /tmp/verpmail-install.XXXXXX)
chmod 0755 "$SCRATCH"
readonly SCRATCH
readonly DESTDIR_=$SCRATCH/root
readonly PREFIX=$DESTDIR_/usr/local
readonly ETC=$DESTDIR_/etc/verpmail
readonly RUN=$DESTDIR_/run/verpmail
readonly PF=$SCRATCH/postfix/etc
readonly PF_SPOOL=$SCRATCH/postfix/spool
readonly DB_DIR=$SCRATCH/mysqld
readonly DB_SOCK=$DB_DIR/mysqld.sock
readonly LOGS=$SCRATCH/log
readonly ROOT_SQL=(mariadb --no-defaults -S "$DB_SOCK" -uroot -N -B)
install -d -m 1777 "$LOGS"
install -d -m 0755 "$DESTDIR_" "$DESTDIR_/etc" "$DESTDIR_/run"

# ----------------------------------------------------------------- clean-up

pids_to_stop=()
alive() { [[ -d /proc/$1 ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
cleanup() {
    local rc=$? pid i
    if ((rc != 0)); then
        log "failed (exit $rc); the last lines of the logs:"
        tail -n 20 "$LOGS"/maillog "$LOGS"/verpmail.log "$LOGS"/lmtp.out "$LOGS"/web.out "$LOGS"/mariadb.err >&2 2>/dev/null || true
    fi
    if [[ -r $RUN/lmtp.pid ]]; then pids_to_stop+=("$(cat "$RUN/lmtp.pid")"); fi
    if [[ -r $DESTDIR_/run/verpmail-web.pid ]]; then pids_to_stop+=("$(cat "$DESTDIR_/run/verpmail-web.pid")"); fi
    if [[ -r $PF_SPOOL/pid/master.pid ]]; then pids_to_stop+=("$(tr -d ' ' <"$PF_SPOOL/pid/master.pid")"); fi
    for pid in "${pids_to_stop[@]}"; do
        if [[ $pid =~ ^[0-9]+$ ]]; then kill -TERM "$pid" 2>/dev/null || true; fi
    done
    for pid in "${pids_to_stop[@]}"; do
        [[ $pid =~ ^[0-9]+$ ]] || continue
        for ((i = 0; i < 200; i++)); do
            alive "$pid" || break
            sleep 0.05
        done
        if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    done
    if [[ ${INSTALL_KEEP:-0} == 1 ]]; then log "kept $SCRATCH"; else rm -rf -- "$SCRATCH"; fi
    exit "$rc"
}
trap cleanup EXIT

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...: poll until COMMAND succeeds
    local seconds=$1 what=$2 i
    shift 2
    for ((i = 0; i < seconds * 10; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    die "$what: not within $seconds s"
}
listening() { (exec 3<>"/dev/tcp/$LOOPBACK/$1") 2>/dev/null; }

# ---------------------------------------- what the machine already has (not README)

start_mariadb() {
    local user=mysql
    id mysql >/dev/null 2>&1 || user=root
    install -d -o "$user" -m 0755 "$DB_DIR"
    mariadb-install-db --no-defaults --user="$user" --datadir="$DB_DIR/data" --skip-test-db \
        --auth-root-authentication-method=socket >"$LOGS/mariadb-install.log" 2>&1 ||
        die "mariadb-install-db: $(tail -n 5 "$LOGS/mariadb-install.log")"
    setsid mariadbd --no-defaults --user="$user" --datadir="$DB_DIR/data" --socket="$DB_SOCK" \
        --port=$MARIADB_PORT --bind-address=$LOOPBACK --pid-file="$DB_DIR/mysqld.pid" \
        --log-error="$LOGS/mariadb.err" --skip-log-bin --innodb-buffer-pool-size=32M \
        </dev/null >/dev/null 2>&1 &
    pids_to_stop+=($!)
    wait_for 60 "mariadbd answering" mariadb-admin --no-defaults -S "$DB_SOCK" -uroot ping
}

start_sink() {
    setsid smtp-sink -u "$SERVICE_USER" -4 -h reject.sink.test -f RCPT \
        -B "550 5.1.1 Recipient address rejected: User unknown" "$LOOPBACK:$SINK_PORT" 16 \
        </dev/null >"$LOGS/sink.log" 2>&1 &
    pids_to_stop+=($!)
    wait_for 10 "smtp-sink listening" listening $SINK_PORT
}

# Debian's stock configuration, made a loopback-only instance of its own.
start_postfix() {
    local d
    install -d -m 0755 "$PF" "$PF_SPOOL" "$PF_SPOOL/pid"
    install -d -o postfix -m 0700 "$SCRATCH/postfix/data"
    for d in active bounce corrupt defer deferred flush hold incoming private saved trace; do
        install -d -o postfix -g root -m 0700 "$PF_SPOOL/$d"
    done
    install -d -o postfix -g postdrop -m 0730 "$PF_SPOOL/maildrop"
    install -d -o postfix -g postdrop -m 0710 "$PF_SPOOL/public"
    cp /usr/share/postfix/main.cf.debian "$PF/main.cf"
    cp /usr/share/postfix/master.cf.dist "$PF/master.cf"
    postconf -c "$PF" -e "queue_directory = $PF_SPOOL" "data_directory = $SCRATCH/postfix/data" \
        "maillog_file = $LOGS/maillog" "maillog_file_prefixes = $SCRATCH" "myhostname = mta.example.test" "mydestination =" \
        "alias_maps =" "alias_database =" "local_recipient_maps =" "inet_interfaces = loopback-only" \
        "inet_protocols = ipv4" "smtp_dns_support_level = disabled" \
        "transport_maps = hash:$PF/transport" "maximal_queue_lifetime = 1h" "bounce_queue_lifetime = 1h"
    postconf -c "$PF" -M -X smtp/inet
    postconf -c "$PF" -M -e "$LOOPBACK:$SMTP_PORT/inet=$LOOPBACK:$SMTP_PORT inet n - n - - smtpd"
    postconf -c "$PF" -F -e '*/*/chroot = n'
    printf 'reject.test  smtp:[%s]:%s\n' $LOOPBACK $SINK_PORT >"$PF/transport"
    postmap -c "$PF" "hash:$PF/transport"
    touch -d '-1 minute' "$PF"/*
    postfix -c "$PF" check || die "postfix check of the stand-in instance"
    postfix -c "$PF" start >"$LOGS/postfix-start.log" 2>&1 || die "postfix start: $(tail -n 5 "$LOGS/maillog")"
    wait_for 10 "smtpd listening" listening $SMTP_PORT
}

start_mariadb
start_sink
start_postfix

# In the README these paths are /etc/verpmail/verpmail.properties and the default.
export VERPMAIL_CONFIG=$ETC/verpmail.properties
export PATH=$PREFIX/sbin:$PREFIX/bin:$PATH

# ------------------------------------------------------------------ README steps

step "1: dependencies"
"$REPO/scripts/install-deps"

step "2: build"
cmake --build "$BUILD" -j2 >"$LOGS/build.log" 2>&1 || die "cmake --build: $(tail -n 20 "$LOGS/build.log")"

step "3: install"
DESTDIR=$DESTDIR_ cmake --install "$BUILD" >"$LOGS/install.log" 2>&1 || die "cmake --install: $(cat "$LOGS/install.log")"
for f in bin/verpmail-send sbin/verpmail-bouncer sbin/verpmail-admin sbin/verpmail-web; do
    [[ -x $PREFIX/$f ]] || die "$PREFIX/$f not installed"
done
for page in man1/verpmail-send.1 man8/verpmail-bouncer.8 man8/verpmail-admin.8 man8/verpmail-web.8; do
    f=$PREFIX/share/man/$page
    [[ -s $f ]] || die "$f not installed"
    for section in FILES EXAMPLES "SEE ALSO" OPTIONS; do
        grep -q "^\.SH \"\?$section\"\?\$" "$f" || die "$page has no $section section"
    done
done
for f in verpmail-lmtp.service verpmail-web.service master.cf.verpmail main.cf.verpmail verpmail.properties README.md; do
    [[ -s $PREFIX/share/doc/verpmail/examples/$f ]] || die "example $f not installed"
done
ls "$PREFIX"/share/verpmail/sql/001_initial.sql >/dev/null || die "sql not installed"
[[ -x $PREFIX/share/verpmail/postfix-setup ]] || die "postfix-setup not installed"

step "4: the bouncer's user ($SERVICE_USER here)"
id "$SERVICE_USER" >/dev/null

step "5: the VERP key"
install -d -m 0755 "$ETC"
(umask 077 && head -c 32 /dev/urandom >"$ETC/verp.key")
(umask 077 && head -c 32 /dev/urandom >"$ETC/unsubscribe.key")
chown "$SERVICE_USER" "$ETC/verp.key" "$ETC/unsubscribe.key"

step "6: the properties file"
cat >"$ETC/verpmail.properties" <<EOF
mysql.optionFile = $ETC/my.cnf
bouncer.mysql.optionFile = $ETC/bouncer.cnf
verp.domain = $DOMAIN
verp.keyFile = $ETC/verp.key
smtp.server = $LOOPBACK:$SUBMIT_PORT
unsubscribe.keyFile = $ETC/unsubscribe.key
send.unsubscribeUrl = https://lists.example.org/unsubscribe/{list}/{token}
send.unsubscribeMailto = unsubscribe+{token}@$DOMAIN
# Not in the README: the scratch places and ports of this test.
bouncer.lmtp.listen = unix:$RUN/lmtp.sock
bouncer.policy.listen = inet:$LOOPBACK:$POLICY_PORT
web.listen = $LOOPBACK:$WEB_PORT
logging.loggers.root.channel = file
logging.channels.file.class = FileChannel
logging.channels.file.path = $LOGS/verpmail.log
EOF
install -o "$SERVICE_USER" -m 0644 /dev/null "$LOGS/verpmail.log"

step "7: the database and its accounts"
"${ROOT_SQL[@]}" -e "CREATE DATABASE IF NOT EXISTS verpmail CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"
(
    umask 077
    head -c 24 /dev/urandom | base64 >"$ETC/admin.password"
    head -c 24 /dev/urandom | base64 >"$ETC/bouncer.password"
    printf '[verpmail]\nsocket = %s\nuser = root\ndatabase = verpmail\n' "$DB_SOCK" >"$ETC/root.cnf"
)
verpmail-admin --define mysql.optionFile="$ETC/root.cnf" db migrate --create \
    --admin-password-file "$ETC/admin.password" --bouncer-password-file "$ETC/bouncer.password"
(
    umask 077
    printf '[verpmail]\nsocket = %s\nuser = verpmail_admin\npassword = %s\ndatabase = verpmail\n' \
        "$DB_SOCK" "$(cat "$ETC/admin.password")" >"$ETC/my.cnf"
    printf '[verpmail]\nsocket = %s\nuser = verpmail_bouncer\npassword = %s\ndatabase = verpmail\n' \
        "$DB_SOCK" "$(cat "$ETC/bouncer.password")" >"$ETC/bouncer.cnf"
)
chown "$SERVICE_USER" "$ETC/bouncer.cnf"
rm "$ETC/admin.password" "$ETC/bouncer.password"
# The accounts are the least-privilege ones, not root's.
[[ $("${ROOT_SQL[@]}" -e "SELECT COUNT(*) FROM mysql.user WHERE user IN ('verpmail_admin','verpmail_bouncer')") == 2 ]] ||
    die "db migrate --create did not create both accounts"

step "8: Postfix"
"$PREFIX/share/verpmail/postfix-setup" --config-dir "$PF" --bounce-domain "$DOMAIN" \
    --socket "$RUN/lmtp.sock" --policy "inet:$LOOPBACK:$POLICY_PORT" --submission "$LOOPBACK:$SUBMIT_PORT"
postfix -c "$PF" check && postfix -c "$PF" reload
wait_for 10 "the sender's listener" listening $SUBMIT_PORT

step "9a: the LMTP server with systemd (no systemd here: the unit is checked)"
unit=$PREFIX/share/doc/verpmail/examples/verpmail-lmtp.service
grep -qx "ExecStart=/usr/local/sbin/verpmail-bouncer --config /etc/verpmail/verpmail.properties --lmtp" "$unit" ||
    die "$unit does not start the installed bouncer"
[[ -x $DESTDIR_/usr/local/sbin/verpmail-bouncer ]] || die "the unit's ExecStart names no installed program"

step "9b: the LMTP server without systemd"
install -d -o "$SERVICE_USER" -g postfix -m 0750 "$RUN"
start-stop-daemon --start --background --chuid "$SERVICE_USER" \
    --make-pidfile --pidfile "$RUN/lmtp.pid" --output "$LOGS/lmtp.out" \
    --exec "$PREFIX/sbin/verpmail-bouncer" -- --config "$ETC/verpmail.properties" --lmtp
wait_for 10 "verpmail-bouncer --lmtp listening" test -S "$RUN/lmtp.sock"
wait_for 10 "the policy service listening" listening $POLICY_PORT

step "10: verpmail-admin check"
verpmail-admin --define postfix.configDirectory="$PF" check | tee "$LOGS/check.txt" ||
    die "verpmail-admin check failed"
grep -q '^check result=ok' "$LOGS/check.txt" || die "verpmail-admin check has no 'check result=ok' line"

step "11: the loop"
verpmail-admin list create news --from news@example.org
verpmail-admin members add news "$MEMBER"
printf 'From: news@example.org\nSubject: install test\n\nHello.\n' >"$SCRATCH/issue.eml"
verpmail-send --list news --message "$SCRATCH/issue.eml"
recorded() {
    [[ $("${ROOT_SQL[@]}" verpmail -e "SELECT bounce_type FROM bounce_logs WHERE email = '$MEMBER'") == hard ]]
}
wait_for 60 "the return of the mail to $MEMBER recorded as hard" recorded
verpmail-admin explain "$MEMBER" | tee "$LOGS/explain.txt"
grep -qi hard "$LOGS/explain.txt" || die "explain does not show the hard bounce"
grep -q "status=sent (250 " "$LOGS/maillog" || die "Postfix's log shows no LMTP delivery"

step "12: the web side"
id "$SERVICE_USER" >/dev/null
install -d -m 0755 "$ETC/web"
install -o "$SERVICE_USER" -m 0600 "$ETC/unsubscribe.key" "$ETC/web/"
(umask 077 && head -c 24 /dev/urandom | base64 >"$ETC/web.password")
verpmail-admin --define mysql.optionFile="$ETC/root.cnf" db accounts --create \
    --web-password-file "$ETC/web.password"
(
    umask 077
    printf '[verpmail]\nsocket = %s\nuser = verpmail_web\npassword = %s\ndatabase = verpmail\n' \
        "$DB_SOCK" "$(cat "$ETC/web.password")" >"$ETC/web/web.cnf"
)
chown "$SERVICE_USER" "$ETC/web/web.cnf"
rm "$ETC/web.password"
echo "web.mysql.optionFile = $ETC/web/web.cnf" >>"$ETC/verpmail.properties"
unit=$PREFIX/share/doc/verpmail/examples/verpmail-web.service
grep -qx "ExecStart=/usr/local/sbin/verpmail-web --config /etc/verpmail/verpmail.properties --define unsubscribe.keyFile=/etc/verpmail/web/unsubscribe.key" "$unit" ||
    die "$unit does not start the installed verpmail-web"
start-stop-daemon --start --background --chuid "$SERVICE_USER" \
    --make-pidfile --pidfile "$DESTDIR_/run/verpmail-web.pid" --output "$LOGS/web.out" \
    --exec "$PREFIX/sbin/verpmail-web" -- --config "$ETC/verpmail.properties" \
    --define unsubscribe.keyFile="$ETC/web/unsubscribe.key"
wait_for 10 "verpmail-web listening" listening $WEB_PORT
health=$(curl -s "http://$LOOPBACK:$WEB_PORT/api/v1/health")
[[ $health == '{"status":"ok","database":"ok"}' ]] || die "verpmail-web's health: $health"
token=$(verpmail-admin token create alice --role operator)
whoami=$(curl -s -H "Authorization: Bearer $token" "http://$LOOPBACK:$WEB_PORT/api/v1/whoami")
[[ $whoami == '{"name":"alice","role":"operator"}' ]] || die "the operator's token: $whoami"
# The web account reads what the API shows, on its own grants.
members=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
    "http://$LOOPBACK:$WEB_PORT/api/v1/lists/news/members")
[[ $members == 200 ]] || die "the members of news through the API: HTTP $members"

echo "1 passed, 0 failed"
