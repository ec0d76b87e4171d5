EAPI=8

DESCRIPTION="BuildSwarm test: the library everything else builds on"
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
	dolib.so libbase.so
	doheader base.h
}
