// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol selftests: the policy file, and decisions on real module loads
 * and real autoload requests, with the audit records they write
 *
 * Copyright (C) 2026 The loadpol developers
 */

#define _GNU_SOURCE
#include <sys/mount.h>

#include "../kselftest_harness.h"
#include "audit.h"
#include "common.h"

#define MODPROBE_SYSCTL "/proc/sys/kernel/modprobe"
#define MODPROBE_LOG "/tmp/loadpol-enforce-modprobe.log"
#define MODPROBE_WRAPPER "/tmp/loadpol-enforce-modprobe"
#define MOUNT_POINT "/tmp/loadpol-enforce-mnt"
#define WAIT_MS 300
#define PIN_UPPER "5F1C0000000000000000000000000000000000000000000000000000000000E2"
#define PIN_LOWER "5f1c0000000000000000000000000000000000000000000000000000000000e2"

FIXTURE(enforce) {
	int audit;
	char modprobe[256];
	char record[AUDIT_TEXT_MAX];
};

FIXTURE_SETUP(enforce)
{
	self->audit = audit_open();
	ASSERT_LE(0, self->audit) TH_LOG("cannot become the audit daemon: %s",
					 strerror(-self->audit));
	ASSERT_EQ(0, read_text(MODPROBE_SYSCTL, self->modprobe,
			       sizeof(self->modprobe)));
}

FIXTURE_TEARDOWN(enforce)
{
	umount(MOUNT_POINT);
	unload("loadpol_test_a");
	unload("loadpol_test_b");
	unload("loadpol_test_fs");
	write_text(MODPROBE_SYSCTL, self->modprobe);
	policy_write("default allow\n");
	close(self->audit);
}

/* The next decision record holding all of @needles (NULL-terminated). */
#define EXPECT_RECORD(type, ...) do {					\
	const char *const _n[] = { __VA_ARGS__, NULL };			\
	EXPECT_EQ(0, audit_find(self->audit, type, self->record,		\
				sizeof(self->record), WAIT_MS, _n))	\
		TH_LOG("no record of type %d with %s ...", type, _n[0]);	\
} while (0)

TEST_F(enforce, read_back_is_canonical)
{
	char buf[1024], text[1024], want[1024];

	snprintf(text, sizeof(text), "%s%s%s%s",
		 "# comment\n\nallow  name=snd-hda-intel   # x\n",
		 "deny request=net-pf-*\r\n",
		 "allow sha256=" PIN_UPPER "\n",
		 "default allow\nmode permissive\n");
	snprintf(want, sizeof(want), "%s%s%s",
		 "mode permissive\ndefault allow\n",
		 "allow name=snd_hda_intel\ndeny request=net-pf-*\n",
		 "allow sha256=" PIN_LOWER "\n");
	ASSERT_EQ(0, policy_write(text));
	ASSERT_LT(0, policy_read(buf, sizeof(buf)));
	EXPECT_STREQ(want, buf);
	/* Writing the canonical form back yields the same text. */
	ASSERT_EQ(0, policy_write(buf));
	{
		char again[1024];

		ASSERT_LT(0, policy_read(again, sizeof(again)));
		EXPECT_STREQ(buf, again);
	}
}

TEST_F(enforce, policy_in_one_byte_writes)
{
	const char *text = "mode enforce\ndefault deny\nallow name=loadpol_test_a\n";
	char buf[256];

	ASSERT_EQ(0, policy_write_chunked(text, 1));
	ASSERT_LT(0, policy_read(buf, sizeof(buf)));
	EXPECT_STREQ(text, buf);
	EXPECT_EQ(0, load_file("loadpol_test_a.ko", "", 0));
	EXPECT_TRUE(module_loaded("loadpol_test_a"));
}

TEST_F(enforce, bad_policy_changes_nothing)
{
	const char *good = "mode enforce\ndefault deny\nallow name=loadpol_test_a\n";
	char before[256], after[256];

	ASSERT_EQ(0, policy_write(good));
	ASSERT_LT(0, policy_read(before, sizeof(before)));
	/* close(2) returns the parser's error, in one write or many. */
	EXPECT_EQ(-EINVAL, policy_write("default allow\nallow nam=x\n"));
	EXPECT_RECORD(AUDIT_LOADPOL_POLICY, "op=policy-load res=0 errno=22", " line=2 ");
	EXPECT_EQ(-EINVAL, policy_write_chunked("allow name=a request=b\n", 3));
	EXPECT_EQ(-EILSEQ, policy_write_chunked("allow name=\x01\n", 1));
	EXPECT_EQ(-EINVAL, policy_write(""));
	ASSERT_LT(0, policy_read(after, sizeof(after)));
	EXPECT_STREQ(before, after);
	/* And it still decides. */
	EXPECT_EQ(-EPERM, load_file("loadpol_test_fs.ko", "", 0));
	EXPECT_EQ(0, load_file("loadpol_test_a.ko", "", 0));
}

TEST_F(enforce, one_writer_at_a_time)
{
	int fd = open(POLICY_FILE, O_WRONLY | O_CLOEXEC);
	int second;

	ASSERT_LE(0, fd);
	second = open(POLICY_FILE, O_WRONLY | O_CLOEXEC);
	EXPECT_EQ(-1, second);
	EXPECT_EQ(EBUSY, errno);
	/* Readers are never refused. */
	second = open(POLICY_FILE, O_RDONLY | O_CLOEXEC);
	EXPECT_LE(0, second);
	close(second);
	ASSERT_EQ(21, write(fd, "default allow\n# done\n", 21));
	EXPECT_EQ(0, close(fd));
	EXPECT_EQ(-1, open(POLICY_FILE, O_RDWR | O_CLOEXEC));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(enforce, reader_keeps_its_policy_across_swaps)
{
	char first[64], rest[256];
	ssize_t n, m;
	int fd;

	ASSERT_EQ(0, policy_write("default deny\nallow name=first_policy_rule\n"));
	fd = open(POLICY_FILE, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	n = read(fd, first, 10);
	ASSERT_EQ(10, n);
	ASSERT_EQ(0, policy_write("default allow\n"));
	ASSERT_EQ(0, policy_write("default deny\nallow name=third\n"));
	m = read(fd, rest, sizeof(rest) - 1);
	ASSERT_LT(0, m);
	rest[m] = '\0';
	close(fd);
	first[n] = '\0';
	EXPECT_STREQ("mode enforce\ndefault deny\nallow name=first_policy_rule\n",
		     strcat(first, rest));
}

TEST_F(enforce, denied_load_writes_one_record)
{
	char path[512];

	ASSERT_EQ(0, policy_write("default deny\nallow name=loadpol_test_fs\n"));
	test_module_path(path, sizeof(path), "loadpol_test_a.ko");
	EXPECT_EQ(-EPERM, load_file("loadpol_test_a.ko", "", 0));
	EXPECT_FALSE(module_loaded("loadpol_test_a"));
	EXPECT_RECORD(AUDIT_LOADPOL_DECISION, "op=load name=\"loadpol_test_a\"",
		      " signed=no origin=user path=\"", path,
		      " lp_action=deny res=0 enforcing=1 lp_rule=default ", " uid=0 ",
		      " comm=\"enforce_test\"");
	/* Exactly one. */
	EXPECT_EQ(0, audit_count(self->audit, AUDIT_LOADPOL_DECISION,
				 "loadpol_test_a", WAIT_MS));
}

TEST_F(enforce, allowed_load_writes_no_record)
{
	ASSERT_EQ(0, policy_write("default deny\nallow name=loadpol-test-a\n"));
	EXPECT_EQ(0, load_file("loadpol_test_a.ko", "", 0));
	EXPECT_TRUE(module_loaded("loadpol_test_a"));
	EXPECT_EQ(0, audit_count(self->audit, AUDIT_LOADPOL_DECISION,
				 "loadpol_test_a", WAIT_MS));
}

TEST_F(enforce, first_matching_rule_wins)
{
	ASSERT_EQ(0, policy_write("default allow\ndeny name=loadpol_test_*\n"
				  "allow name=loadpol_test_a\n"));
	EXPECT_EQ(-EPERM, load_image("loadpol_test_a.ko", ""));
	EXPECT_RECORD(AUDIT_LOADPOL_DECISION, "name=\"loadpol_test_a\"",
		      " lp_action=deny res=0 enforcing=1 lp_rule=1 ");
	EXPECT_FALSE(module_loaded("loadpol_test_a"));
}

TEST_F(enforce, audit_action_allows_and_records)
{
	ASSERT_EQ(0, policy_write("default deny\naudit name=loadpol_test_a\n"));
	EXPECT_EQ(0, load_file("loadpol_test_a.ko", "", 0));
	EXPECT_TRUE(module_loaded("loadpol_test_a"));
	EXPECT_RECORD(AUDIT_LOADPOL_DECISION, "name=\"loadpol_test_a\"",
		      " lp_action=audit res=1 enforcing=1 lp_rule=1 ");
}

TEST_F(enforce, permissive_mode_allows_and_records)
{
	ASSERT_EQ(0, policy_write("mode permissive\ndefault deny\n"));
	EXPECT_EQ(0, load_file("loadpol_test_a.ko", "", 0));
	EXPECT_TRUE(module_loaded("loadpol_test_a"));
	EXPECT_RECORD(AUDIT_LOADPOL_DECISION, "name=\"loadpol_test_a\"",
		      " lp_action=deny res=1 enforcing=0 lp_rule=default ");
}

TEST_F(enforce, init_module_has_no_path)
{
	ASSERT_EQ(0, policy_write("default deny\nallow path=/lib/modules/*\n"));
	/* Paths match finit_module(2) files only. */
	EXPECT_EQ(-EPERM, load_image("loadpol_test_a.ko", ""));
	EXPECT_RECORD(AUDIT_LOADPOL_DECISION, "name=\"loadpol_test_a\"",
		      " origin=user lp_action=deny");
	EXPECT_EQ(NULL, strstr(self->record, "path="));
	EXPECT_EQ(0, load_file("loadpol_test_a.ko", "", 0));
	EXPECT_TRUE(module_loaded("loadpol_test_a"));
}

TEST_F(enforce, sha256_pins_the_image)
{
	char a[65], b[65], policy[512];

	ASSERT_EQ(0, module_sha256("loadpol_test_a.ko", a));
	ASSERT_EQ(0, module_sha256(compressed_module(), b));
	snprintf(policy, sizeof(policy), "default deny\nallow sha256=%s\n"
		 "allow name=loadpol_test_fs sha256=%s\n", b, a);
	ASSERT_EQ(0, policy_write(policy));
	/* The compressed module is pinned by its decompressed image. */
	EXPECT_EQ(0, load_file(compressed_module(), "",
			       MODULE_INIT_COMPRESSED_FILE));
	EXPECT_TRUE(module_loaded("loadpol_test_b"));
	/* a's digest, pinned under another name, does not let a in. */
	EXPECT_EQ(-EPERM, load_file("loadpol_test_a.ko", "", 0));
	EXPECT_RECORD(AUDIT_LOADPOL_DECISION, "name=\"loadpol_test_a\"",
		      " sha256=", a, " lp_action=deny");
	/* Nor fs, whose name is pinned to a's image. */
	EXPECT_EQ(-EPERM, load_file("loadpol_test_fs.ko", "", 0));
	EXPECT_FALSE(module_loaded("loadpol_test_fs"));
}

TEST_F(enforce, unsigned_modules_read_signed_no)
{
	ASSERT_EQ(0, policy_write("default allow\ndeny signed=no\n"));
	EXPECT_EQ(-EPERM, load_file("loadpol_test_a.ko", "", 0));
	EXPECT_RECORD(AUDIT_LOADPOL_DECISION, "name=\"loadpol_test_a\"",
		      " signed=no ", " lp_rule=1 ");
	ASSERT_EQ(0, policy_write("default deny\nallow signed=no\n"));
	EXPECT_EQ(0, load_file("loadpol_test_a.ko", "", 0));
}

/* Point the kernel's modprobe at a wrapper that logs, then runs modprobe. */
static void use_modprobe_wrapper(struct __test_metadata *_metadata)
{
	int fd;

	unlink(MODPROBE_LOG);
	fd = open(MODPROBE_WRAPPER, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, dprintf(fd, "#!/bin/sh\necho \"$*\" >>%s\nexec /sbin/modprobe \"$@\"\n",
			     MODPROBE_LOG));
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, write_text(MODPROBE_SYSCTL, MODPROBE_WRAPPER));
	mkdir(MOUNT_POINT, 0755);
}

TEST_F(enforce, autoload_reads_origin_kernel)
{
	/*
	 * The kernel's modprobe itself: a wrapper script that execs it would
	 * make it a program of the script's choosing, origin=user (see
	 * origin_test).
	 */
	mkdir(MOUNT_POINT, 0755);
	ASSERT_EQ(0, policy_write("default deny\nallow request=fs-loadpoltestfs\n"
				  "audit name=loadpol_test_fs origin=kernel\n"));
	/* The kernel's modprobe may load it... */
	EXPECT_EQ(0, mount("none", MOUNT_POINT, "loadpoltestfs", 0, NULL))
		TH_LOG("mount: %s", strerror(errno));
	EXPECT_TRUE(module_loaded("loadpol_test_fs"));
	EXPECT_RECORD(AUDIT_LOADPOL_DECISION, "op=load name=\"loadpol_test_fs\"",
		      " origin=kernel ", " lp_action=audit ", " comm=\"modprobe\"");
	ASSERT_EQ(0, umount(MOUNT_POINT));
	ASSERT_EQ(0, unload("loadpol_test_fs"));
	/* ...root's own load of the same file may not. */
	EXPECT_EQ(-EPERM, load_file("loadpol_test_fs.ko", "", 0));
	EXPECT_RECORD(AUDIT_LOADPOL_DECISION, "op=load name=\"loadpol_test_fs\"",
		      " origin=user ", " lp_action=deny ");
}

TEST_F(enforce, denied_request_never_runs_modprobe)
{
	char log[256] = "";

	use_modprobe_wrapper(_metadata);
	ASSERT_EQ(0, policy_write("default allow\ndeny request=fs-*\n"));
	EXPECT_EQ(-1, mount("none", MOUNT_POINT, "loadpoltestfs", 0, NULL));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_RECORD(AUDIT_LOADPOL_DECISION,
		      "op=request request=\"fs-loadpoltestfs\" userns=init privileged=yes lp_uid=0 lp_action=deny res=0 enforcing=1 lp_rule=1 ");
	EXPECT_EQ(-ENOENT, read_text(MODPROBE_LOG, log, sizeof(log)))
		TH_LOG("modprobe ran: %s", log);
	EXPECT_FALSE(module_loaded("loadpol_test_fs"));
}

TEST_F(enforce, policy_loads_are_recorded)
{
	ASSERT_EQ(0, policy_write("default deny\nallow name=x\nallow request=y\n"));
	/* sha256 of exactly the text written. */
	EXPECT_RECORD(AUDIT_LOADPOL_POLICY,
		      "op=policy-load res=1 errno=0 lp_rules=2 enforcing=1 lp_default=deny",
		      " policy_sha256=5ce7be3dd4db0aa995d5cb6e58b130be85f57a768416a0e9785ff226423cf259");
}

TEST_HARNESS_MAIN
