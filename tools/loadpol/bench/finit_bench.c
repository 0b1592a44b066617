// SPDX-License-Identifier: GPL-2.0-only
/*
 * finit_bench: time finit_module(2) of a small module in the guest, with
 * whatever LSMs are active, optionally after writing a loadpol policy of N
 * rules (exact names, or SHA-256 pins) that allows it.  Not a test.
 *
 * usage: finit_bench LABEL MODULE.ko ROUNDS [names|hashes N]
 * prints: RESULT LABEL <median kcycles> <mean kcycles> <rounds>
 *
 * Times are TSC cycles read in userspace: under QEMU TCG they follow the
 * host's clock whatever clocksource the guest kernel settled on.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <x86intrin.h>

static double now_kcycles(void)
{
	return __rdtsc() / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int write_policy(const char *kind, unsigned int n, const char *module,
			const char *modpath)
{
	FILE *f = fopen("/sys/kernel/security/loadpol/policy", "w");
	char digest[65] = "", cmd[600];
	unsigned int i, j;
	FILE *p;

	if (!f)
		return -errno;
	if (!strcmp(kind, "hashes")) {
		snprintf(cmd, sizeof(cmd), "sha256sum '%s'", modpath);
		p = popen(cmd, "r");
		if (!p || fscanf(p, "%64s", digest) != 1)
			return -EIO;
		pclose(p);
	}
	fprintf(f, "default deny\n");
	for (i = 0; i < n; i++) {
		if (i == n / 2) {
			if (digest[0])
				fprintf(f, "allow sha256=%s\n", digest);
			else
				fprintf(f, "allow name=%s\n", module);
		}
		if (digest[0]) {
			fprintf(f, "allow sha256=");
			for (j = 0; j < 8; j++)
				fprintf(f, "%08x", (i + 1) * 2654435761U ^ j * 40503U);
			fprintf(f, "\n");
		} else {
			fprintf(f, "allow name=bench_module_%06u\n", i);
		}
	}
	return fclose(f) ? -errno : 0;
}

int main(int argc, char **argv)
{
	const char *label, *modpath, *module;
	unsigned int rounds, i;
	double *t, sum = 0;
	char name[64];
	int fd, err;

	if (argc != 4 && argc != 6) {
		fprintf(stderr, "usage: finit_bench LABEL MODULE.ko ROUNDS [names|hashes N]\n");
		return 2;
	}
	label = argv[1];
	modpath = argv[2];
	rounds = strtoul(argv[3], NULL, 0);
	module = strrchr(modpath, '/') ? strrchr(modpath, '/') + 1 : modpath;
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(module, "."), module);
	if (argc == 6) {
		err = write_policy(argv[4], strtoul(argv[5], NULL, 0), name, modpath);
		if (err) {
			fprintf(stderr, "finit_bench: writing the policy: %s\n", strerror(-err));
			return 1;
		}
	}
	t = calloc(rounds, sizeof(*t));
	fd = open(modpath, O_RDONLY | O_CLOEXEC);
	if (!t || fd < 0) {
		perror("finit_bench");
		return 1;
	}
	for (i = 0; i < rounds; i++) {
		double t0 = now_kcycles();

		if (syscall(__NR_finit_module, fd, "", 0)) {
			perror("finit_bench: finit_module");
			return 1;
		}
		t[i] = now_kcycles() - t0;
		sum += t[i];
		if (syscall(__NR_delete_module, name, O_NONBLOCK)) {
			perror("finit_bench: delete_module");
			return 1;
		}
	}
	qsort(t, rounds, sizeof(*t), cmp_double);
	printf("RESULT %s %.1f %.1f %u\n", label, t[rounds / 2], sum / rounds, rounds);
	return 0;
}
