EAPI=8

DESCRIPTION="BuildSwarm test: says hello through libgreet; USE=loud shouts"
HOMEPAGE="https://buildswarm.invalid/tests"
S="${WORKDIR}"
LICENSE="MIT"
KEYWORDS="amd64"
SLOT="0"
IUSE="loud"

DEPEND="dev-libs/libgreet"
RDEPEND="${DEPEND}"

src_unpack() {
	cp "${FILESDIR}"/* "${S}"/ || die
}

src_compile() {
	emake CC="${CC:-gcc}" LOUD=$(usex loud 1 0) CFLAGS="${CFLAGS} -I${ESYSROOT}/usr/include" \
		LDFLAGS="${LDFLAGS} -L${ESYSROOT}/usr/$(get_libdir) -Wl,-rpath,${EPREFIX}/usr/$(get_libdir)"
}

src_install() {
	dobin hello
}
