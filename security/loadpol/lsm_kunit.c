// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for loadpol's boot-time settings
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include <kunit/test.h>

#include "loadpol.h"

struct action_case {
	const char *text;
	int err;
	enum loadpol_action action;
};

static const struct action_case action_cases[] = {
	{ "allow", 0, LOADPOL_ALLOW },
	{ "deny", 0, LOADPOL_DENY },
	{ "deny\n", 0, LOADPOL_DENY },
	{ "allow\n", 0, LOADPOL_ALLOW },
	{ "", -EINVAL },
	{ "Deny", -EINVAL },
	{ "denyx", -EINVAL },
	{ "den", -EINVAL },
	{ " deny", -EINVAL },
	{ "audit", 0, LOADPOL_AUDIT },
	{ "audit\n", 0, LOADPOL_AUDIT },
	{ "Audit", -EINVAL },
	{ "record", -EINVAL },
	{ "1", -EINVAL },
	{ NULL, -EINVAL },
};

static void action_case_desc(const struct action_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "\"%s\"",
		 c->text ? c->text : "(null)");
	strreplace(desc, '\n', '~');
}

KUNIT_ARRAY_PARAM(action, action_cases, action_case_desc);

static void parse_action_test(struct kunit *test)
{
	const struct action_case *c = test->param_value;
	enum loadpol_action action = (enum loadpol_action)-1;

	KUNIT_EXPECT_EQ(test, loadpol_parse_boot_default(c->text, &action), c->err);
	if (c->err)
		KUNIT_EXPECT_EQ(test, (int)action, -1);
	else
		KUNIT_EXPECT_EQ(test, action, c->action);
}

static void action_name_round_trip_test(struct kunit *test)
{
	enum loadpol_action a, back;

	for (a = LOADPOL_ALLOW; a <= LOADPOL_AUDIT; a++) {
		KUNIT_ASSERT_EQ(test,
				loadpol_parse_boot_default(loadpol_action_name(a),
							   &back), 0);
		KUNIT_EXPECT_EQ(test, back, a);
	}
	KUNIT_EXPECT_STREQ(test, loadpol_action_name(LOADPOL_AUDIT + 1), "?");
}

static struct kunit_case loadpol_lsm_test_cases[] = {
	KUNIT_CASE_PARAM(parse_action_test, action_gen_params),
	KUNIT_CASE(action_name_round_trip_test),
	{}
};

static struct kunit_suite loadpol_lsm_test_suite = {
	.name = "loadpol-lsm",
	.test_cases = loadpol_lsm_test_cases,
};

kunit_test_suite(loadpol_lsm_test_suite);
