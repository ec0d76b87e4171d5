#!/usr/bin/env bash
# Start-up of `build-swarm up --drones 0` for two builds, alternating: wall time from exec to the first
# 200 of /healthz and of /api/gateway/status, and RSS at that moment. Prints per-round figures and the
# median ratio second/first. Usage: bench/startup/run.sh FIRST.dll SECOND.dll [rounds=5]
set -euo pipefail
first=$1 second=$2 rounds=${3:-5}
port=$((20000 + RANDOM % 20000))

measure() { # dll -> "health_ms status_ms rss_kib"
    local dll=$1 data pid start t_health="" t_status="" rss
    data=$(mktemp -d)
    start=$(date +%s%N)
    dotnet "$dll" up --drones 0 --sweepers 0 --data "$data" --port "$port" >"$data/out.log" 2>&1 &
    pid=$!
    local deadline=$((start + 60000000000))
    while [[ -z $t_status ]]; do
        (( $(date +%s%N) < deadline )) || { echo "no answer in 60 s: $(tail -3 "$data/out.log")" >&2; kill -9 $pid; exit 1; }
        if [[ -z $t_health ]] && curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then t_health=$(date +%s%N); fi
        if [[ -n $t_health ]] && curl -fs "http://127.0.0.1:$port/api/gateway/status" >/dev/null 2>&1; then t_status=$(date +%s%N); fi
        sleep 0.01
    done
    rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
    kill $pid; wait $pid 2>/dev/null || true
    rm -rf "$data"
    echo "$(( (t_health - start) / 1000000 )) $(( (t_status - start) / 1000000 )) $rss"
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
declare -a a_status b_status
for ((r = 0; r < rounds; r++)); do
    if (( r % 2 == 0 )); then order=("$first" "$second"); else order=("$second" "$first"); fi
    for dll in "${order[@]}"; do
        read -r h s m < <(measure "$dll")
        echo "round $r $(basename "$(dirname "$dll")")/$(basename "$dll"): healthz ${h} ms, status ${s} ms, rss ${m} KiB"
        if [[ $dll == "$first" ]]; then a_status+=("$s"); else b_status+=("$s"); fi
    done
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
ma=$(median "${a_status[@]}") mb=$(median "${b_status[@]}")
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "median time to status: first ${ma} ms, second ${mb} ms, ratio second/first $(awk -v a="$ma" -v b="$mb" 'BEGIN {printf "%.2f", b / a}')"
