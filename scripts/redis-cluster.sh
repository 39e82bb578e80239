#!/usr/bin/env bash
# A local Redis Cluster for tests and drills, no Docker: `redis-server --cluster-enabled yes` per node on consecutive
# ports, joined with `redis-cli --cluster create`. Nothing is persisted (no RDB/AOF); `stop` deletes the node data.
#
#   scripts/redis-cluster.sh start    # idempotent: a running, healthy cluster is left as it is
#   scripts/redis-cluster.sh stop
#   scripts/redis-cluster.sh status
#
# REDIS_CLUSTER_PORT (default 7001): first port. REDIS_CLUSTER_REPLICAS (default 0): replicas per primary; 1 gives
# 3 primaries + 3 replicas on 7001–7006, which killing a primary (failover drills) needs. The app connects with
# REDIS_CLUSTER_NODES=127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003 (any reachable subset works: ioredis discovers the rest).
set -euo pipefail

first_port=${REDIS_CLUSTER_PORT:-7001}
replicas=${REDIS_CLUSTER_REPLICAS:-0}
primaries=3
node_count=$((primaries * (1 + replicas)))
data_dir=${REDIS_CLUSTER_DIR:-${TMPDIR:-/tmp}/flashmart-redis-cluster-${first_port}}
ports=()
for ((i = 0; i < node_count; i++)); do ports+=($((first_port + i))); done

answers() { redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null | grep -q PONG; }
cluster_field() { redis-cli -h 127.0.0.1 -p "$1" cluster info 2>/dev/null | tr -d '\r' | sed -n "s/^$2://p"; }
is_healthy() {
  for port in "${ports[@]}"; do
    [ "$(cluster_field "$port" cluster_state)" = ok ] || return 1
    [ "$(cluster_field "$port" cluster_known_nodes)" = "$node_count" ] || return 1
  done
}

start() {
  command -v redis-server >/dev/null || { echo "redis-server not found (apt-get install redis-server)" >&2; exit 1; }
  if is_healthy 2>/dev/null; then
    echo "Redis Cluster already running on ${ports[0]}–${ports[-1]}"
    return
  fi

  local started_at=$SECONDS
  for port in "${ports[@]}"; do
    answers "$port" && continue
    mkdir -p "$data_dir/$port"
    # A short node timeout makes failover drills take seconds, not the 15 s default.
    redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --cluster-enabled yes \
      --cluster-config-file "$data_dir/$port/nodes.conf" --cluster-node-timeout 2000 \
      --dir "$data_dir/$port" --logfile "$data_dir/$port/redis.log" --pidfile "$data_dir/$port/redis.pid" \
      --save "" --appendonly no
  done
  for port in "${ports[@]}"; do
    for _ in $(seq 1 50); do answers "$port" && break; sleep 0.1; done
    answers "$port" || { echo "node $port did not start: see $data_dir/$port/redis.log" >&2; exit 1; }
  done

  # Nodes restarted from their nodes.conf find each other again; only fresh nodes (no peers, no slots) need `create`.
  if [ "$(cluster_field "${ports[0]}" cluster_known_nodes)" = 1 ]; then
    local addresses=()
    for port in "${ports[@]}"; do addresses+=("127.0.0.1:$port"); done
    redis-cli --cluster create "${addresses[@]}" --cluster-replicas "$replicas" --cluster-yes >"$data_dir/create.log" 2>&1 ||
      { cat "$data_dir/create.log" >&2; exit 1; }
  fi

  for _ in $(seq 1 100); do is_healthy && break; sleep 0.1; done
  if ! is_healthy; then
    echo "Redis Cluster on ${ports[0]}–${ports[-1]} is not healthy (mixed state?): run '$0 stop' and start again" >&2
    exit 1
  fi
  echo "Redis Cluster ready on ${ports[0]}–${ports[-1]} ($primaries primaries, $replicas replica(s) each) in $((SECONDS - started_at)) s"
}

stop() {
  for port in "${ports[@]}"; do
    answers "$port" && redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
  done
  rm -rf "$data_dir"
  echo "Redis Cluster on ${ports[0]}–${ports[-1]} stopped"
}

status() {
  if is_healthy 2>/dev/null; then
    redis-cli -h 127.0.0.1 -p "${ports[0]}" cluster nodes
  else
    echo "no healthy Redis Cluster on ${ports[0]}–${ports[-1]}"
    exit 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
