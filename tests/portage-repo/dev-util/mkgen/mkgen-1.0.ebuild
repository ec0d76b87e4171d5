EAPI=8

DESCRIPTION="BuildSwarm test: a build-time tool that writes C headers (a BDEPEND of others)"
HOMEPAGE="https://buildswarm.invalid/tests"
S="${WORKDIR}"
LICENSE="MIT"
KEYWORDS="amd64"
SLOT="0"

src_unpack() {
	cp "${FILESDIR}"/* "${S}"/ || die
}

src_compile() {
	emake CC="${CC:-gcc}" CFLAGS="${CFLAGS}" LDFLAGS="${LDFLAGS}"
}

src_install() {
	dobin mkgen
}
