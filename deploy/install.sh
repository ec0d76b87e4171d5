#!/bin/sh
# Installs the service for one BuildSwarm role.
#   deploy/install.sh <gateway|orchestrator|drone> [--init systemd|openrc] [--publish DIR] [--dry-run]
# Copies the published build (default: ./publish) to /opt/build-swarm/releases/<version>, points
# /opt/build-swarm/current at it, installs the unit (systemd) or init script + conf.d file (OpenRC),
# and enables and starts the service. The init system is detected when --init is not given.
set -eu

usage() { echo "usage: $0 <gateway|orchestrator|drone> [--init systemd|openrc] [--publish DIR] [--dry-run]" >&2; exit 2; }

[ $# -ge 1 ] || usage
role=$1; shift
case "$role" in gateway|orchestrator|drone) ;; *) usage ;; esac
init=""; publish="publish"; dry=""
while [ $# -gt 0 ]; do
	case "$1" in
		--init) init=${2:?}; shift 2 ;;
		--publish) publish=${2:?}; shift 2 ;;
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

[ -x "$publish/build-swarm" ] || { echo "no $publish/build-swarm: run 'dotnet publish src/BuildSwarm -c Release -o $publish' first" >&2; exit 1; }
version=$("$publish/build-swarm" --version | head -n 1)
service=build-swarm-$role

if [ "$role" != drone ] && ! id build-swarm >/dev/null 2>&1; then
	$dry useradd --system --home-dir /var/lib/build-swarm --shell /sbin/nologin build-swarm || $dry adduser -S -h /var/lib/build-swarm build-swarm
fi
$dry mkdir -p "/opt/build-swarm/releases/$version" /etc/build-swarm /var/lib/build-swarm /var/log/build-swarm
$dry cp -a "$publish/." "/opt/build-swarm/releases/$version/"
$dry ln -sfn "releases/$version" /opt/build-swarm/current.new
$dry mv -Tf /opt/build-swarm/current.new /opt/build-swarm/current
[ -e "/etc/build-swarm/$role.json" ] || $dry sh -c "echo '{}' > /etc/build-swarm/$role.json"
[ "$role" = drone ] || $dry chown build-swarm /var/lib/build-swarm /var/log/build-swarm

case "$init" in
	systemd)
		$dry install -m 0644 "$here/systemd/$service.service" "/etc/systemd/system/$service.service"
		$dry systemctl daemon-reload
		$dry systemctl enable --now "$service"
		;;
	openrc)
		$dry install -m 0755 "$here/openrc/init.d/$service" "/etc/init.d/$service"
		[ -e "/etc/conf.d/$service" ] || $dry install -m 0644 "$here/openrc/conf.d/$service" "/etc/conf.d/$service"
		$dry rc-update add "$service" default
		$dry rc-service "$service" restart
		;;
	*) usage ;;
esac
echo "installed $service ($init), release $version; configure /etc/build-swarm/$role.json"
