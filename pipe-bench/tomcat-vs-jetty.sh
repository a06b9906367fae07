#!/usr/bin/env bash
# The servlet on Tomcat 10.1 (the Spring Boot example) beside the standalone jar on Jetty, in one run: a warm-up
# each, then alternating pairs of `pipe-load.jar throughput` at n = 1 (1 GiB) and n = 8 (512 MiB).
# Run from the repository after `mvn -DskipTests install`:  bash pipe-bench/tomcat-vs-jetty.sh [PAIRS] [JAR FLAGS...]
# (for example `bash pipe-bench/tomcat-vs-jetty.sh 3 --chunk-size 64k` for the example's chunk size on both).
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-3}
shift || true
tomcat_port=${TOMCAT_PORT:-9311}
jetty_port=${JETTY_PORT:-9312}
load=(java -jar pipe-bench/target/pipe-load.jar)
classpath_file=$(mktemp)
mvn -q -pl examples-spring-boot dependency:build-classpath -Dmdep.outputFile="$classpath_file" >/dev/null
java -cp "examples-spring-boot/target/classes:$(cat "$classpath_file")" dev.pipe.examples.boot.OpsPortal \
    --server.port="$tomcat_port" >/dev/null 2>&1 &
tomcat=$!
java -jar examples/target/pipe-server.jar --port "$jetty_port" "$@" >/dev/null 2>&1 &
jetty=$!
trap 'kill $tomcat $jetty 2>/dev/null; rm -f "$classpath_file"' EXIT
for _ in $(seq 1 60); do
  curl -s -o /dev/null "http://127.0.0.1:$tomcat_port/status" && curl -s -o /dev/null "http://127.0.0.1:$jetty_port/" \
      && break
  sleep 1
done
tomcat_url="http://127.0.0.1:$tomcat_port/ops/pipe"
jetty_url="http://127.0.0.1:$jetty_port/api/v1/pipe"
for warm in "$tomcat_url $tomcat" "$jetty_url $jetty"; do
  set -- $warm
  "${load[@]}" throughput --url "$1" --n 8 --bytes 256m --server-pid "$2" >/dev/null
  "${load[@]}" throughput --url "$1" --n 1 --bytes 512m --server-pid "$2" >/dev/null
done
for pair in $(seq 1 "$pairs"); do
  for run in "1 1g" "8 512m"; do
    set -- $run
    echo "pair $pair tomcat $("${load[@]}" throughput --url "$tomcat_url" --n "$1" --bytes "$2" --server-pid "$tomcat" | tail -1)"
    echo "pair $pair jetty  $("${load[@]}" throughput --url "$jetty_url" --n "$1" --bytes "$2" --server-pid "$jetty" | tail -1)"
  done
done
