#!/bin/sh
# Times `push` to five nodes (network namespaces with their own sshd, over veth links) using the
# real `dotnet publish` output as payload. Needs root, iproute2, openssh-server and rsync.
#   bench/remote/push.sh            # prints the figures; record them in bench/README.md
set -eu
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
dotnet publish src/BuildSwarm -c Release -o "$out/publish" >/dev/null
dotnet build tests/BuildSwarm.Tests >/dev/null
BUILDSWARM_BENCH_PUBLISH="$out/publish" BUILDSWARM_BENCH_OUT="$out/result.txt" \
	dotnet tests/BuildSwarm.Tests/bin/Debug/net10.0/BuildSwarm.Tests.dll \
	-method "BuildSwarm.Tests.Remote.PushBenchmark.Push_to_five_nodes" -explicit only >/dev/null
cat "$out/result.txt"
