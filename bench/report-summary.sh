#!/usr/bin/env bash
# Prints one line per request name from a Gatling HTML report (its index.html statistics table):
# count, failures, rps over the measured window, and the latency percentiles (ms, Gatling's resolution).
# Usage: bench/report-summary.sh REPORT_DIR [MEASURED_SECONDS]
#   MEASURED_SECONDS (default 20) turns counts of measured requests into rps; warm-up and setup rows
#   (names containing "warmup" or "setup") get no rps.
set -euo pipefail
dir=${1:?usage: report-summary.sh REPORT_DIR [MEASURED_SECONDS]}
secs=${2:-20}
[ -f "$dir/index.html" ] || { echo "no $dir/index.html" >&2; exit 1; }
awk -v secs="$secs" '
  BEGIN { printf "%-36s %8s %6s %9s %7s %7s %7s %7s %7s\n", "request", "count", "KO", "rps", "p50", "p95", "p99", "max", "mean" }
  /class="ellipsed-name">/ { s = $0; sub(/.*class="ellipsed-name">/, "", s); sub(/<\/span>.*/, "", s); name = s; delete c; next }
  /class="value [a-z ]*col-[0-9]+">/ {
    s = $0; sub(/.*col-/, "", s); n = s; sub(/".*/, "", n); v = s; sub(/^[0-9]+">/, "", v); sub(/<.*/, "", v); c[n + 0] = v
    if (n + 0 == 14) {
      rps = (name ~ /warmup|setup|All Requests/) ? "-" : sprintf("%.1f", (c[2] - c[4]) / secs)
      gsub(/&amp;/, "\\&", name)
      printf "%-36s %8s %6s %9s %7s %7s %7s %7s %7s\n", name, c[2], c[4], rps, c[8], c[10], c[11], c[12], c[13]
      p99[name] = c[11]
    }
  }
  END {
    q = "GET /users/me quiet"; st = "GET /users/me during login storm"
    if ((q in p99) && (st in p99)) {
      if (p99[q] > 0) printf "/users/me p99 during the login storm / without: %s ms / %s ms = %.2fx (target <= 2x)\n", p99[st], p99[q], p99[st] / p99[q]
      else printf "/users/me p99 during the login storm / without: %s ms / %s ms (below Gatling 1 ms resolution)\n", p99[st], p99[q]
    }
  }' "$dir/index.html"
