EAPI=8

DESCRIPTION="BuildSwarm test: prints a banner whose text mkgen generated at build time"
HOMEPAGE="https://buildswarm.invalid/tests"
S="${WORKDIR}"
LICENSE="MIT"
KEYWORDS="amd64"
SLOT="0"

BDEPEND="dev-util/mkgen"

src_unpack() {
	cp "${FILESDIR}"/* "${S}"/ || die
}

src_compile() {
	mkgen BANNER_TEXT "built by the swarm" > text.h || die "mkgen failed"
	emake CC="${CC:-gcc}" CFLAGS="${CFLAGS}" LDFLAGS="${LDFLAGS}"
}

src_install() {
	dobin banner
}
