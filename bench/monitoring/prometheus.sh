#!/usr/bin/env bash
# monitoring/prometheus.sh - a local Prometheus (Debian's `prometheus` package) scraping benchmark Keyturns with the
# alert rules of deploy/monitoring, and a picture of the dashboard's queries in Prometheus' own graph page, drawn by
# headless Chromium (Debian's `chromium`): what docs/images/metrics-during-bench.png is. Grafana is not needed.
#   bench/monitoring/prometheus.sh start [HOST:PORT ...]   scrape these (default 127.0.0.1:8085 127.0.0.1:8086) every 5 s
#   bench/monitoring/prometheus.sh screenshot OUT.png [RANGE]   the queries over the last RANGE (default 15m)
#   bench/monitoring/prometheus.sh alerts OUT.png          the rules page (loaded rules and their state)
#   bench/monitoring/prometheus.sh stop
# Prometheus listens on 127.0.0.1:$PROM_PORT (9090) and keeps its data in $BENCH_DIR/prometheus (deleted by start).
set -euo pipefail
. "$(dirname "$0")/../bench-env.sh"
PROM_PORT=${PROM_PORT:-9090}
dir="$BENCH_DIR/prometheus"
prom="http://127.0.0.1:$PROM_PORT"

cmd_start() {
  [ $# -gt 0 ] || set -- 127.0.0.1:8085 127.0.0.1:8086
  command -v prometheus > /dev/null || bench_die "prometheus is not installed (apt-get install prometheus)"
  cmd_stop > /dev/null 2>&1 || true
  rm -rf "$dir"; mkdir -p "$dir/data"
  cp "$REPO_ROOT/deploy/monitoring/keyturn-alerts.yaml" "$dir/"
  { echo "global: {scrape_interval: 5s, evaluation_interval: 5s}"
    echo "rule_files: [keyturn-alerts.yaml]"
    echo "scrape_configs:"
    echo "  - job_name: keyturn"
    echo "    metrics_path: /q/metrics"
    echo "    static_configs: [{targets: [$(printf '"%s",' "$@" | sed 's/,$//')]}]"; } > "$dir/prometheus.yml"
  promtool check config "$dir/prometheus.yml" >&2
  prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
    --web.listen-address="127.0.0.1:$PROM_PORT" > "$dir/prometheus.log" 2>&1 &
  echo $! > "$dir/prometheus.pid"
  for _ in $(seq 1 50); do [ "$(bench_http_code "$prom/-/ready")" = 200 ] && break; sleep 0.2; done
  bench_log "Prometheus on $prom (pid $(cat "$dir/prometheus.pid")) scraping $*"
}

cmd_stop() {
  [ -f "$dir/prometheus.pid" ] || { bench_log "not running"; return 0; }
  kill "$(cat "$dir/prometheus.pid")" 2>/dev/null || true
  rm -f "$dir/prometheus.pid"
  bench_log "stopped"
}

urlencode() { jq -rn --arg v "$1" '$v | @uri'; }

# The dashboard's panels as Prometheus graph panels (rates over 1m: the run is short), one per query.
QUERIES=(
  'sum by (instance, outcome) (rate(keyturn_logins_total[1m]))'
  'sum by (instance, scheme, operation) (rate(keyturn_password_hashing_seconds_sum[1m])) / sum by (instance, scheme, operation) (rate(keyturn_password_hashing_seconds_count[1m]))'
  'sum by (instance) (rate(keyturn_password_hashing_seconds_sum[1m]))'
  'histogram_quantile(0.99, sum by (le, instance, method, uri) (rate(http_server_requests_seconds_bucket{uri!~"/q/.*"}[1m])))'
  'sum by (instance, outcome) (rate(keyturn_refreshes_total[1m]))'
  'sum by (instance, area) (jvm_memory_used_bytes)'
  'sum by (instance) (sql_pool_active) or sum by (instance) (sql_pool_queue_size)'
  'sum by (instance) (rate(jvm_gc_pause_seconds_sum[1m]))'
)

shoot() { # URL OUT HEIGHT
  command -v chromium > /dev/null || bench_die "chromium is not installed (apt-get install chromium)"
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-extensions \
    --disable-sync --no-first-run --hide-scrollbars --force-device-scale-factor=${SCALE:-1} --window-size="1400,$3" \
    --virtual-time-budget=15000 --screenshot="$2" "$1" > "$dir/chromium.log" 2>&1
  bench_log "wrote $2"
}

cmd_screenshot() {
  local out=${1:?OUT.png} range=${2:-15m} url="$prom/graph?" i=0
  for q in "${QUERIES[@]}"; do
    url+="g$i.expr=$(urlencode "$q")&g$i.tab=0&g$i.stacked=0&g$i.show_exemplars=0&g$i.range_input=$range&"
    i=$((i + 1))
  done
  shoot "$url" "$out" "${HEIGHT:-4200}"
}

cmd_alerts() { shoot "$prom/classic/alerts" "${1:?OUT.png}" "${HEIGHT:-1400}"; }

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) cmd_stop ;;
  screenshot) shift; cmd_screenshot "$@" ;;
  alerts) shift; cmd_alerts "$@" ;;
  *) sed -n '2,11p' "$0"; exit 2 ;;
esac
