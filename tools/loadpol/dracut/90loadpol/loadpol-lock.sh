#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# dracut pre-pivot hook: load /etc/loadpol/policy and lock it until reboot;
# a refused policy stops the boot (die).
type die >/dev/null 2>&1 || . /lib/dracut-lib.sh

[ -e /sys/kernel/security/loadpol ] ||
	mount -t securityfs none /sys/kernel/security 2>/dev/null
if [ -e /sys/kernel/security/loadpol ]; then
	loadpolctl load /etc/loadpol/policy >/dev/null ||
		die "loadpol: the kernel refused /etc/loadpol/policy"
	loadpolctl lock >/dev/null || die "loadpol: could not lock the policy"
else
	warn "loadpol: not active in this kernel; policy not loaded"
fi
