EAPI=8

DESCRIPTION="BuildSwarm test: counts words with libcount from slot 2"
HOMEPAGE="https://buildswarm.invalid/tests"
S="${WORKDIR}"
LICENSE="MIT"
KEYWORDS="amd64"
SLOT="0"

DEPEND="dev-libs/libcount:2"
RDEPEND="${DEPEND}"

src_unpack() {
	cp "${FILESDIR}"/* "${S}"/ || die
}

src_compile() {
	emake CC="${CC:-gcc}" CFLAGS="${CFLAGS} -I${ESYSROOT}/usr/include" \
		LDFLAGS="${LDFLAGS} -L${ESYSROOT}/usr/$(get_libdir) -Wl,-rpath,${EPREFIX}/usr/$(get_libdir)"
}

src_install() {
	dobin counter
}
