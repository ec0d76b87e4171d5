#!/usr/bin/env bash
# Installs what the tests need, runs the whole suite, and ends with
#   Tests: N passed, N failed, N skipped
# counted from the TRX result files. Exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
root=$(pwd)

# The real-Portage tests (tests/BuildSwarm.Tests/EndToEnd/RealPortage) run the vendored Portage: python3, a C
# toolchain for the test ebuilds, wget (Portage's fetcher), gnupg (signatures), zstd (gpkg), util-linux (flock,
# setpriv), passwd (useradd for the test user), pax-utils (scanelf: NEEDED/PROVIDES of built libraries).
packages=(openssh-server openssh-client rsync iproute2 iptables chromium curl gnupg xz-utils zstd procps nginx-light python3
    gcc make libc6-dev wget util-linux passwd pax-utils)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "test.sh: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # RUNLEVEL=1: packages that bring a service (sshd, nginx) install without starting it; tests start their own.
    export RUNLEVEL=1
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || { echo "test.sh: apt-get install failed" >&2; exit 1; }
fi
mkdir -p /run/sshd

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet restore BuildSwarm.slnx -v quiet || { echo "test.sh: restore failed" >&2; exit 1; }
dotnet build BuildSwarm.slnx --no-restore -c Debug -v quiet -nologo || { echo "test.sh: build failed" >&2; echo "Tests: 0 passed, 1 failed, 0 skipped"; exit 1; }

results="$root/TestResults"
rm -rf "$results"
mkdir -p "$results" "$root/artifacts"
dotnet test BuildSwarm.slnx --no-build -c Debug --logger "trx" --results-directory "$results" -- RunConfiguration.TestSessionTimeout=1500000
status=$?

passed=0 failed=0 skipped=0 total=0
for trx in "$results"/*.trx; do
    [[ -f "$trx" ]] || continue
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
    get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
    t=$(get total) p=$(get passed) f=$(get failed) e=$(get error) to=$(get timeout) ab=$(get aborted)
    total=$((total + ${t:-0}))
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0} + ${e:-0} + ${to:-0} + ${ab:-0}))
done
skipped=$((total - passed - failed))
if ((total == 0)); then
    echo "test.sh: no test results found" >&2
    failed=$((failed + 1))
fi
echo "Tests: $passed passed, $failed failed, $skipped skipped"
if ((failed > 0 || status != 0)); then
    exit 1
fi
