EAPI=8

DESCRIPTION="BuildSwarm test: a counting library, API version 1 in slot 0"
HOMEPAGE="https://buildswarm.invalid/tests"
S="${WORKDIR}"
LICENSE="MIT"
KEYWORDS="amd64"
SLOT="0"

src_unpack() {
	cp "${FILESDIR}"/count.c "${FILESDIR}"/count.h "${S}"/ || die
}

src_compile() {
	${CC:-gcc} ${CFLAGS} ${LDFLAGS} -DCOUNT_API=1 -fPIC -shared -Wl,-soname,libcount.so -o libcount.so count.c || die "compiling libcount failed"
}

src_install() {
	dolib.so libcount.so
	insinto /usr/include
	doins count.h
}
