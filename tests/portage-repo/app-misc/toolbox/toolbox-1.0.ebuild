EAPI=8

DESCRIPTION="BuildSwarm test: the top package; runs every program of the repository"
HOMEPAGE="https://buildswarm.invalid/tests"
S="${WORKDIR}"
LICENSE="MIT"
KEYWORDS="amd64"
SLOT="0"

RDEPEND="
	app-misc/banner
	app-misc/counter
	app-misc/framecat
	app-misc/hello
"

src_unpack() {
	cp "${FILESDIR}"/* "${S}"/ || die
}

src_compile() {
	emake CC="${CC:-gcc}" CFLAGS="${CFLAGS}" LDFLAGS="${LDFLAGS}" BINDIR="${EPREFIX}/usr/bin"
}

src_install() {
	dobin toolbox
}
