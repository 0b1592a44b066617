// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol selftests: who may replace the policy.  Only a process with
 * CAP_MAC_ADMIN in the initial user namespace; every other writer is
 * refused with the documented errno, and the policy reads back
 * byte-identical afterwards.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include "../kselftest_harness.h"
#include "common.h"

#define LOCKED_SYSCTL "/proc/sys/kernel/loadpol/locked"
#define POLICY "mode enforce\ndefault allow\ndeny name=loadpol_test_fs\n"

static int try_policy_write(const char *text)
{
	return policy_write(text);
}

static int try_policy_read(const char *unused)
{
	char buf[256];
	ssize_t n = policy_read(buf, sizeof(buf));

	return n < 0 ? n : 0;
}

static int try_lock(const char *value)
{
	return write_text(LOCKED_SYSCTL, value);
}

FIXTURE(privilege) {
	char before[256];
};

FIXTURE_SETUP(privilege)
{
	ASSERT_EQ(0, policy_write(POLICY));
	ASSERT_LT(0, policy_read(self->before, sizeof(self->before)));
}

FIXTURE_TEARDOWN(privilege)
{
	char after[256], locked[8];

	/* Whatever was tried, the policy is the one written, and unlocked. */
	EXPECT_LT(0, policy_read(after, sizeof(after)));
	EXPECT_STREQ(self->before, after);
	EXPECT_EQ(0, read_text(LOCKED_SYSCTL, locked, sizeof(locked)));
	EXPECT_STREQ("0", locked);
	policy_write("default allow\n");
}

FIXTURE_VARIANT(privilege) {
	enum as_who who;
	int write_err;		/* opening the policy for writing */
	int read_err;		/* reading the policy */
	int lock_err;		/* writing 1 to the lock sysctl */
};

/* The file is 0600 root: the mode refuses others before loadpol does. */
FIXTURE_VARIANT_ADD(privilege, nobody) {
	.who = AS_NOBODY, .write_err = -EACCES, .read_err = -EACCES,
	.lock_err = -EACCES,
};

/* Root in a user namespace has CAP_MAC_ADMIN there, not in init's. */
FIXTURE_VARIANT_ADD(privilege, userns_root) {
	.who = AS_USERNS_ROOT, .write_err = -EPERM, .read_err = 0,
	.lock_err = -EPERM,
};

FIXTURE_VARIANT_ADD(privilege, root_without_cap_mac_admin) {
	.who = AS_NO_MAC_ADMIN, .write_err = -EPERM, .read_err = 0,
	.lock_err = -EPERM,
};

TEST_F(privilege, policy_write)
{
	EXPECT_EQ(variant->write_err, run_as(variant->who, try_policy_write,
					     "default allow\n"));
	/* Nor can such a writer empty the policy with a bad one. */
	EXPECT_EQ(variant->write_err, run_as(variant->who, try_policy_write,
					     "nonsense\n"));
}

TEST_F(privilege, policy_read)
{
	EXPECT_EQ(variant->read_err, run_as(variant->who, try_policy_read, NULL));
}

TEST_F(privilege, lock_sysctl)
{
	EXPECT_EQ(variant->lock_err, run_as(variant->who, try_lock, "1"));
}

/* A second writer while one is open: EBUSY, and the first still applies. */
TEST(second_writer_is_busy)
{
	char before[256], after[256];
	int fd;

	ASSERT_EQ(0, policy_write(POLICY));
	ASSERT_LT(0, policy_read(before, sizeof(before)));
	fd = open(POLICY_FILE, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EBUSY, policy_write("default allow\n"));
	EXPECT_EQ(-EBUSY, run_as(AS_ROOT, try_policy_write, "default allow\n"));
	EXPECT_LT(0, policy_read(after, sizeof(after)));
	EXPECT_STREQ(before, after);
	ASSERT_EQ(12, write(fd, "default deny", 12));
	ASSERT_EQ(0, close(fd));
	EXPECT_LT(0, policy_read(after, sizeof(after)));
	EXPECT_STREQ("mode enforce\ndefault deny\n", after);
	/* And once it closed, the next writer gets in. */
	EXPECT_EQ(0, policy_write("default allow\n"));
}

/* The opener's credentials count: a root writer's fd handed to nobody. */
TEST(opener_credentials_count)
{
	char after[256];
	int fd, status;
	pid_t pid;

	fd = open(POLICY_FILE, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (become(AS_NOBODY))
			_exit(2);
		_exit(write(fd, "default deny\n", 13) == 13 ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, close(fd));
	EXPECT_LT(0, policy_read(after, sizeof(after)));
	EXPECT_STREQ("mode enforce\ndefault deny\n", after);
	EXPECT_EQ(0, policy_write("default allow\n"));
}

TEST_HARNESS_MAIN
