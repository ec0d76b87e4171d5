#!/usr/bin/env bash
# Package GETs: the gateway's /binhost against nginx serving the same directory, same wrk settings, loopback only.
#
#   bench/binhost-get/run.sh                      # publishes a Release build of src/BuildSwarm first
#   BUILDSWARM_BIN=/path/build-swarm bench/binhost-get/run.sh
#
# Knobs (env): PACKAGES=20 packages published; PAYLOAD_BYTES=1048576 random bytes in each package image;
# DURATION=10s, CONNECTIONS=32, THREADS=2 for every wrk run; HOLD=N keeps both servers up N seconds after the runs
# (URLs printed) for profiling by hand.
# Needs: nginx, wrk, curl, jq, python3 (Debian: apt-get install -y nginx-light wrk curl jq).
set -euo pipefail

packages=${PACKAGES:-20}
payload=${PAYLOAD_BYTES:-1048576}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-32}
threads=${THREADS:-2}
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/binhost-get.XXXXXX)
pids=()

cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_for() { # url
    for _ in $(seq 1 300); do
        curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
        sleep 0.2
    done
    echo "no answer from $1" >&2
    return 1
}

for tool in nginx wrk curl jq python3; do
    command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done

bin=${BUILDSWARM_BIN:-}
if [[ -z $bin ]]; then
    echo "publishing src/BuildSwarm (Release) ..."
    dotnet publish "$repo/src/BuildSwarm" -c Release -o "$work/app" >"$work/publish.log" 2>&1 || { cat "$work/publish.log" >&2; exit 1; }
    bin="$work/app/build-swarm"
fi

# 1. A gateway on loopback with its own data directory.
gport=$(free_port)
gateway="http://127.0.0.1:$gport"
BUILDSWARM_Gateway__Listen="$gateway" "$bin" gateway --data "$work/data" >"$work/gateway.log" 2>&1 &
pids+=($!)
wait_for "$gateway/healthz"
admin=$(cat "$work/data/admin.token")
cluster=$(cat "$work/data/cluster.token")

# 2. Publish the packages the way a drone does: submit, lease, build (demo builder + a random payload), upload.
cpvs=()
for i in $(seq 1 "$packages"); do cpvs+=("bench-get/pkg$i-1.0"); done
jq -n '{packages: [$ARGS.positional[] | {cpv: .}]}' --args "${cpvs[@]}" |
    curl -fsS -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' --data-binary @- "$gateway/api/gateway/build/submit" >/dev/null
orchestrator=$(curl -fsS -H "Authorization: Bearer $cluster" -H 'Content-Type: application/json' \
    -d '{"name":"bench","site":"bench","url":"http://127.0.0.1:1"}' "$gateway/api/gateway/orchestrators/register" | jq -r .orchestratorId)
sed 's|^printf .built by BuildSwarm.*$|&\nhead -c "$BENCH_PAYLOAD_BYTES" /dev/urandom >"$work/image/usr/share/doc/$pf/payload"|' \
    "$repo/builders/demo-builder.sh" >"$work/builder.sh"
mkdir -p "$work/out"
published=0
while ((published < packages)); do
    leases=$(curl -fsS -H "Authorization: Bearer $cluster" -H 'Content-Type: application/json' \
        -d "{\"orchestratorId\":\"$orchestrator\",\"droneId\":\"bench\",\"droneName\":\"bench\",\"max\":64,\"cores\":1024,\"slots\":256}" \
        "$gateway/api/gateway/jobs/lease" | jq -c '.leases[]')
    [[ -n $leases ]] || { echo "no lease while $published of $packages are published" >&2; exit 1; }
    while read -r lease; do
        cpv=$(jq -r .cpv <<<"$lease")
        BUILDSWARM_CPV=$cpv BUILDSWARM_OUTPUT_DIR="$work/out" BUILDSWARM_DEMO_SECONDS=0 BENCH_PAYLOAD_BYTES=$payload \
            bash "$work/builder.sh" >/dev/null
        file="$work/out/${cpv#*/}.gpkg.tar"
        curl -fsS -o /dev/null -X PUT -H "X-Lease-Id: $(jq -r .leaseId <<<"$lease")" \
            -H "X-Content-SHA256: $(sha256sum "$file" | cut -d' ' -f1)" -H 'Content-Type: application/octet-stream' \
            --data-binary @"$file" "$gateway/api/gateway/binhost/upload/$(jq -r .jobId <<<"$lease")"
        published=$((published + 1))
    done <<<"$leases"
done
root="$work/data/binhost/default"
path=$(awk '/^PATH: /{print $2; exit}' "$root/Packages")
echo "published $packages packages; benchmarked file: $path ($(stat -c %s "$root/$path") bytes), Packages: $(stat -c %s "$root/Packages") bytes"

# 3. nginx on loopback, root = the default target's binhost directory.
nport=$(free_port)
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
daemon off;
# Workers run as the caller: the binhost lives in a private temp directory.
user $(id -un) $(id -gn);
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    types { text/plain Packages; }
    default_type application/octet-stream;
    server {
        listen 127.0.0.1:$nport;
        location /binhost/ { alias $root/; }
    }
}
CONF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
pids+=($!)
nginx_url="http://127.0.0.1:$nport"
wait_for "$nginx_url/binhost/Packages"
cmp <(curl -fsS "$gateway/binhost/$path") <(curl -fsS "$nginx_url/binhost/$path") || { echo "the servers disagree on $path" >&2; exit 1; }

# 4. Same wrk run against both, one after the other (2 shared cores: never at the same time).
rps() { wrk -t"$threads" -c"$connections" -d"$duration" --timeout 10s "$1" | tee -a "$work/wrk.log" | awk '/^Requests\/sec:/{print $2}'; }
echo "wrk -t$threads -c$connections -d$duration (loopback); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %14s %14s %8s\n' "resource" "ours req/s" "nginx req/s" "ratio"
for resource in "$path" Packages; do
    rps "$gateway/binhost/$resource" >/dev/null # warm-up (JIT, page cache)
    ours=$(rps "$gateway/binhost/$resource")
    theirs=$(rps "$nginx_url/binhost/$resource")
    name=$([[ $resource == Packages ]] && echo Packages || echo package)
    printf '%-10s %14s %14s %7.2fx\n' "$name" "$ours" "$theirs" "$(python3 -c "print($ours / $theirs)")"
done
grep -h "Non-2xx\|Socket errors" "$work/wrk.log" >&2 || true
if [[ -n ${HOLD:-} ]]; then
    echo "holding ${HOLD}s: $gateway/binhost/$path  $nginx_url/binhost/$path"
    sleep "$HOLD"
fi
