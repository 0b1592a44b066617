// SPDX-License-Identifier: GPL-2.0-only
/*
 * finit FILE [PARAMS]: load a module with finit_module(2), letting the
 * kernel decompress it (MODULE_INIT_COMPRESSED_FILE) when FILE ends in .xz,
 * .zst or .gz, as kmod's modprobe does.  busybox's insmod cannot.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MODULE_INIT_COMPRESSED_FILE 4

int main(int argc, char **argv)
{
	const char *dot;
	int fd, flags = 0;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: finit FILE [PARAMS]\n");
		return 2;
	}
	dot = strrchr(argv[1], '.');
	if (dot && (!strcmp(dot, ".xz") || !strcmp(dot, ".zst") || !strcmp(dot, ".gz")))
		flags = MODULE_INIT_COMPRESSED_FILE;
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0 || syscall(__NR_finit_module, fd, argc == 3 ? argv[2] : "", flags)) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
