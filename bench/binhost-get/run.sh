#!/usr/bin/env bash
# Package GETs: the gateway's /binhost against nginx serving the same directory, same wrk settings, loopback only.
#
#   bench/binhost-get/run.sh                      # publishes a Release build of src/BuildSwarm first
#   BUILDSWARM_BIN=/path/build-swarm bench/binhost-get/run.sh
#
# Knobs (env): PACKAGES=20 packages published; SIZES="65536 1048576 8388608 33554432" random bytes in the images of the
# first packages, one size each, the others 4096 (each size is one benchmarked file: the last is above the gateway's
# 16 MiB memory-cache limit, so it is streamed from disk); DURATION=5s, CONNECTIONS=32, THREADS=2 for every wrk run;
# ROUNDS=5 rounds per file, ours and nginx one after the other, the order swapped every round; the figures are
# medians. HOLD=N keeps both servers up N seconds after the runs (URLs printed) for profiling by hand.
# LINK=1gbit (any tc rate) puts wrk in a network namespace of its own behind a veth pair whose server side is shaped
# to that rate with tbf (no netem needed), both servers listening on the veth address: a LAN-like link instead of
# loopback (needs root and iproute2). Besides requests/s it prints the servers' CPU time per request (utime+stime of
# the gateway process, of nginx's master and workers), which the shared machine's noise disturbs less.
# Needs: nginx, wrk, curl, jq, python3 (Debian: apt-get install -y nginx-light wrk curl jq).
set -euo pipefail

packages=${PACKAGES:-20}
read -r -a sizes <<<"${SIZES:-65536 1048576 8388608 33554432}"
rounds=${ROUNDS:-5}
duration=${DURATION:-5s}
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

# The address both servers listen on and wrk's way to reach it: loopback, or a shaped veth link into a namespace.
host=127.0.0.1
client=()
link=${LINK:-}
if [[ -n $link ]]; then
    ns="bsget$$"
    net="10.$((200 + $$ % 50)).$(($$ % 250)).0"
    prefix=${net%.0}
    host="$prefix.1"
    ip netns add "$ns"
    ip link add "${ns}a" type veth peer name "${ns}b"
    ip link set "${ns}b" netns "$ns"
    ip addr add "$host/30" dev "${ns}a"
    ip link set "${ns}a" up
    ip netns exec "$ns" ip addr add "$prefix.2/30" dev "${ns}b"
    ip netns exec "$ns" ip link set "${ns}b" up
    ip netns exec "$ns" ip link set lo up
    tc qdisc add dev "${ns}a" root tbf rate "$link" burst 512kb latency 50ms
    client=(ip netns exec "$ns")
    cleanup_link() { ip link del "${ns}a" 2>/dev/null || true; ip netns del "$ns" 2>/dev/null || true; }
    trap 'cleanup; cleanup_link' EXIT
fi

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
cpu_ticks() { # utime + stime of the given processes, in clock ticks
    local total=0 pid
    for pid in "$@"; do total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0))); done
    echo "$total"
}

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

# 1. A gateway with its own data directory.
gport=$(free_port)
gateway="http://$host:$gport"
BUILDSWARM_Gateway__Listen="$gateway" "$bin" gateway --data "$work/data" >"$work/gateway.log" 2>&1 &
gateway_pid=$!
pids+=("$gateway_pid")
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
        n=${cpv#bench-get/pkg}
        n=${n%-1.0}
        payload=$((n <= ${#sizes[@]} ? sizes[n - 1] : 4096))
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
curl -fsS "$gateway/binhost/Packages" >"$work/Packages"
path_of() { awk -v cpv="CPV: bench-get/pkg$1-1.0" 'BEGIN { RS=""; FS="\n" } { hit=0; p=""
    for (i = 1; i <= NF; i++) { if ($i == cpv) hit=1; if (index($i, "PATH: ") == 1) p=substr($i, 7) }
    if (hit) { print p; exit } }' "$work/Packages"; }
files=()
for i in $(seq 1 ${#sizes[@]}); do files+=("$(path_of "$i")"); done
path=${files[0]}
echo "published $packages packages; Packages: $(stat -c %s "$work/Packages") bytes"

# 3. nginx on the same address, root = the default target's binhost directory.
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
        listen $host:$nport;
        location /binhost/ { alias $root/; }
    }
}
CONF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
pids+=($!)
nginx_url="http://$host:$nport"
wait_for "$nginx_url/binhost/Packages"
nginx_pids=($(cat "$work/nginx/nginx.pid") $(pgrep -P "$(cat "$work/nginx/nginx.pid")"))
same() { cmp -s <(curl -fsS "$gateway/binhost/$1" 2>/dev/null) <(curl -fsS "$nginx_url/binhost/$1" 2>/dev/null); }
for resource in "${files[@]}"; do
    same "$resource" || { echo "the servers disagree on $resource" >&2; exit 1; }
done
# The index files on disk follow the served index within Gateway:Binhost:IndexFileIntervalMilliseconds.
for _ in $(seq 1 100); do same Packages && break; sleep 0.1; done
same Packages || { echo "the servers disagree on Packages" >&2; exit 1; }

# 4. Same wrk runs against both, one after the other (2 shared cores: never at the same time), order swapped each round.
run() { # run URL PID...: prints "requests/s CPU-microseconds-per-request"
    local url=$1 before after out
    shift
    before=$(cpu_ticks "$@")
    out=$("${client[@]}" wrk -t"$threads" -c"$connections" -d"$duration" --timeout 10s "$url")
    after=$(cpu_ticks "$@")
    echo "$out" >>"$work/wrk.log"
    awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" '/requests in/ { n = $1 } /^Requests\/sec:/ { r = $2 }
        END { printf "%s %.1f\n", r, n ? ticks / hz * 1e6 / n : 0 }' <<<"$out"
}
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
echo "wrk -t$threads -c$connections -d$duration (${link:-loopback}), $rounds rounds; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-26s %11s %11s %7s %12s %12s   %s\n' "resource" "ours req/s" "nginx req/s" "ratio" "ours CPU/req" "nginx CPU/req" "ratio per round"
for resource in "${files[@]}" Packages; do
    run "$gateway/binhost/$resource" "$gateway_pid" >/dev/null # warm-up (JIT, page cache, memory cache)
    run "$nginx_url/binhost/$resource" "${nginx_pids[@]}" >/dev/null
    ours_all="" theirs_all="" ratios="" ours_cpu="" theirs_cpu=""
    for round in $(seq 1 "$rounds"); do
        if ((round % 2)); then
            read -r ours ocpu < <(run "$gateway/binhost/$resource" "$gateway_pid")
            read -r theirs tcpu < <(run "$nginx_url/binhost/$resource" "${nginx_pids[@]}")
        else
            read -r theirs tcpu < <(run "$nginx_url/binhost/$resource" "${nginx_pids[@]}")
            read -r ours ocpu < <(run "$gateway/binhost/$resource" "$gateway_pid")
        fi
        ours_all+=" $ours" theirs_all+=" $theirs" ours_cpu+=" $ocpu" theirs_cpu+=" $tcpu"
        ratios+=" $(python3 -c "print(f'{$ours / $theirs:.2f}')")"
    done
    if [[ $resource == Packages ]]; then
        name="Packages ($(stat -c %s "$work/Packages") B)"
    else
        name="package $(stat -c %s "$root/$resource") B"
    fi
    printf '%-26s %11.0f %11.0f %6.2fx %9.0f us %10.0f us  %s\n' "$name" "$(median <<<"$ours_all")" "$(median <<<"$theirs_all")" \
        "$(median <<<"$ratios")" "$(median <<<"$ours_cpu")" "$(median <<<"$theirs_cpu")" "$ratios"
done
grep -h "Non-2xx\|Socket errors" "$work/wrk.log" >&2 || true
if [[ -n ${HOLD:-} ]]; then
    echo "holding ${HOLD}s: $gateway/binhost/$path  $nginx_url/binhost/$path"
    sleep "$HOLD"
fi
