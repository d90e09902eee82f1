#!/usr/bin/env bash
# Local PostgreSQL (Debian's package, PostgreSQL 15 here) on 127.0.0.1: the
# storage of the local FerretDB (its PostgreSQL backend). A plain process,
# initdb'd once under the local state folder, stopped by pid. No Docker, no
# system service (the package's own cluster, if any, is left alone).
#
# usage: deploy/local/postgres.sh start|stop|restart|status|env|psql [ARGS...]
#
#   start    initdb if needed, start, wait until it accepts connections
#            (idempotent: a healthy server is reused, a dead one restarted)
#   stop     SIGINT (PostgreSQL's "fast" shutdown) the recorded pid, wait, SIGKILL if needed
#   restart  stop + start
#   status   one line; exit 0 if running and answering, 3 otherwise
#   env      print `export POSTGRES_URL=...` (the URL FerretDB uses) for eval
#   psql     run psql against the local server (as the superuser, database ferretdb)
#
# initdb and postgres refuse to run as root. When this script runs as root
# (CI containers), the server runs as the `postgres` user the Debian package
# creates (created here as a system user if it is missing), through setpriv,
# which execs (the recorded pid is the postmaster's own).
#
# env: POSTGRES_PORT (5432), POSTGRES_BIN_DIR (found on PATH, else
#      /usr/lib/postgresql/<newest>/bin), POSTGRES_FSYNC (off),
#      FENGQIAO_LOCAL_DIR, FENGQIAO_READY_TIMEOUT (120), FENGQIAO_STOP_TIMEOUT (30)
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

# shellcheck source=_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/_lib.sh"

POSTGRES_PORT="${POSTGRES_PORT:-5432}"
# A throwaway test server: durability against an OS crash is not wanted, speed is.
# fsync=off also turns synchronous_commit and full_page_writes off below. A killed
# postgres process loses nothing (the OS still has the pages); a power cut may.
POSTGRES_FSYNC="${POSTGRES_FSYNC:-off}"
POSTGRES_SUPERUSER=ferretdb
POSTGRES_DB=ferretdb
# FerretDB's pool (pool_max_conns in its URL) is 250; leave room for psql and pg_isready.
POSTGRES_MAX_CONNECTIONS=300

POSTGRES_STATE="$FQ_LOCAL_DIR/postgres"
POSTGRES_DATA="$POSTGRES_STATE/data"
POSTGRES_PIDFILE="$POSTGRES_STATE/postgres.pid"
POSTGRES_PORTFILE="$POSTGRES_STATE/postgres.port"
POSTGRES_LOG="$FQ_LOG_DIR/postgres.log"
POSTGRES_INITDB_LOG="$FQ_LOG_DIR/postgres-initdb.log"

# Sets POSTGRES_BIN_DIR to the folder holding initdb, postgres and pg_isready.
postgres_find_bin() {
  if [[ -n "${POSTGRES_BIN_DIR:-}" ]]; then
    [[ -x "$POSTGRES_BIN_DIR/postgres" ]] || fq_die "postgres: POSTGRES_BIN_DIR=$POSTGRES_BIN_DIR has no postgres binary"
    return 0
  fi
  local p d
  # Debian keeps the server binaries off PATH (only its pg_wrapper links are on it).
  if p="$(command -v postgres 2>/dev/null)" && [[ -x "$(dirname "$(readlink -f "$p")")/initdb" ]]; then
    POSTGRES_BIN_DIR="$(dirname "$(readlink -f "$p")")"
    return 0
  fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5nr); do
    if [[ -x "$d/postgres" && -x "$d/initdb" ]]; then
      POSTGRES_BIN_DIR="$d"
      return 0
    fi
  done
  fq_die "postgres: PostgreSQL server binaries not found (no postgres on PATH, nothing in /usr/lib/postgresql/*/bin): apt-get install postgresql, or set POSTGRES_BIN_DIR"
}

# Prefix that runs a command as the server's user: nothing unless we are root.
POSTGRES_AS=()
postgres_user_setup() {
  POSTGRES_AS=()
  [[ "$(id -u)" == 0 ]] || return 0
  command -v setpriv >/dev/null 2>&1 || fq_die "postgres: running as root needs setpriv (util-linux) to drop to the postgres user"
  if ! getent passwd postgres >/dev/null 2>&1; then
    fq_log "postgres: running as root and there is no postgres user: creating it (system user, no login)"
    useradd --system --user-group --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin postgres ||
      fq_die "postgres: could not create the postgres user (initdb and postgres refuse to run as root)"
  fi
  POSTGRES_AS=(setpriv --reuid=postgres --regid=postgres --init-groups --)
  # The server's user owns its data dir (postgres insists on 0700 and ownership); every folder
  # above it must be traversable by that user. A checkout under a private folder (a 0700 home or
  # mktemp -d) is not: then the data dir lives under /var/tmp instead, named after the state folder.
  mkdir -p "$POSTGRES_STATE"
  chown postgres: "$POSTGRES_STATE"
  if ! "${POSTGRES_AS[@]}" test -x "$POSTGRES_STATE"; then
    local alt
    alt="/var/tmp/fengqiao-postgres-$(printf '%s' "$POSTGRES_STATE" | sha256sum | cut -c1-16)"
    mkdir -p "$alt"
    chown postgres: "$alt"
    chmod 700 "$alt"
    POSTGRES_DATA="$alt/data"
    "${POSTGRES_AS[@]}" test -x "$alt" ||
      fq_die "postgres: the postgres user can reach neither $POSTGRES_STATE nor $alt; set FENGQIAO_LOCAL_DIR to a folder it can reach"
    fq_log "postgres: the postgres user cannot reach $POSTGRES_STATE (a parent folder is not world-traversable): its data lives in $POSTGRES_DATA"
  fi
  mkdir -p "$POSTGRES_DATA"
  chown postgres: "$POSTGRES_DATA"
}

postgres_ready() {
  "$POSTGRES_BIN_DIR/pg_isready" -q -h "$FQ_HOST" -p "$POSTGRES_PORT" -U "$POSTGRES_SUPERUSER" -d postgres -t 2 >/dev/null 2>&1
}

postgres_initdb_if_needed() {
  [[ -f "$POSTGRES_DATA/PG_VERSION" ]] && return 0
  local t0
  t0="$(fq_now_ms)"
  rm -rf "$POSTGRES_DATA"
  mkdir -p "$POSTGRES_DATA"
  chmod 700 "$POSTGRES_DATA"
  [[ ${#POSTGRES_AS[@]} -eq 0 ]] || chown postgres: "$POSTGRES_DATA"
  # trust on 127.0.0.1 only (listen_addresses below): a test server nobody else can reach.
  if ! "${POSTGRES_AS[@]}" "$POSTGRES_BIN_DIR/initdb" -D "$POSTGRES_DATA" -U "$POSTGRES_SUPERUSER" \
    --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-instructions >"$POSTGRES_INITDB_LOG" 2>&1; then
    fq_tail_logs "$POSTGRES_INITDB_LOG"
    rm -rf "$POSTGRES_DATA"
    fq_die "postgres: initdb failed (see $POSTGRES_INITDB_LOG)"
  fi
  fq_log "postgres: initdb $POSTGRES_DATA ($("$POSTGRES_BIN_DIR/postgres" --version)) in $(fq_elapsed "$t0")"
}

# Server settings, as command-line -c flags (they win over postgresql.conf).
postgres_args() {
  local sync=on
  [[ "$POSTGRES_FSYNC" == off ]] && sync=off
  POSTGRES_ARGS=(-D "$POSTGRES_DATA"
    -c "listen_addresses=$FQ_HOST" -c "port=$POSTGRES_PORT"
    -c "unix_socket_directories=" # TCP only: no socket in /var/run/postgresql (not ours, maybe not writable)
    -c "max_connections=$POSTGRES_MAX_CONNECTIONS"
    -c "fsync=$POSTGRES_FSYNC" -c "synchronous_commit=$sync" -c "full_page_writes=$sync"
    -c "logging_collector=off" -c "log_destination=stderr" -c "log_line_prefix=%m [%p] "
    # Every lookup FerretDB sends on a hot path has an index (an `_id`, or a top-level field with a
    # GIN twin), yet the planner chose sequential scans for them (issue 15: a third of the views'
    # `_id` lookups in a 20 s benchmark run), for two reasons: on a small collection a scan looks
    # cheaper, though FerretDB's documents (a case view is 4-9 kB with FerretDB's schema) are
    # TOASTed and the scan decompresses every row to test `_jsonb->'_id'`, a cost the planner does
    # not count; and FerretDB's statements name the field as a parameter (`_jsonb->$1 @> $2`), so
    # once PostgreSQL switches a connection's statement to its generic plan (which it does when that
    # plan looks no dearer than the custom ones), the index on `_jsonb->'_id'` cannot match and the
    # plan is a scan. Off, a query that has a usable index always uses it, the generic plan never
    # looks cheaper than a custom one, and a query with no usable index still scans (the setting
    # only penalises scans).
    -c "enable_seqscan=off"
  )
}

# Create FerretDB's database once (FerretDB creates one schema per MongoDB database in it),
# then install the GIN twins of FerretDB's indexes (postgres-twin-indexes.sql; idempotent).
postgres_create_db_if_needed() {
  [[ -f "$POSTGRES_STATE/db.created" ]] || postgres_create_db
  postgres_twin_indexes
}

postgres_twin_indexes() {
  local out
  if ! out="$("$POSTGRES_BIN_DIR/psql" -h "$FQ_HOST" -p "$POSTGRES_PORT" -U "$POSTGRES_SUPERUSER" -d "$POSTGRES_DB" -XAtq -v ON_ERROR_STOP=1 \
    -f "$(dirname "${BASH_SOURCE[0]}")/postgres-twin-indexes.sql" 2>&1)"; then
    fq_die "postgres: could not install the GIN twins of FerretDB's indexes: $out"
  fi
  fq_log "postgres: GIN twins of FerretDB's indexes installed (trigger on, $out existing index(es) checked)"
}

postgres_create_db() {
  local out
  if ! out="$("$POSTGRES_BIN_DIR/psql" -h "$FQ_HOST" -p "$POSTGRES_PORT" -U "$POSTGRES_SUPERUSER" -d postgres -XAtq \
    -c "SELECT 1 FROM pg_database WHERE datname = '$POSTGRES_DB'" 2>&1)"; then
    fq_die "postgres: could not query pg_database: $out"
  fi
  if [[ "$out" != 1 ]]; then
    "$POSTGRES_BIN_DIR/psql" -h "$FQ_HOST" -p "$POSTGRES_PORT" -U "$POSTGRES_SUPERUSER" -d postgres -XAtq \
      -c "CREATE DATABASE $POSTGRES_DB" >/dev/null || fq_die "postgres: CREATE DATABASE $POSTGRES_DB failed"
    fq_log "postgres: created database $POSTGRES_DB"
  fi
  touch "$POSTGRES_STATE/db.created"
}

postgres_wait_ready() {
  local pid="$1" t0="$2" deadline
  deadline=$(($(fq_now_ms) + FQ_READY_TIMEOUT * 1000))
  while :; do
    if ! fq_running "$pid"; then
      rm -f "$POSTGRES_PIDFILE"
      fq_tail_logs "$POSTGRES_LOG"
      fq_die "postgres: server (pid $pid) exited during startup; log: $POSTGRES_LOG"
    fi
    if postgres_ready; then
      fq_log "postgres: ready on $FQ_HOST:$POSTGRES_PORT in $(fq_elapsed "$t0") (pid $pid, log $POSTGRES_LOG)"
      return 0
    fi
    if (($(fq_now_ms) > deadline)); then
      fq_tail_logs "$POSTGRES_LOG"
      fq_log "postgres: not ready after ${FQ_READY_TIMEOUT}s; stopping pid $pid"
      fq_stop_pidfile postgres "$POSTGRES_PIDFILE" INT
      exit 1
    fi
    sleep 0.1
  done
}

postgres_start() {
  fq_init_local_dir
  mkdir -p "$POSTGRES_STATE"
  fq_lock "$POSTGRES_STATE/.lock" 9
  postgres_find_bin
  local pid t0
  t0="$(fq_now_ms)"
  if pid="$(fq_pid_alive "$POSTGRES_PIDFILE")"; then
    if [[ "$(cat "$POSTGRES_PORTFILE" 2>/dev/null)" != "$POSTGRES_PORT" ]]; then
      fq_log "postgres: running (pid $pid) on another port ($(cat "$POSTGRES_PORTFILE" 2>/dev/null)); restarting"
      fq_stop_pidfile postgres "$POSTGRES_PIDFILE" INT
    elif postgres_ready; then
      fq_log "postgres: already running and healthy (pid $pid, $FQ_HOST:$POSTGRES_PORT)"
      postgres_create_db_if_needed
      return 0
    else
      fq_log "postgres: pid $pid is running but does not answer yet; waiting"
      postgres_wait_ready "$pid" "$t0"
      postgres_create_db_if_needed
      return 0
    fi
  elif [[ -f "$POSTGRES_PIDFILE" ]]; then
    fq_log "postgres: recorded pid $(cut -d' ' -f1 "$POSTGRES_PIDFILE") is dead; restarting"
    rm -f "$POSTGRES_PIDFILE"
  fi

  fq_require_free_port "$POSTGRES_PORT" PostgreSQL POSTGRES_PORT
  postgres_user_setup
  postgres_initdb_if_needed
  # A postmaster killed with -9 leaves postmaster.pid behind; postgres itself
  # checks whether that pid still runs a postgres (and refuses if so).
  [[ -f "$POSTGRES_LOG" ]] && mv -f "$POSTGRES_LOG" "$POSTGRES_LOG.prev"
  postgres_args
  local t1
  t1="$(fq_now_ms)"
  pid="$(fq_launch "$POSTGRES_PIDFILE" "$POSTGRES_LOG" "${POSTGRES_AS[@]}" "$POSTGRES_BIN_DIR/postgres" "${POSTGRES_ARGS[@]}")"
  echo "$POSTGRES_PORT" >"$POSTGRES_PORTFILE"
  fq_log "postgres: started pid $pid ($("$POSTGRES_BIN_DIR/postgres" --version)${POSTGRES_AS[*]:+, as user postgres}, fsync=$POSTGRES_FSYNC, max_connections=$POSTGRES_MAX_CONNECTIONS)"
  postgres_wait_ready "$pid" "$t1"
  postgres_create_db_if_needed
  fq_log "postgres: start took $(fq_elapsed "$t0") in total"
}

postgres_stop() {
  fq_init_local_dir
  mkdir -p "$POSTGRES_STATE"
  fq_lock "$POSTGRES_STATE/.lock" 9
  # SIGINT = "fast" shutdown: ends client sessions (SIGTERM would wait for them).
  fq_stop_pidfile postgres "$POSTGRES_PIDFILE" INT
}

postgres_status() {
  local pid
  postgres_find_bin
  if pid="$(fq_pid_alive "$POSTGRES_PIDFILE")"; then
    if postgres_ready; then
      echo "postgres  running   pid $pid  $FQ_HOST:$POSTGRES_PORT  $("$POSTGRES_BIN_DIR/postgres" --version)  log $POSTGRES_LOG"
      return 0
    fi
    echo "postgres  starting  pid $pid  $FQ_HOST:$POSTGRES_PORT not answering yet  log $POSTGRES_LOG"
    return 3
  fi
  if [[ -f "$POSTGRES_PIDFILE" ]]; then
    echo "postgres  dead      recorded pid $(cut -d' ' -f1 "$POSTGRES_PIDFILE") is gone  log $POSTGRES_LOG"
  else
    echo "postgres  stopped"
  fi
  return 3
}

case "${1:-}" in
  start) postgres_start ;;
  stop) postgres_stop ;;
  restart)
    postgres_stop
    postgres_start
    ;;
  status) postgres_status ;;
  env) echo "export POSTGRES_URL=postgres://$POSTGRES_SUPERUSER@$FQ_HOST:$POSTGRES_PORT/$POSTGRES_DB" ;;
  psql)
    shift
    postgres_find_bin
    exec "$POSTGRES_BIN_DIR/psql" -h "$FQ_HOST" -p "$POSTGRES_PORT" -U "$POSTGRES_SUPERUSER" -d "$POSTGRES_DB" "$@"
    ;;
  *)
    echo "usage: $0 start|stop|restart|status|env|psql [ARGS...]" >&2
    exit 2
    ;;
esac
