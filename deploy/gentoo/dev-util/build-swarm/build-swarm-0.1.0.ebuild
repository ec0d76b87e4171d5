# Copyright 2026 BuildSwarm authors
# Distributed under the terms of the GNU General Public License v2

EAPI=8

DESCRIPTION="Distributed build farm for Gentoo that serves its results as a binhost"
HOMEPAGE="https://github.com/buildswarm/build-swarm"
# A self-contained 'dotnet publish' for linux-x64 with deploy/ beside it, as the release job packs it:
# build-swarm-<version>/{build-swarm,...,deploy/}.
SRC_URI="https://github.com/buildswarm/build-swarm/releases/download/v${PV}/${P}-linux-x64.tar.gz"

# The project has not declared a licence yet.
LICENSE="all-rights-reserved"
SLOT="0"
KEYWORDS="~amd64"
RESTRICT="bindist mirror strip"

RDEPEND="
	net-misc/openssh
	net-misc/rsync
"

QA_PREBUILT="opt/build-swarm/releases/${PV}/*"

src_install() {
	# The layout 'build-swarm push' maintains: releases/<version>, and current pointing at one.
	local release=/opt/build-swarm/releases/${PV}
	insinto "${release}"
	doins -r .
	fperms 0755 "${release}/build-swarm"
	dosym "releases/${PV}" /opt/build-swarm/current
	dosym ../../opt/build-swarm/current/build-swarm /usr/bin/build-swarm

	local role
	for role in gateway orchestrator drone; do
		insinto /usr/lib/systemd/system
		doins "deploy/systemd/build-swarm-${role}.service"
		newinitd "deploy/openrc/init.d/build-swarm-${role}" "build-swarm-${role}"
		newconfd "deploy/openrc/conf.d/build-swarm-${role}" "build-swarm-${role}"
	done
	insinto /etc/logrotate.d
	newins deploy/logrotate/build-swarm build-swarm

	keepdir /etc/build-swarm /var/lib/build-swarm /var/log/build-swarm
	fperms 0700 /var/lib/build-swarm
}

pkg_postinst() {
	elog "Write /etc/build-swarm/<role>.json for the role(s) this host runs (the keys are in"
	elog "docs/remote.md, 'Installing the services'), then, e.g. for a drone:"
	elog "  rc-update add build-swarm-drone default && rc-service build-swarm-drone start"
	elog "or, with systemd: systemctl enable --now build-swarm-drone"
}
