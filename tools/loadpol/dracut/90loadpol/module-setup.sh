#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# dracut module: the equivalent of loadpol's initramfs-tools hook and
# init-bottom script.  Install as /usr/lib/dracut/modules.d/90loadpol/.

check() {
	[[ -r /etc/loadpol/policy ]] || return 255
	require_binaries loadpolctl || return 1
	return 0
}

depends() {
	return 0
}

# A policy that does not parse stops dracut: an initramfs that would stop
# the boot (loadpol-lock.sh) must not be made.
install() {
	if ! loadpolctl check /etc/loadpol/policy >/dev/null; then
		dfatal "loadpol: /etc/loadpol/policy does not parse (see above):" \
			"not making an initramfs that would stop the boot"
		exit 1
	fi
	if ! /usr/share/loadpol/check-kernel "$kernel" dracut "$initdir"; then
		dfatal "loadpol: /etc/loadpol/policy would break kernel $kernel (see above)"
		exit 1
	fi
	inst_binary loadpolctl
	inst_simple /etc/loadpol/policy
	inst_hook pre-pivot 99 "$moddir/loadpol-lock.sh"
}
