EAPI=8

DESCRIPTION="BuildSwarm test: a counting library, API version 2 in slot 2"
HOMEPAGE="https://buildswarm.invalid/tests"
S="${WORKDIR}"
LICENSE="MIT"
KEYWORDS="amd64"
SLOT="2"

src_unpack() {
	cp "${FILESDIR}"/count.c "${FILESDIR}"/count.h "${S}"/ || die
}

src_compile() {
	${CC:-gcc} ${CFLAGS} ${LDFLAGS} -DCOUNT_API=2 -fPIC -shared -Wl,-soname,libcount2.so -o libcount2.so count.c || die "compiling libcount2 failed"
}

src_install() {
	dolib.so libcount2.so
	insinto /usr/include/count2
	doins count.h
}
