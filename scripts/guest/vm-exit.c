// SPDX-License-Identifier: GPL-2.0-only
/*
 * vm-exit STATUS: end the QEMU guest at once, handing STATUS to the host.
 *
 * QEMU's isa-debug-exit device (iobase 0xf4) makes QEMU exit with
 * (value << 1) | 1, so the host reads STATUS back as (rc - 1) / 2 and an
 * even exit code means the guest never gave a verdict.  STATUS is clamped
 * to 0..126 so that the host's code stays below 255.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>

#define DEBUG_EXIT_PORT 0xf4

int main(int argc, char **argv)
{
	long status = argc > 1 ? strtol(argv[1], NULL, 10) : 0;

	if (status < 0 || status > 126)
		status = 126;
	if (ioperm(DEBUG_EXIT_PORT, 4, 1)) {
		perror("vm-exit: ioperm");
		return 1;
	}
	outl(status, DEBUG_EXIT_PORT);
	fprintf(stderr, "vm-exit: QEMU has no isa-debug-exit device\n");
	return 1;
}
