#!/usr/bin/env bash
# Apache Kafka (KRaft, one combined broker+controller node) from Maven Central
# jars, bound to 127.0.0.1. See docs/infrastructure.md#kafka.
#
#   scripts/infra/kafka.sh start    download once, format once, start, wait until ready
#   scripts/infra/kafka.sh stop     stop and wait (data is kept)
#   scripts/infra/kafka.sh status   print state; exit 0 if running, 3 if not
#   scripts/infra/kafka.sh restart  stop, then start on the same ports with the same data
#
# Records ACCORD_TEST_KAFKA_BROKERS=127.0.0.1:<port> in ~/.cache/accord/run/infra.env.
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

KAFKA_VERSION="${ACCORD_KAFKA_VERSION:-3.9.2}"
SCALA_VERSION=2.13
SLF4J_RELOAD4J_VERSION=1.7.36
RELOAD4J_VERSION=1.2.25
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
KAFKA_HEAP="${ACCORD_KAFKA_HEAP:--Xmx512m -Xms128m}"

KAFKA_HOME="$ACCORD_CACHE/kafka-$KAFKA_VERSION"
KAFKA_LIBS="$KAFKA_HOME/libs"
KAFKA_STATE="$ACCORD_RUN/kafka"
KAFKA_DATA="$KAFKA_STATE/data"
KAFKA_CONFIG="$KAFKA_STATE/server.properties"
KAFKA_LOG4J="$KAFKA_STATE/log4j.properties"
KAFKA_LOG="$KAFKA_STATE/kafka.log"
KAFKA_PIDFILE="$KAFKA_STATE/kafka.pid"
KAFKA_PORTFILE="$KAFKA_STATE/ports"

java_bin() { command -v java >/dev/null 2>&1 || die "java not found (Java 17 is required)"; echo java; }

# Downloads the broker jars once with a throwaway pom (runtime scope only).
download_jars() {
  if [[ -f "$KAFKA_LIBS/.complete" ]]; then return 0; fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found (Maven 3.8 is required to fetch the Kafka jars)"
  local work started
  work=$(mktemp -d)
  started=$SECONDS
  log "downloading Kafka $KAFKA_VERSION jars from Maven Central into $KAFKA_LIBS"
  cat >"$work/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>accord.infra</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_${SCALA_VERSION}</artifactId>
      <version>${KAFKA_VERSION}</version>
    </dependency>
    <!-- The broker needs log4j classes at start; kafka's POM declares them compile-only. -->
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-reload4j</artifactId>
      <version>${SLF4J_RELOAD4J_VERSION}</version>
    </dependency>
    <dependency>
      <groupId>ch.qos.reload4j</groupId>
      <artifactId>reload4j</artifactId>
      <version>${RELOAD4J_VERSION}</version>
    </dependency>
  </dependencies>
</project>
EOF
  rm -rf "$KAFKA_LIBS.partial"
  mkdir -p "$KAFKA_HOME"
  if ! mvn -B -q -f "$work/pom.xml" "$DEPENDENCY_PLUGIN:copy-dependencies" \
      -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS.partial" >"$KAFKA_HOME/maven.log" 2>&1; then
    tail -n 30 "$KAFKA_HOME/maven.log" >&2
    rm -rf "$work"
    die "maven could not fetch the Kafka jars (see $KAFKA_HOME/maven.log)"
  fi
  rm -rf "$work"
  # Two SLF4J bindings would make logging nondeterministic.
  if compgen -G "$KAFKA_LIBS.partial/logback-*.jar" >/dev/null; then
    die "a logback jar slipped into the Kafka classpath: $(ls "$KAFKA_LIBS.partial"/logback-*.jar)"
  fi
  [[ -f "$KAFKA_LIBS.partial/kafka_${SCALA_VERSION}-${KAFKA_VERSION}.jar" ]] || die "kafka_${SCALA_VERSION}-${KAFKA_VERSION}.jar missing after download"
  compgen -G "$KAFKA_LIBS.partial/reload4j-*.jar" >/dev/null || die "reload4j jar missing after download"
  rm -rf "$KAFKA_LIBS"
  mv "$KAFKA_LIBS.partial" "$KAFKA_LIBS"
  touch "$KAFKA_LIBS/.complete"
  log "downloaded $(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars ($(du -sh "$KAFKA_LIBS" | cut -f1)) in $((SECONDS - started))s"
}

write_config() {
  local port=$1 ctrl=$2
  mkdir -p "$KAFKA_STATE"
  cat >"$KAFKA_CONFIG" <<EOF
# Written by scripts/infra/kafka.sh; regenerated on every start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${ctrl}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${ctrl}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=${KAFKA_DATA}
num.partitions=1
# Topics are created explicitly by the event bus (one partition, LogAppendTime).
auto.create.topics.enable=false
# Single node: internal topics must fit on one broker, or consumers loop on
# "group coordinator not available" because __consumer_offsets is never created.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
default.replication.factor=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
EOF
  cat >"$KAFKA_LOG4J" <<'EOF'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.controller=WARN
log4j.logger.kafka.log.LogCleaner=WARN
EOF
}

format_storage() {
  if [[ -f "$KAFKA_DATA/meta.properties" ]]; then return 0; fi
  local cluster_id
  cluster_id=$("$(java_bin)" -cp "$KAFKA_LIBS/*" -Dlog4j.configuration="file:$KAFKA_LOG4J" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)
  [[ -n "$cluster_id" ]] || die "kafka.tools.StorageTool random-uuid printed nothing"
  log "formatting KRaft storage in $KAFKA_DATA (cluster id $cluster_id)"
  "$(java_bin)" -cp "$KAFKA_LIBS/*" -Dlog4j.configuration="file:$KAFKA_LOG4J" \
    kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_CONFIG" --ignore-formatted >"$KAFKA_STATE/format.log" 2>&1 \
    || { cat "$KAFKA_STATE/format.log" >&2; die "formatting Kafka storage failed"; }
}

kafka_ready() {
  local port=$1
  grep -q "Kafka Server started" "$KAFKA_LOG" && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

start() {
  if pid_alive "$KAFKA_PIDFILE"; then
    log "Kafka already running (pid $(cat "$KAFKA_PIDFILE"), $(cat "$KAFKA_PORTFILE" 2>/dev/null))"
    return 0
  fi
  download_jars
  local port ctrl started
  port=$(sticky_port kafka 19092)
  ctrl=$(sticky_port kafka-controller $((port + 1)))
  write_config "$port" "$ctrl"
  format_storage
  # Keep the previous run's log for diagnosis; readiness is read from a fresh one.
  [[ -f "$KAFKA_LOG" ]] && mv -f "$KAFKA_LOG" "$KAFKA_LOG.1"
  started=$SECONDS
  log "starting Kafka $KAFKA_VERSION on 127.0.0.1:$port (controller $ctrl)"
  # setsid: its own session, so it survives the shell that started it (no SIGHUP).
  # shellcheck disable=SC2086 # KAFKA_HEAP holds several JVM flags
  setsid "$(java_bin)" $KAFKA_HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$KAFKA_LOG4J" -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_CONFIG" \
    >"$KAFKA_LOG" 2>&1 </dev/null &
  echo $! >"$KAFKA_PIDFILE"
  local deadline=$((SECONDS + 120))
  until kafka_ready "$port"; do
    if ! pid_alive "$KAFKA_PIDFILE"; then
      tail -n 40 "$KAFKA_LOG" >&2
      rm -f "$KAFKA_PIDFILE"
      die "Kafka exited during start (log: $KAFKA_LOG)"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 40 "$KAFKA_LOG" >&2
      stop_pidfile "$KAFKA_PIDFILE" kafka
      die "timed out after 120s waiting for Kafka (log: $KAFKA_LOG)"
    fi
    sleep 0.5
  done
  echo "port=$port controller=$ctrl" >"$KAFKA_PORTFILE"
  remember_port kafka "$port"
  remember_port kafka-controller "$ctrl"
  set_env ACCORD_TEST_KAFKA_BROKERS "127.0.0.1:$port"
  log "Kafka ready on 127.0.0.1:$port after $((SECONDS - started))s"
}

stop() {
  # A broker started before ports were remembered: remember them now, so a start comes back on them.
  if [[ -f "$KAFKA_PORTFILE" ]]; then
    local ports; ports=$(cat "$KAFKA_PORTFILE")
    [[ $ports =~ port=([0-9]+)\ controller=([0-9]+) ]] && remember_port kafka "${BASH_REMATCH[1]}" && remember_port kafka-controller "${BASH_REMATCH[2]}"
  fi
  stop_pidfile "$KAFKA_PIDFILE" kafka
  rm -f "$KAFKA_PORTFILE"
  unset_env ACCORD_TEST_KAFKA_BROKERS
}

status() {
  if pid_alive "$KAFKA_PIDFILE"; then
    echo "kafka: running (pid $(cat "$KAFKA_PIDFILE"), $(cat "$KAFKA_PORTFILE" 2>/dev/null || echo 'ports unknown'), data $KAFKA_DATA)"
  else
    echo "kafka: stopped"
    return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  restart) stop; ACCORD_INFRA_SAME_PORT=1 start ;;
  *) echo "usage: $0 {start|stop|status|restart}" >&2; exit 2 ;;
esac
