#!/usr/bin/env bash
# Start/stop/check the real local servers (PostgreSQL, FerretDB on it, Kafka) on 127.0.0.1,
# without Docker, for tests and local "distributed mode".
#
# usage: deploy/local/servers.sh start|stop|restart|status|env|build
#
#   start    start all three: postgres, then FerretDB, then Kafka (idempotent;
#            builds/downloads into the cache on first use)
#   stop     stop all three in the reverse order (only the pids recorded by start)
#   restart  stop + start
#   status   one line each; exit 0 if all run and answer, 3 otherwise
#   env      print export lines:  eval "$(deploy/local/servers.sh env)"
#   build    only fill the cache (FerretDB binary, Kafka jars)
#
# See deploy/local/README.md for ports, env vars, cache and log locations.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"

case "${1:-}" in
  start)
    # shellcheck source=_lib.sh
    source "$here/_lib.sh"
    t0="$(fq_now_ms)"
    rc=0
    # FerretDB needs its backend: no point starting it when postgres failed.
    if "$here/postgres.sh" start; then
      "$here/ferretdb.sh" start || rc=1
    else
      rc=1
    fi
    "$here/kafka.sh" start || rc=1
    if ((rc == 0)); then
      fq_log "servers: all ready in $(fq_elapsed "$t0") (logs: $FQ_LOG_DIR)"
    else
      fq_log "servers: some server failed to start (logs: $FQ_LOG_DIR)"
    fi
    exit "$rc"
    ;;
  stop)
    rc=0
    "$here/kafka.sh" stop || rc=1
    "$here/ferretdb.sh" stop || rc=1
    "$here/postgres.sh" stop || rc=1
    exit "$rc"
    ;;
  restart)
    "$here/servers.sh" stop
    exec "$here/servers.sh" start
    ;;
  status)
    rc=0
    "$here/postgres.sh" status || rc=3
    "$here/ferretdb.sh" status || rc=3
    "$here/kafka.sh" status || rc=3
    exit "$rc"
    ;;
  env)
    "$here/kafka.sh" env
    "$here/ferretdb.sh" env
    ;;
  build)
    "$here/ferretdb.sh" build
    "$here/kafka.sh" fetch
    ;;
  *)
    echo "usage: $0 start|stop|restart|status|env|build" >&2
    exit 2
    ;;
esac
