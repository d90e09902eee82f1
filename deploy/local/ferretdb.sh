#!/usr/bin/env bash
# Local FerretDB (MongoDB wire protocol, pure Go) on 127.0.0.1, with its
# PostgreSQL backend on the local PostgreSQL of deploy/local/postgres.sh (which
# must be running first; servers.sh starts it). Built once from
# deploy/local/ferretdb/ (a tiny main embedding github.com/FerretDB/FerretDB/ferretdb)
# with the installed Go. No Docker.
#
# usage: deploy/local/ferretdb.sh start|stop|restart|status|env|build|ping
#
#   start    build if needed, start, wait until it answers a MongoDB ping
#            (idempotent: a healthy server is reused, a dead one restarted)
#   stop     SIGTERM the recorded pid, wait, SIGKILL if needed
#   restart  stop + start
#   status   one line; exit 0 if running and answering, 3 otherwise
#   env      print `export MONGO_URL=...` for eval
#   build    only build the binary into the cache
#   ping     send a MongoDB {ping: 1}; exit 0 if it answers ok
#
# env: FERRETDB_PORT (27017), POSTGRES_PORT (5432), FERRETDB_GOGC (400), FENGQIAO_CACHE_DIR, FENGQIAO_LOCAL_DIR,
#      FENGQIAO_READY_TIMEOUT (120), FENGQIAO_STOP_TIMEOUT (30)
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

# shellcheck source=_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/_lib.sh"

FERRETDB_PORT="${FERRETDB_PORT:-27017}"
POSTGRES_PORT="${POSTGRES_PORT:-5432}"
# pool_max_conns: FerretDB's default pool (50) deadlocks under ~200 concurrent
# updates (issue 15); 250 passes, with max_connections=300 on the server.
FERRETDB_POSTGRESQL_URL="postgres://ferretdb@$FQ_HOST:$POSTGRES_PORT/ferretdb?pool_max_conns=250"
FERRETDB_SRC="$FQ_LOCAL_SCRIPTS/ferretdb"
FERRETDB_VERSION="$(grep -Eo 'github\.com/FerretDB/FerretDB v[^ ]+' "$FERRETDB_SRC/go.mod" | head -n1 | cut -d' ' -f2)"
FERRETDB_KEY="$FERRETDB_VERSION-$(cat "$FERRETDB_SRC/main.go" "$FERRETDB_SRC/go.mod" "$FERRETDB_SRC/go.sum" | fq_sha256 | cut -c1-12)"
FERRETDB_BIN="$FQ_CACHE_DIR/ferretdb/$FERRETDB_KEY/ferretdb-local"

FERRETDB_STATE="$FQ_LOCAL_DIR/ferretdb"
FERRETDB_PIDFILE="$FERRETDB_STATE/ferretdb.pid"
FERRETDB_PORTFILE="$FERRETDB_STATE/ferretdb.port"
FERRETDB_LOG="$FQ_LOG_DIR/ferretdb.log"

ferretdb_build() {
  [[ -x "$FERRETDB_BIN" ]] && return 0
  fq_init_local_dir
  command -v go >/dev/null 2>&1 || fq_die "Go not found (needed once to build FerretDB): install Go 1.24+ and put it on PATH"
  fq_lock "$FQ_CACHE_DIR/ferretdb/.lock" 8
  [[ -x "$FERRETDB_BIN" ]] && return 0

  local t0 out log="$FQ_LOG_DIR/ferretdb-build.log"
  t0="$(fq_now_ms)"
  fq_log "ferretdb: building FerretDB $FERRETDB_VERSION with $(go env GOVERSION) into $(dirname "$FERRETDB_BIN") (log: $log; first build takes a few minutes)"
  out="$FERRETDB_BIN.tmp.$$"
  mkdir -p "$(dirname "$FERRETDB_BIN")"
  # Own module/build caches under the cache dir (writable, so `rm -rf` works);
  # CGO off: FerretDB and its PostgreSQL driver (pgx) are pure Go.
  if ! (cd "$FERRETDB_SRC" && env GOMODCACHE="$FQ_CACHE_DIR/go/mod" GOCACHE="$FQ_CACHE_DIR/go/build" \
    GOFLAGS=-modcacherw GOWORK=off CGO_ENABLED=0 \
    go build -mod=readonly -trimpath -ldflags='-s -w' -o "$out" .) >"$log" 2>&1; then
    rm -f "$out"
    fq_tail_logs "$log"
    fq_die "ferretdb: go build failed (see $log)"
  fi
  mv -f "$out" "$FERRETDB_BIN"
  fq_log "ferretdb: built $(basename "$FERRETDB_BIN") ($FERRETDB_VERSION) in $(fq_elapsed "$t0")"
}

ferretdb_ping() {
  [[ -x "$FERRETDB_BIN" ]] || return 1
  "$FERRETDB_BIN" ping -addr "$FQ_HOST:$FERRETDB_PORT" -timeout 2s >/dev/null 2>&1
}

ferretdb_wait_ready() {
  local pid="$1" t0="$2" deadline
  deadline=$(($(fq_now_ms) + FQ_READY_TIMEOUT * 1000))
  while :; do
    if ! fq_running "$pid"; then
      rm -f "$FERRETDB_PIDFILE"
      fq_tail_logs "$FERRETDB_LOG"
      fq_die "ferretdb: server (pid $pid) exited during startup; log: $FERRETDB_LOG"
    fi
    if ferretdb_ping; then
      fq_log "ferretdb: ready on $FQ_HOST:$FERRETDB_PORT in $(fq_elapsed "$t0") (pid $pid, FerretDB $FERRETDB_VERSION, log $FERRETDB_LOG)"
      return 0
    fi
    if (($(fq_now_ms) > deadline)); then
      fq_tail_logs "$FERRETDB_LOG"
      fq_log "ferretdb: not ready after ${FQ_READY_TIMEOUT}s; stopping pid $pid"
      fq_stop_pidfile ferretdb "$FERRETDB_PIDFILE"
      exit 1
    fi
    sleep 0.1
  done
}

ferretdb_start() {
  fq_init_local_dir
  fq_lock "$FERRETDB_STATE/.lock" 9
  local pid t0
  t0="$(fq_now_ms)"
  if pid="$(fq_pid_alive "$FERRETDB_PIDFILE")"; then
    if [[ "$(cat "$FERRETDB_PORTFILE" 2>/dev/null)" != "$FERRETDB_PORT $POSTGRES_PORT" ]]; then
      fq_log "ferretdb: running (pid $pid) with other ports ($(cat "$FERRETDB_PORTFILE" 2>/dev/null)); restarting"
      fq_stop_pidfile ferretdb "$FERRETDB_PIDFILE"
    elif ferretdb_ping; then
      fq_log "ferretdb: already running and healthy (pid $pid, $FQ_HOST:$FERRETDB_PORT)"
      return 0
    else
      fq_log "ferretdb: pid $pid is running but does not answer yet; waiting"
      ferretdb_wait_ready "$pid" "$t0"
      return 0
    fi
  elif [[ -f "$FERRETDB_PIDFILE" ]]; then
    fq_log "ferretdb: recorded pid $(cut -d' ' -f1 "$FERRETDB_PIDFILE") is dead; restarting"
    rm -f "$FERRETDB_PIDFILE"
  fi

  fq_require_free_port "$FERRETDB_PORT" FerretDB FERRETDB_PORT
  # FerretDB starts without its backend and only fails on the first query; refuse early instead.
  POSTGRES_PORT="$POSTGRES_PORT" "$FQ_LOCAL_SCRIPTS/postgres.sh" status >/dev/null ||
    fq_die "ferretdb: the local PostgreSQL (its backend) is not running on $FQ_HOST:$POSTGRES_PORT: run deploy/local/postgres.sh start (servers.sh start does both)"
  ferretdb_build
  [[ -f "$FERRETDB_LOG" ]] && mv -f "$FERRETDB_LOG" "$FERRETDB_LOG.prev"
  local t1
  t1="$(fq_now_ms)"
  # GOGC: FerretDB's live heap is small, so Go's default (collect each time the heap doubles)
  # collected many times a second under load: about a fifth of its CPU in a profile of the dispatch
  # benchmark (issue 15). 400 lets the heap grow to five times the live data (RSS ~60 MB after it).
  pid="$(GOGC="${FERRETDB_GOGC:-400}" fq_launch "$FERRETDB_PIDFILE" "$FERRETDB_LOG" "$FERRETDB_BIN" serve \
    -listen-addr "$FQ_HOST:$FERRETDB_PORT" -postgresql-url "$FERRETDB_POSTGRESQL_URL")"
  echo "$FERRETDB_PORT $POSTGRES_PORT" >"$FERRETDB_PORTFILE"
  fq_log "ferretdb: started pid $pid"
  ferretdb_wait_ready "$pid" "$t1"
  fq_log "ferretdb: start took $(fq_elapsed "$t0") in total"
}

ferretdb_stop() {
  fq_init_local_dir
  fq_lock "$FERRETDB_STATE/.lock" 9
  fq_stop_pidfile ferretdb "$FERRETDB_PIDFILE"
}

ferretdb_status() {
  local pid
  if pid="$(fq_pid_alive "$FERRETDB_PIDFILE")"; then
    if ferretdb_ping; then
      echo "ferretdb  running   pid $pid  $FQ_HOST:$FERRETDB_PORT  FerretDB $FERRETDB_VERSION on PostgreSQL :$POSTGRES_PORT  log $FERRETDB_LOG"
      return 0
    fi
    echo "ferretdb  starting  pid $pid  $FQ_HOST:$FERRETDB_PORT not answering yet  log $FERRETDB_LOG"
    return 3
  fi
  if [[ -f "$FERRETDB_PIDFILE" ]]; then
    echo "ferretdb  dead      recorded pid $(cut -d' ' -f1 "$FERRETDB_PIDFILE") is gone  log $FERRETDB_LOG"
  else
    echo "ferretdb  stopped"
  fi
  return 3
}

case "${1:-}" in
  start) ferretdb_start ;;
  stop) ferretdb_stop ;;
  restart)
    ferretdb_stop
    ferretdb_start
    ;;
  status) ferretdb_status ;;
  env) echo "export MONGO_URL=mongodb://$FQ_HOST:$FERRETDB_PORT/" ;;
  build) ferretdb_build ;;
  ping)
    ferretdb_build
    exec "$FERRETDB_BIN" ping -addr "$FQ_HOST:$FERRETDB_PORT"
    ;;
  *)
    echo "usage: $0 start|stop|restart|status|env|build|ping" >&2
    exit 2
    ;;
esac
