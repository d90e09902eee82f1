#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft, broker+controller) on 127.0.0.1,
# run straight from Maven Central jars on the installed JDK. No Docker.
#
# usage: deploy/local/kafka.sh start|stop|restart|status|env|fetch|classpath|run-class CLASS [ARGS...]
#
#   start      fetch jars if needed, format storage if needed, start, wait until ready
#              (idempotent: a healthy broker is reused, a dead one restarted)
#   stop       SIGTERM the recorded pid, wait, SIGKILL if needed
#   restart    stop + start
#   status     one line; exit 0 if running and answering, 3 otherwise
#   env        print `export KAFKA_BROKERS=...` for eval
#   fetch      only download the jars into the cache
#   classpath  print the classpath (a wildcard dir) of the cached jars
#   run-class  run a class from the Kafka jars, e.g. the console tools:
#                kafka.sh run-class org.apache.kafka.tools.ConsoleProducer --bootstrap-server 127.0.0.1:9092 --topic t
#                kafka.sh run-class org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server 127.0.0.1:9092 --topic t --from-beginning
#                kafka.sh run-class org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:9092 --list
#
# env: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_VERSION (4.4.0),
#      KAFKA_HEAP_OPTS (-Xms256m -Xmx512m), KAFKA_JVM_OPTS (extra JVM flags; default -XX:TieredStopAtLevel=1),
#      FENGQIAO_CACHE_DIR, FENGQIAO_LOCAL_DIR, FENGQIAO_READY_TIMEOUT (120), FENGQIAO_STOP_TIMEOUT (30)
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

# shellcheck source=_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/_lib.sh"

KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
# C1-only JIT: about halves broker start time on a small, busy machine; peak
# throughput does not matter here. Set KAFKA_JVM_OPTS (even to "") to replace.
KAFKA_JVM_OPTS="${KAFKA_JVM_OPTS--XX:TieredStopAtLevel=1}"
KAFKA_NODE_ID=1

KAFKA_STATE="$FQ_LOCAL_DIR/kafka"
KAFKA_DATA="$KAFKA_STATE/data"
KAFKA_PROPS="$KAFKA_STATE/server.properties"
KAFKA_PIDFILE="$KAFKA_STATE/kafka.pid"
KAFKA_PORTFILE="$KAFKA_STATE/kafka.ports"
KAFKA_STAMP="$KAFKA_STATE/format.stamp"
KAFKA_LOG="$FQ_LOG_DIR/kafka.log"
KAFKA_STDOUT_LOG="$FQ_LOG_DIR/kafka.stdout.log"
KAFKA_LOG4J="$FQ_LOCAL_SCRIPTS/kafka/log4j2.xml"
MAVEN_REPO="$FQ_CACHE_DIR/maven-repo"
DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"

# Throwaway pom: the broker (kafka_2.13) plus kafka-tools for the console
# clients (without connect-runtime, which drags in Jetty/Jersey). $1 = extra deps.
kafka_pom() {
  cat <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.fengqiao</groupId>
  <artifactId>kafka-local-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka-tools</artifactId>
      <version>$KAFKA_VERSION</version>
      <exclusions>
        <exclusion>
          <groupId>org.apache.kafka</groupId>
          <artifactId>connect-runtime</artifactId>
        </exclusion>
      </exclusions>
    </dependency>${1:-}
  </dependencies>
</project>
EOF
}

KAFKA_LIBS_KEY="$KAFKA_VERSION-$(kafka_pom | fq_sha256 | cut -c1-12)"
KAFKA_HOME="$FQ_CACHE_DIR/kafka/$KAFKA_LIBS_KEY"
KAFKA_LIBS="$KAFKA_HOME/libs"

kafka_mvn() {
  local work="$1"
  shift
  JAVA_HOME="$FQ_JAVA_HOME" mvn -B -ntp -f "$work/pom.xml" -Dmaven.repo.local="$MAVEN_REPO" "$@" \
    >>"$FQ_LOG_DIR/kafka-fetch.log" 2>&1
}

# Download the runtime classpath into the cache (once per version).
kafka_fetch() {
  [[ -f "$KAFKA_HOME/.complete" ]] && return 0
  fq_init_local_dir
  fq_find_java
  command -v mvn >/dev/null 2>&1 || fq_die "Maven not found (needed once to fetch Kafka jars): apt-get install maven"
  fq_lock "$FQ_CACHE_DIR/kafka/.lock" 8
  [[ -f "$KAFKA_HOME/.complete" ]] && return 0

  local t0 work slf4j log4j binding
  t0="$(fq_now_ms)"
  fq_log "kafka: fetching Kafka $KAFKA_VERSION jars from Maven Central into $KAFKA_HOME (log: $FQ_LOG_DIR/kafka-fetch.log)"
  : >"$FQ_LOG_DIR/kafka-fetch.log"
  work="$KAFKA_HOME.tmp.$$"
  rm -rf "$work"
  mkdir -p "$work"
  kafka_pom >"$work/pom.xml"

  # Kafka logs through SLF4J; pick the log4j2 binding matching its slf4j-api
  # major (1.7.x -> log4j-slf4j-impl, 2.x -> log4j-slf4j2-impl), same version as log4j-core.
  if ! kafka_mvn "$work" "$DEP_PLUGIN:list" -DincludeScope=runtime -DoutputFile="$work/deps.txt"; then
    fq_tail_logs "$FQ_LOG_DIR/kafka-fetch.log"
    rm -rf "$work"
    fq_die "kafka: mvn dependency:list failed (is Kafka $KAFKA_VERSION on Maven Central? see $FQ_LOG_DIR/kafka-fetch.log)"
  fi
  slf4j="$(grep -Eo 'org\.slf4j:slf4j-api:jar:[^:]+' "$work/deps.txt" | head -n1 | cut -d: -f4 || true)"
  log4j="$(grep -Eo 'org\.apache\.logging\.log4j:log4j-core:jar:[^:]+' "$work/deps.txt" | head -n1 | cut -d: -f4 || true)"
  [[ -n "$slf4j" && -n "$log4j" ]] || fq_die "kafka: could not find slf4j-api/log4j-core among Kafka $KAFKA_VERSION dependencies (only Kafka 4.x is supported)"
  case "$slf4j" in
    1.*) binding="log4j-slf4j-impl" ;;
    *) binding="log4j-slf4j2-impl" ;;
  esac
  kafka_pom "
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>$binding</artifactId>
      <version>$log4j</version>
    </dependency>" >"$work/pom.xml"

  if ! kafka_mvn "$work" "$DEP_PLUGIN:copy-dependencies" -DincludeScope=runtime -DoutputDirectory="$work/libs"; then
    fq_tail_logs "$FQ_LOG_DIR/kafka-fetch.log"
    rm -rf "$work"
    fq_die "kafka: mvn copy-dependencies failed (see $FQ_LOG_DIR/kafka-fetch.log)"
  fi
  [[ -f "$work/libs/kafka_2.13-$KAFKA_VERSION.jar" ]] || fq_die "kafka: kafka_2.13-$KAFKA_VERSION.jar missing after copy-dependencies"
  printf 'kafka=%s\nslf4j-api=%s\nlog4j-core=%s\nbinding=%s:%s\n' \
    "$KAFKA_VERSION" "$slf4j" "$log4j" "$binding" "$log4j" >"$work/versions.txt"
  touch "$work/.complete"
  rm -rf "$KAFKA_HOME"
  mv "$work" "$KAFKA_HOME"
  fq_log "kafka: fetched $(find "$KAFKA_LIBS" -name '*.jar' | wc -l | tr -d ' ') jars (slf4j $slf4j -> $binding $log4j) in $(fq_elapsed "$t0")"
}

kafka_write_props() {
  mkdir -p "$KAFKA_STATE"
  cat >"$KAFKA_PROPS" <<EOF
# Generated by deploy/local/kafka.sh on each start; edits are overwritten.
process.roles=broker,controller
node.id=$KAFKA_NODE_ID
listeners=PLAINTEXT://$FQ_HOST:$KAFKA_PORT,CONTROLLER://$FQ_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$FQ_HOST:$KAFKA_PORT,CONTROLLER://$FQ_HOST:$KAFKA_CONTROLLER_PORT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
controller.quorum.bootstrap.servers=$FQ_HOST:$KAFKA_CONTROLLER_PORT
log.dirs=$KAFKA_DATA
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
}

# Kafka cluster ids are 16 random bytes, URL-safe base64 without padding.
kafka_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ "$id" != -* ]] && break
  done
  echo "$id"
}

kafka_jvm_opts() {
  local logfile="$1"
  # shellcheck disable=SC2206 # heap/extra opts are intentionally word-split
  KAFKA_JAVA_ARGS=($KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$KAFKA_LOG4J" "-Dkafka.logs.dir=$FQ_LOG_DIR" "-Dkafka.log.file=$logfile"
    $KAFKA_JVM_OPTS -cp "$KAFKA_LIBS/*")
}

# Format the KRaft storage once; reformat (wiping local data) if version/ports changed.
kafka_format_if_needed() {
  local stamp="kafka=$KAFKA_VERSION node=$KAFKA_NODE_ID controller=$FQ_HOST:$KAFKA_CONTROLLER_PORT"
  if [[ -f "$KAFKA_DATA/meta.properties" && -f "$KAFKA_STAMP" && "$(cat "$KAFKA_STAMP")" == "$stamp" ]]; then
    return 0
  fi
  if [[ -d "$KAFKA_DATA" ]] && [[ -n "$(ls -A "$KAFKA_DATA" 2>/dev/null)" ]]; then
    fq_log "kafka: storage was formatted for '$(cat "$KAFKA_STAMP" 2>/dev/null || echo unknown)', now '$stamp': wiping $KAFKA_DATA"
  fi
  rm -rf "$KAFKA_DATA"
  mkdir -p "$KAFKA_DATA"
  local t0 cid
  t0="$(fq_now_ms)"
  cid="$(kafka_cluster_id)"
  kafka_jvm_opts kafka-storage.log
  if ! "$FQ_JAVA" "${KAFKA_JAVA_ARGS[@]}" kafka.tools.StorageTool format --standalone -g -t "$cid" -c "$KAFKA_PROPS" \
    >"$FQ_LOG_DIR/kafka-format.log" 2>&1; then
    fq_tail_logs "$FQ_LOG_DIR/kafka-format.log" "$FQ_LOG_DIR/kafka-storage.log"
    fq_die "kafka: storage format failed"
  fi
  echo "$stamp" >"$KAFKA_STAMP"
  fq_log "kafka: formatted storage (cluster id $cid) in $(fq_elapsed "$t0")"
}

kafka_ready() {
  grep -qF "Kafka Server started" "$KAFKA_LOG" 2>/dev/null && fq_port_open "$KAFKA_PORT"
}

# kafka_wait_ready PID T0_MS
kafka_wait_ready() {
  local pid="$1" t0="$2" deadline
  deadline=$(($(fq_now_ms) + FQ_READY_TIMEOUT * 1000))
  while :; do
    if ! fq_running "$pid"; then
      rm -f "$KAFKA_PIDFILE"
      fq_tail_logs "$KAFKA_STDOUT_LOG" "$KAFKA_LOG"
      fq_die "kafka: broker (pid $pid) exited during startup; logs: $FQ_LOG_DIR"
    fi
    if kafka_ready; then
      fq_log "kafka: ready on $FQ_HOST:$KAFKA_PORT in $(fq_elapsed "$t0") (pid $pid, Kafka $KAFKA_VERSION, log $KAFKA_LOG)"
      return 0
    fi
    if (($(fq_now_ms) > deadline)); then
      fq_tail_logs "$KAFKA_STDOUT_LOG" "$KAFKA_LOG"
      fq_log "kafka: not ready after ${FQ_READY_TIMEOUT}s; stopping pid $pid"
      fq_stop_pidfile kafka "$KAFKA_PIDFILE"
      exit 1
    fi
    sleep 0.25
  done
}

kafka_start() {
  fq_init_local_dir
  fq_lock "$KAFKA_STATE/.lock" 9
  local pid t0
  t0="$(fq_now_ms)"
  if pid="$(fq_pid_alive "$KAFKA_PIDFILE")"; then
    if [[ "$(cat "$KAFKA_PORTFILE" 2>/dev/null)" != "$KAFKA_PORT $KAFKA_CONTROLLER_PORT" ]]; then
      fq_log "kafka: running (pid $pid) with other ports ($(cat "$KAFKA_PORTFILE" 2>/dev/null)); restarting"
      fq_stop_pidfile kafka "$KAFKA_PIDFILE"
    elif kafka_ready; then
      fq_log "kafka: already running and healthy (pid $pid, $FQ_HOST:$KAFKA_PORT)"
      return 0
    else
      fq_log "kafka: pid $pid is running but not ready yet; waiting"
      kafka_wait_ready "$pid" "$t0"
      return 0
    fi
  elif [[ -f "$KAFKA_PIDFILE" ]]; then
    fq_log "kafka: recorded pid $(cut -d' ' -f1 "$KAFKA_PIDFILE") is dead; restarting"
    rm -f "$KAFKA_PIDFILE"
  fi

  fq_require_free_port "$KAFKA_PORT" "Kafka broker" KAFKA_PORT
  fq_require_free_port "$KAFKA_CONTROLLER_PORT" "Kafka controller" KAFKA_CONTROLLER_PORT
  kafka_fetch
  fq_find_java
  kafka_write_props
  kafka_format_if_needed

  local f
  for f in "$KAFKA_LOG" "$KAFKA_STDOUT_LOG"; do
    [[ -f "$f" ]] && mv -f "$f" "$f.prev"
  done
  local t1
  t1="$(fq_now_ms)"
  kafka_jvm_opts kafka.log
  pid="$(fq_launch "$KAFKA_PIDFILE" "$KAFKA_STDOUT_LOG" "$FQ_JAVA" "${KAFKA_JAVA_ARGS[@]}" kafka.Kafka "$KAFKA_PROPS")"
  echo "$KAFKA_PORT $KAFKA_CONTROLLER_PORT" >"$KAFKA_PORTFILE"
  fq_log "kafka: started pid $pid ($("$FQ_JAVA" -version 2>&1 | head -n1 | tr -d '"'), heap $KAFKA_HEAP_OPTS)"
  kafka_wait_ready "$pid" "$t1"
  fq_log "kafka: start took $(fq_elapsed "$t0") in total"
}

kafka_stop() {
  fq_init_local_dir
  fq_lock "$KAFKA_STATE/.lock" 9
  fq_stop_pidfile kafka "$KAFKA_PIDFILE"
}

kafka_status() {
  local pid
  if pid="$(fq_pid_alive "$KAFKA_PIDFILE")"; then
    if kafka_ready; then
      echo "kafka     running   pid $pid  $FQ_HOST:$KAFKA_PORT (controller :$KAFKA_CONTROLLER_PORT)  Kafka $KAFKA_VERSION  log $KAFKA_LOG"
      return 0
    fi
    echo "kafka     starting  pid $pid  $FQ_HOST:$KAFKA_PORT not answering yet  log $KAFKA_LOG"
    return 3
  fi
  if [[ -f "$KAFKA_PIDFILE" ]]; then
    echo "kafka     dead      recorded pid $(cut -d' ' -f1 "$KAFKA_PIDFILE") is gone  log $KAFKA_LOG"
  else
    echo "kafka     stopped"
  fi
  return 3
}

kafka_run_class() {
  [[ $# -ge 1 ]] || fq_die "usage: kafka.sh run-class CLASS [ARGS...]"
  kafka_fetch
  fq_find_java
  fq_init_local_dir
  local cls="$1"
  shift
  # shellcheck disable=SC2206
  local -a heap=(${KAFKA_TOOLS_HEAP_OPTS:--Xmx256m})
  exec "$FQ_JAVA" "${heap[@]}" "-Dlog4j2.configurationFile=$KAFKA_LOG4J" "-Dkafka.logs.dir=$FQ_LOG_DIR" \
    -Dkafka.log.file=kafka-tools.log -Dlog4j.shutdownHookEnabled=false -cp "$KAFKA_LIBS/*" "$cls" "$@"
}

case "${1:-}" in
  start) kafka_start ;;
  stop) kafka_stop ;;
  restart)
    kafka_stop
    kafka_start
    ;;
  status) kafka_status ;;
  env) echo "export KAFKA_BROKERS=$FQ_HOST:$KAFKA_PORT" ;;
  fetch) kafka_fetch ;;
  classpath)
    kafka_fetch
    echo "$KAFKA_LIBS/*"
    ;;
  run-class)
    shift
    kafka_run_class "$@"
    ;;
  *)
    echo "usage: $0 start|stop|restart|status|env|fetch|classpath|run-class CLASS [ARGS...]" >&2
    exit 2
    ;;
esac
