// SPDX-License-Identifier: GPL-2.0-only
/*
 * Userspace run of the policy engine's case table (policy_cases.h), the
 * same cases the KUnit suite runs in the kernel.  Prints TAP.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include "policy_cases.h"

int main(void)
{
	static char why[4096];
	char desc[128];
	size_t i, n = ARRAY_SIZE(lpc_cases);
	int failed = 0;

	printf("TAP version 13\n1..%zu\n", n);
	for (i = 0; i < n; i++) {
		const char *bad = lpc_check(&lpc_cases[i], why, sizeof(why));

		lpc_case_desc(&lpc_cases[i], desc, sizeof(desc));
		if (bad)
			printf("# %s\n", bad);
		printf("%sok %zu %s\n", bad ? "not " : "", i + 1, desc);
		failed += !!bad;
	}
	printf("# %zu passed, %d failed\n", n - failed, failed);
	return failed ? 1 : 0;
}
