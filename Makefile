# SPDX-License-Identifier: GPL-2.0-only
# loadpol: the two commands a newcomer needs, and a few more.
#
#   make run    build (installing what is missing) and boot the demo VM
#   make test   build and run every test; non-zero exit on any failure

APPEND ?=

.PHONY: all run test build clean distclean

all: test

test:
	@scripts/run-tests

run:
	@scripts/vm-run --interactive $(if $(APPEND),--append '$(APPEND)') -- /usr/lib/loadpol/demo

build:
	@scripts/build

# Remove the build and the guest artifacts; keep the extracted kernel source.
clean:
	rm -rf .cache/build .cache/out

# Remove the whole cache, the extracted kernel source included.
distclean:
	rm -rf .cache
