# SPDX-License-Identifier: GPL-2.0-only
# loadpol: the two commands a newcomer needs, and a few more.
#
#   make run    build (installing what is missing) and boot the demo VM
#   make test   build and run every test; non-zero exit on any failure
#   make bench  benchmark the policy engine
#   make fuzz   fuzz the policy parser (FUZZ_SECONDS=3600)
#   make patches  the upstream series, cover letter included (PATCHES_DIR)
#   make install  install loadpol's userspace (DESTDIR=, prefix=/usr)
#   make run-distro  boot the Debian 12 VM (systemd, udev, auditd) with loadpol

APPEND ?=
PATCHES_DIR ?= $(CURDIR)/.cache/series-out

.PHONY: all run run-distro test build bench fuzz patches install clean distclean

all: test

test:
	@scripts/run-tests

run:
	@scripts/vm-run --interactive $(if $(APPEND),--append '$(APPEND)') -- /usr/lib/loadpol/demo

build:
	@scripts/build

# The Debian 12 VM: systemd, udev, auditd, an initramfs made by
# update-initramfs (DISTRO_INITRAMFS=dracut: by dracut) that loads and locks
# /etc/loadpol/policy (made by loadpolctl generate --hash: this kernel's
# modules only) at its end.  Log in as root (no password).
DISTRO_INITRAMFS ?= initramfs-tools
run-distro:
	@scripts/distro-run --interactive --generate-policy --initramfs $(DISTRO_INITRAMFS) $(if $(APPEND),--append '$(APPEND)')

# loadpol's userspace, where a distribution package puts it: loadpolctl and
# its man page, the initramfs-tools and dracut integration, an example
# policy.  DESTDIR=/path/to/staging for a package build.
DESTDIR ?=
prefix ?= /usr
install:
	@$(MAKE) -s -C tools/loadpol OUT=$(CURDIR)/.cache/out/tools DESTDIR=$(abspath $(DESTDIR)) prefix=$(prefix) install

# Benchmarks (tables of figures, not tests): the policy engine, then
# finit_module(2) in the VM with and without loadpol.
bench:
	@scripts/setup-deps
	@$(MAKE) -s -C tools/loadpol OUT=$(CURDIR)/.cache/out/tools bench
	@scripts/vm-bench

# Fuzz the policy parser for FUZZ_SECONDS (default 3600; Ctrl-C stops).
fuzz:
	@scripts/setup-deps
	@$(MAKE) -s -C tools/loadpol OUT=$(CURDIR)/.cache/out/tools fuzz

# git format-patch mails onto the pristine tree, with a cover letter;
# scripts/check-series checks them (make test does both).
patches:
	@scripts/make-patches $(PATCHES_DIR)

# Remove the build and the guest artifacts; keep the extracted kernel source.
clean:
	rm -rf .cache/build* .cache/out* .cache/series-out

# Remove the whole cache, the extracted kernel source included.
distclean:
	rm -rf .cache
