# SPDX-License-Identifier: GPL-2.0-only
# Shared settings and helpers of the loadpol harness; sourced, not run.

LOADPOL_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOADPOL_CACHE=${LOADPOL_CACHE:-$LOADPOL_TOP/.cache}
# The kernel source Debian ships, and where it is prepared and built.
LINUX_TARBALL=${LINUX_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
SRC=$LOADPOL_CACHE/linux
JOBS=${JOBS:-$(nproc)}
# Paths of the repository that are a kernel-tree overlay.
OVERLAY_DIRS="security include Documentation tools"
# Kconfig fragments merged onto tinyconfig, in order; a later line for the
# same symbol wins.
FRAGMENTS="$LOADPOL_TOP/scripts/vm.config $LOADPOL_TOP/tools/testing/selftests/loadpol/config"
# Four kernels: "test" (the default); "debug" (LOADPOL_FLAVOUR=debug):
# KASAN, lockdep, kmemleak, fault injection, zstd modules; "distro": what a
# Debian 12 system (systemd, udev, auditd) needs, drivers as modules; and
# "peer": the distro kernel with what the kernel's own kmod selftest needs
# and a built-in policy (scripts/build starts it from a copy of the distro
# build directory: only what those change is compiled).  Each has its own
# build directory and guest artifacts.
LOADPOL_FLAVOUR=${LOADPOL_FLAVOUR:-test}
case $LOADPOL_FLAVOUR in
test)
	KBUILD=$LOADPOL_CACHE/build
	OUT=$LOADPOL_CACHE/out
	;;
debug)
	KBUILD=$LOADPOL_CACHE/build-debug
	OUT=$LOADPOL_CACHE/out-debug
	FRAGMENTS="$FRAGMENTS $LOADPOL_TOP/scripts/debug.config"
	;;
peer)
	KBUILD=$LOADPOL_CACHE/build-peer
	OUT=$LOADPOL_CACHE/out-peer
	FRAGMENTS="$FRAGMENTS $LOADPOL_TOP/scripts/distro.config $LOADPOL_TOP/scripts/peer.config"
	;;
distro)
	KBUILD=$LOADPOL_CACHE/build-distro
	OUT=$LOADPOL_CACHE/out-distro
	FRAGMENTS="$FRAGMENTS $LOADPOL_TOP/scripts/distro.config"
	;;
*)
	printf 'error: LOADPOL_FLAVOUR=%s: use test, debug, peer or distro\n' "$LOADPOL_FLAVOUR" >&2
	exit 2
	;;
esac

# Every step says how long the run has taken so far (the first script of a
# run sets the clock; the scripts it starts inherit it).
LOADPOL_T0=${LOADPOL_T0:-$(date +%s)}
export LOADPOL_T0
step() {
	local t=$(($(date +%s) - LOADPOL_T0))
	printf '==> [%d:%02d] %s\n' $((t / 60)) $((t % 60)) "$*" >&2
}
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# ccache, when present, shares its cache between clones at other paths:
# CCACHE_BASEDIR makes the kernel's absolute include paths relative, and
# -fmacro-prefix-map=<srctree>/= (whose whole point is to make __FILE__
# independent of that path) is left out of the hash.
kmake() {
	local cc=gcc
	command -v ccache >/dev/null && cc="ccache gcc"
	CCACHE_BASEDIR=$LOADPOL_CACHE CCACHE_IGNOREOPTIONS='-fmacro-prefix-map=*' \
		make -C "$SRC" O="$KBUILD" ARCH=x86_64 CC="$cc" -j"$JOBS" "$@"
}

kernel_release() { cat "$KBUILD/include/config/kernel.release"; }
