#!/usr/bin/env bash
# Demo builder for the `command` builder: pretends to compile $BUILDSWARM_CPV for a
# while, then writes a valid gpkg (GLEP 78) into $BUILDSWARM_OUTPUT_DIR.
#
#   BUILDSWARM_DEMO_SECONDS  simulated build time (default 2, fractions allowed)
#   BUILDSWARM_DEMO_FAIL     extended regex; matching CPVs fail like a broken ebuild
set -euo pipefail

: "${BUILDSWARM_CPV:?BUILDSWARM_CPV is not set}"
: "${BUILDSWARM_OUTPUT_DIR:?BUILDSWARM_OUTPUT_DIR is not set}"

category=${BUILDSWARM_CPV%%/*}
pf=${BUILDSWARM_CPV#*/}
pn=$(sed -E 's/-[0-9][^-]*(-r[0-9]+)?$//' <<<"$pf")
seconds=${BUILDSWARM_DEMO_SECONDS:-2}

echo ">>> Emerging (1 of 1) ${BUILDSWARM_CPV}::gentoo (simulated for ${seconds}s)"
echo ">>> Dependencies: ${BUILDSWARM_DEPS:-none}"
sleep "$seconds"

if [[ -n "${BUILDSWARM_DEMO_FAIL:-}" && "$BUILDSWARM_CPV" =~ ${BUILDSWARM_DEMO_FAIL} ]]; then
    echo " * ERROR: ${BUILDSWARM_CPV}::gentoo failed (compile phase):" >&2
    echo " *   emake failed (simulated)" >&2
    exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/metadata" "$work/image/usr/share/doc/$pf" "$work/$pf"

rdepend=""
for dep in ${BUILDSWARM_DEPS:-}; do
    rdepend+="${rdepend:+ }>=${dep}"
done

meta() { printf '%s\n' "$2" >"$work/metadata/$1"; }
meta CATEGORY "$category"
meta PF "$pf"
meta SLOT "0"
meta EAPI "8"
meta KEYWORDS "amd64 ~arm64"
meta USE "amd64 elibc_glibc kernel_linux"
meta IUSE ""
meta LICENSE "MIT"
meta DESCRIPTION "BuildSwarm demo package ${pn}"
meta CHOST "${BUILDSWARM_CHOST:-x86_64-pc-linux-gnu}"
meta RDEPEND "$rdepend"
meta DEPEND "$rdepend"
meta DEFINED_PHASES "compile install"
meta repository "gentoo"
meta BUILD_TIME "$(date +%s)"
printf 'built by BuildSwarm demo builder on %s\n' "$(hostname)" >"$work/image/usr/share/doc/$pf/README"

tarflags=(--format=ustar --owner=0 --group=0 --numeric-owner --mtime=@0)
# Only metadata/<KEY> file members, no bare "metadata" directory: Portage (gpkg._strip_metadata_prefix) rejects
# any metadata.tar member whose name does not start with "metadata/".
(cd "$work" && LC_ALL=C ls metadata | sed 's|^|metadata/|') >"$work/metadata.list"
tar "${tarflags[@]}" -C "$work" -cf - --no-recursion -T "$work/metadata.list" | gzip -n >"$work/$pf/metadata.tar.gz"
tar "${tarflags[@]}" --sort=name -C "$work" -cf - image | gzip -n >"$work/$pf/image.tar.gz"
: >"$work/$pf/gpkg-1"

# Portage (gpkg._verify_binpkg) wants every member but the Manifest listed, the empty gpkg-1 marker included.
for member in gpkg-1 metadata.tar.gz image.tar.gz; do
    file="$work/$pf/$member"
    printf 'DATA %s %s BLAKE2B %s SHA512 %s\n' "$member" "$(stat -c %s "$file")" \
        "$(b2sum "$file" | cut -d' ' -f1)" "$(sha512sum "$file" | cut -d' ' -f1)"
done >"$work/$pf/Manifest"

out="$BUILDSWARM_OUTPUT_DIR/$pf.gpkg.tar"
tar "${tarflags[@]}" -C "$work" -cf "$out.part" "$pf/gpkg-1" "$pf/metadata.tar.gz" "$pf/image.tar.gz" "$pf/Manifest"
mv "$out.part" "$out"
echo ">>> Completed ${BUILDSWARM_CPV}: $(stat -c %s "$out") bytes"
