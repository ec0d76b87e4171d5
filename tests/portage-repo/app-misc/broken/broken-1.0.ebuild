EAPI=8

DESCRIPTION="BuildSwarm test: does not compile (a C syntax error), so it fails in src_compile"
HOMEPAGE="https://buildswarm.invalid/tests"
S="${WORKDIR}"
LICENSE="MIT"
KEYWORDS="amd64"
SLOT="0"

DEPEND="dev-libs/libbase"
RDEPEND="${DEPEND}"

src_unpack() {
	cp "${FILESDIR}"/* "${S}"/ || die
}

src_compile() {
	emake CC="${CC:-gcc}" CFLAGS="${CFLAGS} -I${ESYSROOT}/usr/include" \
		LDFLAGS="${LDFLAGS} -L${ESYSROOT}/usr/$(get_libdir) -Wl,-rpath,${EPREFIX}/usr/$(get_libdir)" || die "emake failed"
}

src_install() {
	dobin broken
}
