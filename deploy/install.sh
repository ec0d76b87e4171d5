#!/bin/sh
# Installs the service for one BuildSwarm role.
#   deploy/install.sh <gateway|orchestrator|drone> [--init systemd|openrc] [--publish DIR]
#       [--gateway URL] [--orchestrator URL] [--token TOKEN] [--site NAME] [--name NAME]
#       [--root DIR] [--no-start] [--dry-run]
# Copies the published build (default: ./publish) to /opt/build-swarm/releases/<version>, points
# /opt/build-swarm/current at it, writes /etc/build-swarm/<role>.json for the role (kept if it
# exists), installs the unit (systemd) or init script, conf.d file and logrotate file (OpenRC), and
# enables and starts the service. Every role keeps its state in /var/lib/build-swarm (the data
# directory the CLI looks in). --root installs into another root (a package image or a test) and
# starts nothing; --no-start installs without enabling or starting.
set -eu

usage() { echo "usage: $0 <gateway|orchestrator|drone> [--init systemd|openrc] [--publish DIR] [--gateway URL] [--orchestrator URL] [--token TOKEN] [--site NAME] [--name NAME] [--root DIR] [--no-start] [--dry-run]" >&2; exit 2; }

[ $# -ge 1 ] || usage
role=$1; shift
case "$role" in gateway|orchestrator|drone) ;; *) usage ;; esac
init=""; publish="publish"; dry=""; root=""; start=yes
gateway_url="http://127.0.0.1:8090"; orchestrator_url=""; token=""; site="default"; name=$(hostname)
while [ $# -gt 0 ]; do
	case "$1" in
		--init) init=${2:?}; shift 2 ;;
		--publish) publish=${2:?}; shift 2 ;;
		--gateway) gateway_url=${2:?}; shift 2 ;;
		--orchestrator) orchestrator_url=${2:?}; shift 2 ;;
		--token) token=${2:?}; shift 2 ;;
		--site) site=${2:?}; shift 2 ;;
		--name) name=${2:?}; shift 2 ;;
		--root) root=${2:?}; start=""; shift 2 ;;
		--no-start) start=""; shift ;;
		--dry-run) dry=echo; shift ;;
		*) usage ;;
	esac
done

here=$(cd "$(dirname "$0")" && pwd)
if [ -z "$init" ]; then
	if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then init=systemd
	elif command -v rc-service >/dev/null 2>&1; then init=openrc
	else echo "neither systemd nor OpenRC found: pass --init" >&2; exit 1; fi
fi
case "$init" in systemd|openrc) ;; *) usage ;; esac

[ -x "$publish/build-swarm" ] || { echo "no $publish/build-swarm: run 'dotnet publish src/BuildSwarm -c Release -r linux-x64 --self-contained false -o $publish' first" >&2; exit 1; }
version=$("$publish/build-swarm" --version | head -n 1)
service=build-swarm-$role
data=/var/lib/build-swarm
config=/etc/build-swarm/$role.json

if [ -z "$root" ] && [ "$role" != drone ] && ! id build-swarm >/dev/null 2>&1; then
	$dry useradd --system --home-dir "$data" --shell /sbin/nologin build-swarm || $dry adduser -S -h "$data" build-swarm
fi
$dry mkdir -p "$root/opt/build-swarm/releases/$version" "$root/etc/build-swarm" "$root$data" "$root/var/log/build-swarm"
$dry cp -a "$publish/." "$root/opt/build-swarm/releases/$version/"
$dry ln -sfn "releases/$version" "$root/opt/build-swarm/current.new"
$dry mv -Tf "$root/opt/build-swarm/current.new" "$root/opt/build-swarm/current"
[ -n "$root" ] || [ "$role" = drone ] || $dry chown build-swarm "$data" /var/log/build-swarm

# JSON string: the values come from the command line, so quotes and backslashes are escaped.
q() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }
write_config() {
	case "$role" in
		gateway) printf '{\n  "Gateway": {\n    "Listen": "http://0.0.0.0:8090",\n    "DataDir": %s\n  }\n}\n' "$(q "$data")" ;;
		orchestrator)
			# On the gateway's host the cluster token is in its data directory.
			[ -n "$token" ] || [ ! -r "$root$data/cluster.token" ] || token=$(cat "$root$data/cluster.token")
			printf '{\n  "Orchestrator": {\n    "Listen": "http://0.0.0.0:8091",\n    "GatewayUrl": %s,\n    "GatewayToken": %s,\n    "Site": %s,\n    "Name": %s\n  }\n}\n' \
				"$(q "$gateway_url")" "$(q "$token")" "$(q "$site")" "$(q "$name-orchestrator")" ;;
		drone)
			printf '{\n  "Drone": {\n    "OrchestratorUrl": %s,\n    "GatewayUrl": %s,\n    "Site": %s,\n    "JoinToken": %s,\n    "Name": %s,\n    "WorkDir": %s\n  }\n}\n' \
				"$(q "${orchestrator_url:-}")" "$(q "$gateway_url")" "$(q "$site")" "$(q "$token")" "$(q "$name")" "$(q "$data/drone")" ;;
	esac
}
if [ -e "$root$config" ]; then
	echo "keeping $config"
elif [ -n "$dry" ]; then
	echo "write $config:"; write_config
else
	umask 077 # it holds a token
	write_config > "$root$config"
	umask 022
	[ -n "$root" ] || [ "$role" = drone ] || chown build-swarm "$config"
fi

case "$init" in
	systemd)
		$dry install -D -m 0644 "$here/systemd/$service.service" "$root/etc/systemd/system/$service.service"
		;;
	openrc)
		$dry install -D -m 0755 "$here/openrc/init.d/$service" "$root/etc/init.d/$service"
		[ -e "$root/etc/conf.d/$service" ] || $dry install -D -m 0644 "$here/openrc/conf.d/$service" "$root/etc/conf.d/$service"
		$dry install -D -m 0644 "$here/logrotate/build-swarm" "$root/etc/logrotate.d/build-swarm"
		;;
esac

missing=""
case "$role" in
	orchestrator) grep -q '"GatewayToken": ""' "$root$config" 2>/dev/null && missing="Orchestrator:GatewayToken (the gateway's $data/cluster.token; --token)" ;;
	drone) grep -q '"JoinToken": ""' "$root$config" 2>/dev/null && [ ! -e "$root$data/drone/credential" ] && missing="Drone:JoinToken ('build-swarm token create' on the gateway; --token)" ;;
esac
if [ -n "$start" ] && [ -n "$missing" ]; then
	echo "installed $service ($init), release $version; not started: set $missing in $config, then start it" >&2
	start=""
fi
if [ -n "$start" ]; then
	case "$init" in
		systemd) $dry systemctl daemon-reload; $dry systemctl enable --now "$service" ;;
		openrc) $dry rc-update add "$service" default; $dry rc-service "$service" restart ;;
	esac
fi
echo "installed $service ($init) into ${root:-/}, release $version, config $config, data $data${start:+, started}"
