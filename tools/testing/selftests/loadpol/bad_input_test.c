// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol selftests: bad policies through the real policy file.  Every
 * malformed policy of the engine's case table (security/loadpol/
 * policy_cases.h: unknown words, repeated keys, mixed load and request
 * keys, bad hex, bad globs, over-long lines, NUL bytes, too many rules, an
 * oversize file, bad and truncated UTF-8, a text of only comments) is
 * written in one write(2) and in small ones.  Each must be refused with
 * the table's errno, leave a policy load record with its line, and leave
 * the old policy in force.  The userspace build of the same engine is run
 * on each case too: kernel, table and tool agree.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include "../kselftest_harness.h"
#include "audit.h"
#include "common.h"
#include "policy_cases.h"

#define GOOD "mode enforce\ndefault allow\ndeny name=loadpol_test_fs\n"

static void run_bad_cases(struct __test_metadata *_metadata, bool small_writes)
{
	char before[256], after[256], record[AUDIT_TEXT_MAX];
	char want_err[32], want_line[32], why[512];
	int audit = audit_open(), n = 0;
	size_t i;

	ASSERT_LE(0, audit);
	ASSERT_EQ(0, policy_write(GOOD));
	ASSERT_LT(0, policy_read(before, sizeof(before)));
	for (i = 0; i < ARRAY_SIZE(lpc_cases); i++) {
		const struct lpc_case *c = &lpc_cases[i];
		const char *const needles[] = { "op=policy-load res=0 ", want_err,
						want_line, NULL };
		char *generated = NULL;
		const char *text = c->text;
		size_t len = c->len, chunk;
		int err;

		if (!c->err)
			continue;
		n++;
		EXPECT_EQ(NULL, lpc_check(c, why, sizeof(why)))
			TH_LOG("%s: userspace engine: %s", c->desc, why);
		if (c->generate) {
			len = lpc_generate_text(c, &generated);
			ASSERT_NE(0, len);
			text = generated;
		} else if (!len) {
			len = strlen(text);
		}
		chunk = !small_writes ? (len ? len : 1) :
			len > (1 << 20) ? 65536 : len > 65536 ? 4093 : 1;
		err = policy_write_len(text, len, chunk);
		free(generated);
		EXPECT_EQ(c->err, err)
			TH_LOG("%s (%zu bytes, %zu at a time): errno %d, expected %d",
			       c->desc, len, chunk, -err, -c->err);
		snprintf(want_err, sizeof(want_err), " errno=%d ", -c->err);
		snprintf(want_line, sizeof(want_line), " line=%u ", c->line);
		EXPECT_EQ(0, audit_find(audit, AUDIT_LOADPOL_POLICY, record,
					sizeof(record), 1000, needles))
			TH_LOG("%s: no policy load record with%s and%s", c->desc,
			       want_err, want_line);
		EXPECT_LT(0, policy_read(after, sizeof(after)));
		EXPECT_STREQ(before, after)
			TH_LOG("%s: the policy changed", c->desc);
		if (!__test_passed(_metadata))
			break;
		TH_LOG("refused as expected: %s (errno %d, line %u)", c->desc,
		       -c->err, c->line);
	}
	TH_LOG("%d malformed policies refused", n);
	EXPECT_LE(39, n);
	/* The old policy still decides. */
	EXPECT_EQ(-EPERM, load_file("loadpol_test_fs.ko", "", 0));
	EXPECT_FALSE(module_loaded("loadpol_test_fs"));
	policy_write("default allow\n");
	close(audit);
}

TEST(bad_policies_in_one_write)
{
	run_bad_cases(_metadata, false);
}

TEST(bad_policies_in_small_writes)
{
	run_bad_cases(_metadata, true);
}

TEST_HARNESS_MAIN
