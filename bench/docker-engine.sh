#!/usr/bin/env bash
# A throwaway Docker engine for bench/build.sh's chartpress `--push` row: chartpress asks an
# engine (never the registry itself) whether each tag is there, so its no-change release path
# can only be timed with one running.
#
#   bench/docker-engine.sh start DIR   # prints the DOCKER_HOST to pass as --docker-host
#   bench/docker-engine.sh stop DIR
#
# Needs root and dockerd (Debian: `apt-get install docker.io`). Everything lives under DIR:
# vfs storage, no bridge network and no iptables rules, so nothing of the machine is changed.
# Registries on 127.0.0.0/8 are plain HTTP to the engine without further configuration.
set -euo pipefail
action=${1:-}
dir=${2:-}
[ -n "$action" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
sock="$dir/docker.sock"

case "$action" in
  start)
    command -v dockerd >/dev/null || { echo "no dockerd (apt-get install docker.io)" >&2; exit 2; }
    mkdir -p "$dir"
    if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
      echo "unix://$sock"
      exit 0
    fi
    setsid dockerd --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs \
      --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/pid" \
      -H "unix://$sock" > "$dir/dockerd.log" 2>&1 < /dev/null &
    for _ in $(seq 1 300); do
      if curl -sf --unix-socket "$sock" http://localhost/_ping >/dev/null 2>&1; then
        echo "unix://$sock"
        exit 0
      fi
      sleep 0.1
    done
    echo "dockerd did not answer within 30 s; its log:" >&2
    tail -20 "$dir/dockerd.log" >&2
    exit 1
    ;;
  stop)
    # dockerd stops the containerd it started before it exits: wait for both to be gone.
    pid=$(cat "$dir/pid" 2>/dev/null || true)
    if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
      for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
    fi
    ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
