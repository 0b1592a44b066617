// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol selftests: the lock.  Locking lasts until reboot, so the harness
 * runs this program alone in its own boot.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include "../kselftest_harness.h"
#include "audit.h"
#include "common.h"

#define LOCKED_SYSCTL "/proc/sys/kernel/loadpol/locked"
#define POLICY "mode enforce\ndefault deny\nallow name=loadpol_test_a\n"

static int try_lock(const char *value)
{
	return write_text(LOCKED_SYSCTL, value);
}

TEST(lock_is_one_way)
{
	char value[8], before[256], after[256];
	char record[AUDIT_TEXT_MAX];
	const char *const lock_rec[] = { "op=lock locked=1 res=1", " uid=0 ", NULL };
	const char *const deny_rec[] = { "op=load name=\"loadpol_test_fs\"",
					 " lp_action=deny ", NULL };
	int audit = audit_open(), early;

	ASSERT_LE(0, audit);
	ASSERT_EQ(0, read_text(LOCKED_SYSCTL, value, sizeof(value)));
	ASSERT_STREQ("0", value);
	/* Unlocked: 0 may be written (a no-op), the policy replaced. */
	EXPECT_EQ(0, write_text(LOCKED_SYSCTL, "0"));
	ASSERT_EQ(0, policy_write(POLICY));
	ASSERT_LT(0, policy_read(before, sizeof(before)));
	/* Only CAP_MAC_ADMIN in the initial namespace may lock. */
	EXPECT_EQ(-EPERM, run_as(AS_USERNS_ROOT, try_lock, "1"));
	EXPECT_EQ(-EPERM, run_as(AS_NO_MAC_ADMIN, try_lock, "1"));
	ASSERT_EQ(0, read_text(LOCKED_SYSCTL, value, sizeof(value)));
	ASSERT_STREQ("0", value);

	/* A writer that opened before the lock cannot apply after it. */
	early = open(POLICY_FILE, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, early);
	ASSERT_EQ(14, write(early, "default allow\n", 14));

	ASSERT_EQ(0, write_text(LOCKED_SYSCTL, "1"));
	EXPECT_EQ(0, audit_find(audit, AUDIT_LOADPOL_LOCK, record, sizeof(record),
				300, lock_rec));
	ASSERT_EQ(0, read_text(LOCKED_SYSCTL, value, sizeof(value)));
	EXPECT_STREQ("1", value);

	/* Locked: no unlock, no policy write, and the policy still decides. */
	EXPECT_EQ(-EPERM, write_text(LOCKED_SYSCTL, "0"));
	EXPECT_EQ(-EINVAL, write_text(LOCKED_SYSCTL, "2"));
	EXPECT_EQ(0, write_text(LOCKED_SYSCTL, "1"));
	EXPECT_EQ(-EPERM, policy_write("default allow\n"));
	ASSERT_LT(0, policy_read(after, sizeof(after)));
	EXPECT_STREQ(before, after);
	ASSERT_EQ(0, read_text(LOCKED_SYSCTL, value, sizeof(value)));
	EXPECT_STREQ("1", value);
	EXPECT_EQ(-1, close(early));
	EXPECT_EQ(EPERM, errno);
	ASSERT_LT(0, policy_read(after, sizeof(after)));
	EXPECT_STREQ(before, after);
	EXPECT_EQ(0, load_file("loadpol_test_a.ko", "", 0));
	EXPECT_EQ(-EPERM, load_file("loadpol_test_fs.ko", "", 0));
	EXPECT_EQ(0, audit_find(audit, AUDIT_LOADPOL_DECISION, record,
				sizeof(record), 300, deny_rec));
	EXPECT_TRUE(module_loaded("loadpol_test_a"));
	EXPECT_FALSE(module_loaded("loadpol_test_fs"));
	close(audit);
}

TEST_HARNESS_MAIN
