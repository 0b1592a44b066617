// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of loadpol's policy engine: the cases of policy_cases.h
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include <kunit/test.h>

#include "policy_cases.h"

static void lpc_kunit_desc(const struct lpc_case *c, char *desc)
{
	lpc_case_desc(c, desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(lpc, lpc_cases, lpc_kunit_desc);

static void policy_case_test(struct kunit *test)
{
	const struct lpc_case *c = test->param_value;
	char *why = kunit_kzalloc(test, 1024, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, why);
	KUNIT_EXPECT_NULL_MSG(test, lpc_check(c, why, 1024), "%s", why);
}

static struct kunit_case loadpol_policy_test_cases[] = {
	KUNIT_CASE_PARAM(policy_case_test, lpc_gen_params),
	{}
};

static struct kunit_suite loadpol_policy_test_suite = {
	.name = "loadpol-policy",
	.test_cases = loadpol_policy_test_cases,
};

kunit_test_suite(loadpol_policy_test_suite);
