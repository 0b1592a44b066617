// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol selftests: the lock.  Locking lasts until reboot, so the harness
 * runs this program alone in its own boot.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include <pthread.h>

#include "../kselftest_harness.h"
#include "audit.h"
#include "common.h"

#define LOCKED_SYSCTL "/proc/sys/kernel/loadpol/locked"
#define POLICY "mode enforce\ndefault deny\nallow name=loadpol_test_a\n" \
	"allow name=loadpol_test_b\n"
#define PLAIN_B FIXTURES "/plain/loadpol_test_b.ko"

/* The locked policy with deny rules in front: the text of a tightening. */
static void tightened(char *buf, size_t size, const char *denies)
{
	snprintf(buf, size, "mode enforce\ndefault deny\n%s%s", denies,
		 POLICY + strlen("mode enforce\ndefault deny\n"));
}

static int try_tighten(const char *denies)
{
	char text[512];

	tightened(text, sizeof(text), denies);
	return policy_write(text);
}

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
	/* The early writer still holds the file: a second one is busy. */
	EXPECT_EQ(-EBUSY, policy_write("default allow\n"));
	EXPECT_EQ(-1, close(early));
	EXPECT_EQ(EPERM, errno);
	ASSERT_LT(0, policy_read(after, sizeof(after)));
	EXPECT_STREQ(before, after);
	EXPECT_EQ(-EPERM, policy_write("default allow\n"));
	ASSERT_LT(0, policy_read(after, sizeof(after)));
	EXPECT_STREQ(before, after);
	ASSERT_EQ(0, read_text(LOCKED_SYSCTL, value, sizeof(value)));
	EXPECT_STREQ("1", value);
	EXPECT_EQ(0, load_file("loadpol_test_a.ko", "", 0));
	EXPECT_EQ(-EPERM, load_file("loadpol_test_fs.ko", "", 0));
	EXPECT_EQ(0, audit_find(audit, AUDIT_LOADPOL_DECISION, record,
				sizeof(record), 300, deny_rec));
	EXPECT_TRUE(module_loaded("loadpol_test_a"));
	EXPECT_FALSE(module_loaded("loadpol_test_fs"));
	close(audit);
}

/*
 * Locked: a policy is accepted only if it is the locked one with deny
 * rules in front; anything else fails with EPERM and a record.
 */
TEST(locked_policy_can_only_tighten)
{
	const char *const refused[] = { "op=policy-load res=0 errno=1 ",
					" lp_tighten=yes ", " line=3 ",
					" reason=not_tightening ", NULL };
	const char *const accepted[] = { "op=policy-load res=1 errno=0 lp_rules=3 ",
					 " lp_tighten=yes ", NULL };
	const char *const deny_a[] = { "op=load name=\"loadpol_test_a\"",
				       " lp_action=deny ", " lp_rule=1 ", NULL };
	char record[AUDIT_TEXT_MAX], before[512], after[512], text[512];
	int audit = audit_open();

	ASSERT_LE(0, audit);
	ASSERT_EQ(0, read_text(LOCKED_SYSCTL, text, sizeof(text)));
	ASSERT_STREQ("1", text);
	ASSERT_LT(0, policy_read(before, sizeof(before)));
	ASSERT_STREQ(POLICY, before);

	/* Anything that could allow more: EPERM, a record, nothing changed. */
	EXPECT_EQ(-EPERM, try_tighten("allow name=loadpol_test_fs\n"));
	EXPECT_EQ(0, audit_find(audit, AUDIT_LOADPOL_POLICY, record, sizeof(record),
				300, refused));
	EXPECT_EQ(-EPERM, try_tighten("audit name=loadpol_test_fs\n"));
	EXPECT_EQ(-EPERM, policy_write("mode enforce\ndefault allow\n"
				       "allow name=loadpol_test_a\nallow name=loadpol_test_b\n"));
	EXPECT_EQ(-EPERM, policy_write(POLICY "deny name=loadpol_test_fs\n"));
	EXPECT_EQ(-EPERM, policy_write("mode permissive\ndefault deny\n"
				       "allow name=loadpol_test_a\nallow name=loadpol_test_b\n"));
	EXPECT_EQ(-EPERM, policy_write("mode enforce\ndefault deny\nallow name=loadpol_test_a\n"));
	ASSERT_LT(0, policy_read(after, sizeof(after)));
	EXPECT_STREQ(before, after);

	/* Only CAP_MAC_ADMIN in the initial namespace may tighten. */
	EXPECT_EQ(-EPERM, run_as(AS_USERNS_ROOT, try_tighten, "deny name=loadpol_test_a\n"));
	EXPECT_EQ(-EPERM, run_as(AS_NO_MAC_ADMIN, try_tighten, "deny name=loadpol_test_a\n"));
	ASSERT_LT(0, policy_read(after, sizeof(after)));
	EXPECT_STREQ(before, after);

	/* The same policy again is accepted: it refuses as much. */
	EXPECT_EQ(0, policy_write(POLICY));
	/* A deny in front: loadpol_test_a, allowed until now, is refused. */
	ASSERT_EQ(0, unload("loadpol_test_a"));
	EXPECT_EQ(0, try_tighten("deny name=loadpol_test_a\n"));
	EXPECT_EQ(0, audit_find(audit, AUDIT_LOADPOL_POLICY, record, sizeof(record),
				300, accepted));
	tightened(text, sizeof(text), "deny name=loadpol_test_a\n");
	ASSERT_LT(0, policy_read(after, sizeof(after)));
	EXPECT_STREQ(text, after);
	EXPECT_EQ(-EPERM, load_file("loadpol_test_a.ko", "", 0));
	EXPECT_EQ(0, audit_find(audit, AUDIT_LOADPOL_DECISION, record,
				sizeof(record), 300, deny_a));
	EXPECT_FALSE(module_loaded("loadpol_test_a"));
	/* And it stays refused: dropping that rule is loosening. */
	EXPECT_EQ(-EPERM, policy_write(POLICY));
	EXPECT_EQ(-EPERM, load_file("loadpol_test_a.ko", "", 0));
	close(audit);
}

struct race {
	bool stop;
	int loads, allowed, refused, other, allowed_after_refused;
};

/* Load and unload loadpol_test_b until told to stop, counting outcomes. */
static void *load_loop(void *arg)
{
	struct race *r = arg;
	bool seen_refusal = false;

	while (!FLAG_GET(r->stop)) {
		int err = load_path(PLAIN_B, "", 0);

		r->loads++;
		if (!err) {
			r->allowed++;
			r->allowed_after_refused += seen_refusal;
			unload("loadpol_test_b");
		} else if (err == -EPERM) {
			r->refused++;
			seen_refusal = true;
		} else {
			r->other++;
		}
	}
	return NULL;
}

/*
 * Tightening writes race loads: once loadpol_test_b is refused, it is
 * never allowed again, and every write lands whole.
 */
TEST(tighten_writes_race_loads)
{
	struct race r = {};
	char denies[2048] = "", rule[64], text[8192], after[8192];
	pthread_t loader;
	int i, n = 40, failed = 0;

	const char *header = "mode enforce\ndefault deny\n";
	char locked[4096];

	/* The policy in force, as the tests before this one left it. */
	ASSERT_LT(0, policy_read(locked, sizeof(locked)));
	ASSERT_EQ(0, strncmp(locked, header, strlen(header)));
	unload("loadpol_test_b");
	ASSERT_EQ(0, pthread_create(&loader, NULL, load_loop, &r));
	for (i = 0; i < 5000 && __atomic_load_n(&r.allowed, __ATOMIC_RELAXED) < 3; i++)
		usleep(1000);
	for (i = 0; i < n; i++) {
		/* Newest first; halfway, loadpol_test_b itself. */
		snprintf(rule, sizeof(rule), i == n / 2 ? "deny name=loadpol_test_b\n" :
			 "deny name=loadpol_gone_%d\n", i);
		memmove(denies + strlen(rule), denies, strlen(denies) + 1);
		memcpy(denies, rule, strlen(rule));
		snprintf(text, sizeof(text), "%s%s%s", header, denies,
			 locked + strlen(header));
		failed += policy_write(text) != 0;
	}
	for (i = 0; i < 5000 && __atomic_load_n(&r.refused, __ATOMIC_RELAXED) < 3; i++)
		usleep(1000);
	FLAG_SET(r.stop);
	pthread_join(loader, NULL);
	TH_LOG("%d tightening writes, %d loads: %d allowed, %d refused", n, r.loads,
	       r.allowed, r.refused);
	EXPECT_EQ(0, failed);
	EXPECT_LE(3, r.allowed);
	EXPECT_LE(3, r.refused);
	EXPECT_EQ(0, r.allowed_after_refused);
	EXPECT_EQ(0, r.other);
	ASSERT_LT(0, policy_read(after, sizeof(after)));
	EXPECT_STREQ(text, after);
	EXPECT_FALSE(module_loaded("loadpol_test_b"));
}

TEST_HARNESS_MAIN
