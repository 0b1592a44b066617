// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol selftests: allocation failures while a policy is written.  With
 * fault injection (CONFIG_FAILSLAB, /proc/self/fail-nth), the 1st, 2nd, ...
 * slab allocation of writing a policy fails in turn, until a write runs
 * with no failure left to inject.  Each write either takes effect whole or
 * fails with ENOMEM and leaves the old policy in force.  Skipped on a
 * kernel without fault injection.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include <sys/mount.h>

#include "../kselftest_harness.h"
#include "common.h"

#define FAILSLAB "/sys/kernel/debug/failslab"
#define OLD "mode enforce\ndefault allow\ndeny name=loadpol_test_fs\n"
#define NEW "mode enforce\ndefault deny\nallow name=loadpol_test_a\n" \
	"allow sha256=5f1c0000000000000000000000000000000000000000000000000000000000e2\n" \
	"allow request=fs-*\n"

/* Through a file opened beforehand: opening it would allocate. */
static int fail_nth_fd = -1;

static int set_fail_nth(unsigned int n)
{
	char v[16];
	int len = snprintf(v, sizeof(v), "%u", n);

	return pwrite(fail_nth_fd, v, len, 0) == len ? 0 : -errno;
}

static int get_fail_nth(char *v, size_t size)
{
	ssize_t n = pread(fail_nth_fd, v, size - 1, 0);

	if (n < 0)
		return -errno;
	v[n] = '\0';
	if (n && v[n - 1] == '\n')
		v[n - 1] = '\0';
	return 0;
}

TEST(policy_write_under_allocation_failures)
{
	char buf[512], left[16];
	unsigned int n, failed = 0, applied = 0;

	mount("none", "/sys/kernel/debug", "debugfs", 0, NULL);
	if (access(FAILSLAB, F_OK) || access("/proc/thread-self/fail-nth", F_OK))
		SKIP(return, "no failslab / fail-nth in this kernel");
	/* Fail GFP_KERNEL allocations too, quietly. */
	ASSERT_EQ(0, write_text(FAILSLAB "/ignore-gfp-wait", "N"));
	ASSERT_EQ(0, write_text(FAILSLAB "/verbose", "0"));
	fail_nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fail_nth_fd);

	for (n = 1; n < 10000; n++) {
		int err;

		ASSERT_EQ(0, policy_write(OLD));
		ASSERT_EQ(0, set_fail_nth(n));
		err = policy_write(NEW);
		ASSERT_EQ(0, get_fail_nth(left, sizeof(left)));
		ASSERT_EQ(0, set_fail_nth(0));
		ASSERT_LT(0, policy_read(buf, sizeof(buf)));
		if (strcmp(left, "0")) {
			/* Nothing left to fail: the write ran clean. */
			EXPECT_EQ(0, err);
			EXPECT_STREQ(NEW, buf);
			break;
		}
		if (err) {
			EXPECT_EQ(-ENOMEM, err) TH_LOG("allocation %u: errno %d", n, -err);
			EXPECT_STREQ(OLD, buf) TH_LOG("allocation %u", n);
			failed++;
		} else {
			/* A failure that cost only an audit record, say. */
			EXPECT_STREQ(NEW, buf) TH_LOG("allocation %u", n);
			applied++;
		}
	}
	TH_LOG("%u allocations failed in turn: %u writes refused, %u applied whole",
	       n - 1, failed, applied);
	EXPECT_LT(0, failed);
	write_text(FAILSLAB "/ignore-gfp-wait", "Y");
	policy_write("default allow\n");
}

TEST_HARNESS_MAIN
