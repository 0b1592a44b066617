// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol: check a policy at build time with the parser the kernel runs
 *
 * A host program of the kernel build: CONFIG_SECURITY_LOADPOL_BOOT_POLICY
 * is parsed by this build of policy.c (through tools/loadpol/include's
 * userspace environment) before it is built into the kernel, so that a
 * policy the kernel would reject at boot stops the build instead, with its
 * file, line and reason.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include <stdio.h>
#include <stdlib.h>

/* The engine itself, one translation unit: no second copy of the code. */
#include "policy.c"
#include "glob.c"
#include "index.c"
#include "print.c"
#include "modsig.c"

int main(int argc, char **argv)
{
	struct loadpol_parse_error error = {};
	struct loadpol_policy *policy = NULL;
	size_t len = 0, size = 0, n;
	char *text = NULL;
	FILE *f;
	int err;

	if (argc != 2) {
		fprintf(stderr, "usage: %s POLICY\n", argv[0]);
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	do {
		if (len == size) {
			size = size ? 2 * size : 65536;
			text = realloc(text, size);
			if (!text) {
				perror(argv[0]);
				return 1;
			}
		}
		n = fread(text + len, 1, size - len, f);
		len += n;
	} while (n);
	if (ferror(f)) {
		perror(argv[1]);
		return 1;
	}
	fclose(f);
	err = loadpol_policy_parse(text, len, &policy, &error);
	if (err) {
		fprintf(stderr, "%s:%u: %s\n", argv[1], error.line, error.msg);
		fprintf(stderr,
			"error: CONFIG_SECURITY_LOADPOL_BOOT_POLICY does not parse (%s); %s\n",
			strerror(-err), "the kernel would deny every module at boot");
		return 1;
	}
	loadpol_policy_free(policy);
	free(text);
	return 0;
}
