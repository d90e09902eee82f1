# shellcheck shell=bash disable=SC2034 # variables here are used by the scripts that source this file
# Shared helpers for deploy/local/*.sh. Sourced, never executed directly.
#
# Layout (see README.md):
#   cache   ${FENGQIAO_CACHE_DIR:-$HOME/.cache/fengqiao}   downloads and builds, shared by clones
#   state   ${FENGQIAO_LOCAL_DIR:-<repo>/.local-servers}   data dirs, pid files
#   logs    <state>/logs/                                   every log file, one folder

FQ_LOCAL_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
FQ_REPO_ROOT="$(cd "$FQ_LOCAL_SCRIPTS/../.." && pwd -P)"
FQ_CACHE_DIR="${FENGQIAO_CACHE_DIR:-${HOME:-/tmp}/.cache/fengqiao}"
FQ_LOCAL_DIR="${FENGQIAO_LOCAL_DIR:-$FQ_REPO_ROOT/.local-servers}"
FQ_LOG_DIR="$FQ_LOCAL_DIR/logs"
FQ_HOST=127.0.0.1
FQ_READY_TIMEOUT="${FENGQIAO_READY_TIMEOUT:-120}"
FQ_STOP_TIMEOUT="${FENGQIAO_STOP_TIMEOUT:-30}"

fq_log() { printf 'fengqiao: %s\n' "$*" >&2; }
fq_die() { printf 'fengqiao: %s\n' "$*" >&2; exit 1; }

# Milliseconds since the epoch (bash 5 EPOCHREALTIME, else whole seconds).
fq_now_ms() {
  if [[ -n "${EPOCHREALTIME:-}" ]]; then
    local t="${EPOCHREALTIME/,/.}"
    local s="${t%.*}" f="${t#*.}000"
    echo $((s * 1000 + 10#${f:0:3}))
  else
    echo $(($(date +%s) * 1000))
  fi
}

# fq_elapsed START_MS -> "12.3s"
fq_elapsed() {
  local d=$(($(fq_now_ms) - $1))
  printf '%d.%ds' $((d / 1000)) $(((d % 1000) / 100))
}

fq_sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum | cut -d' ' -f1
  else
    shasum -a 256 | cut -d' ' -f1
  fi
}

# Create the state dir (git-ignored by its own .gitignore) and the log dir.
fq_init_local_dir() {
  mkdir -p "$FQ_LOG_DIR"
  [[ -f "$FQ_LOCAL_DIR/.gitignore" ]] || printf '*\n' >"$FQ_LOCAL_DIR/.gitignore"
}

# fq_lock FILE FD: hold an exclusive lock on FILE via file descriptor FD (8 or
# 9) until the script exits. Serialises concurrent start/stop/build calls
# (e.g. parallel test runners). Convention: 9 = state dir, 8 = cache dir.
fq_lock() {
  local file="$1" fd="$2"
  command -v flock >/dev/null 2>&1 || return 0
  mkdir -p "$(dirname "$file")"
  eval "exec $fd>\"\$file\""
  if ! flock -n "$fd"; then
    fq_log "waiting for lock $file (another start/stop/build is running)"
    flock -w 900 "$fd" || fq_die "could not get lock $file within 900s"
  fi
}

# True if something accepts TCP connections on 127.0.0.1:PORT.
fq_port_open() {
  local port="$1"
  if command -v timeout >/dev/null 2>&1; then
    timeout 2 bash -c "exec 3<>/dev/tcp/$FQ_HOST/$port" 2>/dev/null
  else
    (exec 3<>"/dev/tcp/$FQ_HOST/$port") 2>/dev/null
  fi
}

# Describe who listens on PORT (best effort, for error messages).
fq_port_owner() {
  local port="$1" out=""
  if command -v ss >/dev/null 2>&1; then
    out="$(ss -Hltnp "sport = :$port" 2>/dev/null | awk '{print $NF}' | head -n1)"
  fi
  echo "${out:-unknown process}"
}

# Fail if PORT is already taken by something we did not start.
fq_require_free_port() {
  local port="$1" what="$2" var="$3"
  if fq_port_open "$port"; then
    fq_die "port $port ($what) is already in use by $(fq_port_owner "$port"), which is not recorded in $FQ_LOCAL_DIR; stop it (servers started from another checkout: run its servers.sh stop, or share one FENGQIAO_LOCAL_DIR) or set $var to another port"
  fi
}

# Process identity: start time from /proc (guards against pid reuse).
fq_proc_start() {
  local pid="$1" stat rest
  if [[ -r "/proc/$pid/stat" ]]; then
    stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
    rest="${stat##*) }"
    local -a f
    read -r -a f <<<"$rest"
    echo "${f[19]}"
  else
    ps -o lstart= -p "$pid" 2>/dev/null | tr -s ' ' '_' || return 1
  fi
}

# True if PID exists and is not a zombie (an orphan whose parent, e.g. a
# minimal container init, has not reaped it yet still answers kill -0).
fq_running() {
  local pid="$1" stat rest
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/stat" ]]; then
    stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
    rest="${stat##*) }"
    [[ "${rest:0:1}" != Z && "${rest:0:1}" != X ]] || return 1
  fi
  return 0
}

# Pid files hold "PID START_TIME". Prints the pid if that process is still
# the one we started, else nothing (and returns 1).
fq_pid_alive() {
  local pidfile="$1" pid start now
  [[ -f "$pidfile" ]] || return 1
  read -r pid start <"$pidfile" || true
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  fq_running "$pid" || return 1
  now="$(fq_proc_start "$pid")" || return 1
  [[ -z "$start" || "$now" == "$start" ]] || return 1
  echo "$pid"
}

# fq_launch PIDFILE LOGFILE CMD...: start CMD detached (own session, stdin
# closed, output appended to LOGFILE) and record its real pid in PIDFILE.
fq_launch() {
  local pidfile="$1" logfile="$2"
  shift 2
  local tmp="$pidfile.launch"
  rm -f "$tmp"
  local -a pre=(nohup)
  command -v setsid >/dev/null 2>&1 && pre=(setsid nohup)
  # The inner shell writes its own pid, then execs CMD, so the pid is CMD's.
  # shellcheck disable=SC2016 # $$ and $0 are for the inner shell
  "${pre[@]}" bash -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$tmp" "$@" \
    </dev/null >>"$logfile" 2>&1 8>&- 9>&- &
  local i pid=""
  for ((i = 0; i < 100; i++)); do
    if [[ -s "$tmp" ]]; then
      pid="$(cat "$tmp")"
      break
    fi
    sleep 0.05
  done
  rm -f "$tmp"
  [[ -n "$pid" ]] || fq_die "failed to launch $1 (see $logfile)"
  echo "$pid $(fq_proc_start "$pid" || true)" >"$pidfile"
  echo "$pid"
}

# fq_stop_pidfile NAME PIDFILE [SIGNAL]: send SIGNAL (default TERM) to the
# recorded process, wait, then SIGKILL.
fq_stop_pidfile() {
  local name="$1" pidfile="$2" sig="${3:-TERM}" pid t0 i
  if ! pid="$(fq_pid_alive "$pidfile")"; then
    if [[ -f "$pidfile" ]]; then
      fq_log "$name: not running (removing stale pid file)"
      rm -f "$pidfile"
    else
      fq_log "$name: not running"
    fi
    return 0
  fi
  t0="$(fq_now_ms)"
  kill "-$sig" "$pid" 2>/dev/null || true
  for ((i = 0; i < FQ_STOP_TIMEOUT * 5; i++)); do
    fq_running "$pid" || break
    sleep 0.2
  done
  if fq_running "$pid"; then
    fq_log "$name: pid $pid did not exit within ${FQ_STOP_TIMEOUT}s after SIG$sig, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      fq_running "$pid" || break
      sleep 0.1
    done
  fi
  rm -f "$pidfile"
  fq_log "$name: stopped pid $pid in $(fq_elapsed "$t0")"
}

# Print the last lines of each given log file that exists.
fq_tail_logs() {
  local f
  for f in "$@"; do
    [[ -s "$f" ]] || continue
    printf -- '----- last 40 lines of %s -----\n' "$f" >&2
    tail -n 40 "$f" >&2
  done
  printf -- '----- end of logs -----\n' >&2
}

# Major version of a java binary (8 for 1.8, 17, 25, ...); empty on failure.
fq_java_major() {
  local v
  v="$("$1" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')" || return 0
  [[ "$v" == 1.* ]] && v="${v#1.}"
  v="${v%%[!0-9]*}"
  echo "$v"
}

# Sets FQ_JAVA (java binary) and FQ_JAVA_HOME; Java 17+ from JAVA_HOME, then PATH.
fq_find_java() {
  local cand major seen=""
  local -a cands=()
  [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] && cands+=("$JAVA_HOME/bin/java")
  cand="$(command -v java 2>/dev/null || true)"
  [[ -n "$cand" ]] && cands+=("$cand")
  for cand in "${cands[@]}"; do
    major="$(fq_java_major "$cand")"
    if [[ -n "$major" && "$major" -ge 17 ]]; then
      FQ_JAVA="$cand"
      FQ_JAVA_HOME="$(cd "$(dirname "$(readlink -f "$cand")")/.." && pwd -P)"
      return 0
    fi
    seen+=" $cand=${major:-?}"
  done
  fq_die "Java 17+ not found${seen:+ (found:$seen)}: apt-get install openjdk-17-jre-headless, or set JAVA_HOME to a JDK 17+"
}
