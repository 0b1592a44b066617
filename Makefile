# SPDX-License-Identifier: GPL-2.0-only
# loadpol: the two commands a newcomer needs, and a few more.
#
#   make run    build (installing what is missing) and boot the demo VM
#   make test   build and run every test; non-zero exit on any failure
#   make bench  benchmark the policy engine
#   make fuzz   fuzz the policy parser (FUZZ_SECONDS=3600)
#   make patches  the upstream series, cover letter included (PATCHES_DIR)

APPEND ?=
PATCHES_DIR ?= $(CURDIR)/.cache/series-out

.PHONY: all run test build bench fuzz patches clean distclean

all: test

test:
	@scripts/run-tests

run:
	@scripts/vm-run --interactive $(if $(APPEND),--append '$(APPEND)') -- /usr/lib/loadpol/demo

build:
	@scripts/build

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
