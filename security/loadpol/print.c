// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol: names and the canonical text of policies and rules
 *
 * Part of the policy engine: one body of C for the kernel and for
 * userspace (see policy_env.h and policy_impl.h).
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include "policy_impl.h"

const char *const loadpol_action_names[LOADPOL_AUDIT + 1] = {
	[LOADPOL_ALLOW] = "allow",
	[LOADPOL_DENY] = "deny",
	[LOADPOL_AUDIT] = "audit",
};

const char *const loadpol_mode_names[LOADPOL_PERMISSIVE + 1] = {
	[LOADPOL_ENFORCE] = "enforce",
	[LOADPOL_PERMISSIVE] = "permissive",
};

const char *const loadpol_key_names[LOADPOL_NR_KEYS] = {
	[LOADPOL_KEY_NAME] = "name",
	[LOADPOL_KEY_SHA256] = "sha256",
	[LOADPOL_KEY_SIGNED] = "signed",
	[LOADPOL_KEY_ORIGIN] = "origin",
	[LOADPOL_KEY_PATH] = "path",
	[LOADPOL_KEY_REQUEST] = "request",
	[LOADPOL_KEY_USERNS] = "userns",
	[LOADPOL_KEY_PRIVILEGED] = "privileged",
	[LOADPOL_KEY_UID] = "uid",
};

static const char hex_digits[] = "0123456789abcdef";
const char *const loadpol_yes_no[2] = { "no", "yes" };
const char *const loadpol_user_kernel[2] = { "user", "kernel" };
const char *const loadpol_init_nested[2] = { "init", "nested" };

/**
 * loadpol_action_name() - keyword of an action
 * @action: the action
 *
 * Return: "allow", "deny", "audit", or "?" for a value out of range.
 */
const char *loadpol_action_name(enum loadpol_action action)
{
	return (unsigned int)action < ARRAY_SIZE(loadpol_action_names) ?
	       loadpol_action_names[action] : "?";
}

/**
 * loadpol_mode_name() - keyword of a mode
 * @mode: the mode
 *
 * Return: "enforce", "permissive", or "?" for a value out of range.
 */
const char *loadpol_mode_name(enum loadpol_mode mode)
{
	return (unsigned int)mode < ARRAY_SIZE(loadpol_mode_names) ?
	       loadpol_mode_names[mode] : "?";
}

/**
 * loadpol_key_name() - keyword of a rule property
 * @key: the property
 *
 * Return: its name as written before '=', or "?" for a value out of range.
 */
const char *loadpol_key_name(enum loadpol_key key)
{
	return (unsigned int)key < ARRAY_SIZE(loadpol_key_names) ? loadpol_key_names[key] : "?";
}

struct out {
	char *buf;
	size_t size;
	size_t len;	/* what the whole text needs, even past size */
};

static __printf(2, 3) void out_printf(struct out *o, const char *fmt, ...)
{
	va_list args;
	size_t room = o->len < o->size ? o->size - o->len : 0;
	int n;

	va_start(args, fmt);
	n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, args);
	va_end(args);
	if (n > 0)
		o->len += n;
}

static void out_rule(struct out *o, const struct loadpol_rule *rule)
{
	int i;

	out_printf(o, "%s", loadpol_action_name(rule->action));
	if (rule->keys & BIT(LOADPOL_KEY_NAME))
		out_printf(o, " name=%s", rule->name);
	if (rule->keys & BIT(LOADPOL_KEY_SHA256)) {
		char hex[2 * LOADPOL_DIGEST_SIZE + 1];

		for (i = 0; i < LOADPOL_DIGEST_SIZE; i++) {
			hex[2 * i] = hex_digits[rule->sha256[i] >> 4];
			hex[2 * i + 1] = hex_digits[rule->sha256[i] & 15];
		}
		hex[2 * LOADPOL_DIGEST_SIZE] = '\0';
		out_printf(o, " sha256=%s", hex);
	}
	if (rule->keys & BIT(LOADPOL_KEY_SIGNED))
		out_printf(o, " signed=%s", loadpol_yes_no[rule->signed_yes]);
	if (rule->keys & BIT(LOADPOL_KEY_ORIGIN))
		out_printf(o, " origin=%s", loadpol_user_kernel[rule->origin_kernel]);
	if (rule->keys & BIT(LOADPOL_KEY_PATH))
		out_printf(o, " path=%s", rule->path);
	if (rule->keys & BIT(LOADPOL_KEY_REQUEST))
		out_printf(o, " request=%s", rule->request);
	if (rule->keys & BIT(LOADPOL_KEY_USERNS))
		out_printf(o, " userns=%s", loadpol_init_nested[rule->userns_nested]);
	if (rule->keys & BIT(LOADPOL_KEY_PRIVILEGED))
		out_printf(o, " privileged=%s", loadpol_yes_no[rule->privileged]);
	if (rule->keys & BIT(LOADPOL_KEY_UID)) {
		out_printf(o, " uid=%u", rule->uid_lo);
		if (rule->uid_hi != rule->uid_lo)
			out_printf(o, "-%u", rule->uid_hi);
	}
}

/**
 * loadpol_rule_print() - a rule in canonical form, without a newline
 * @rule: the rule
 * @buf: where to write it, NUL-terminated (may be NULL when @size is 0)
 * @size: size of @buf
 *
 * Return: the length of the whole text, as snprintf() returns it.
 */
int loadpol_rule_print(const struct loadpol_rule *rule, char *buf,
		       size_t size)
{
	struct out o = { .buf = buf, .size = size };

	if (size)
		buf[0] = '\0';
	out_rule(&o, rule);
	return o.len;
}

static void out_policy(struct out *o, const struct loadpol_policy *policy)
{
	u32 i;

	out_printf(o, "mode %s\ndefault %s\n", loadpol_mode_name(policy->mode),
		   loadpol_action_name(policy->default_action));
	for (i = 0; i < policy->nr_rules; i++) {
		out_rule(o, &policy->rules[i]);
		out_printf(o, "\n");
		if ((i & 1023) == 1023)
			cond_resched();
	}
}

/**
 * loadpol_policy_text() - the canonical text of a policy
 * @policy: the policy
 * @len: where its length goes
 *
 * The text is made anew from the compiled rules, so that a policy holds no
 * copy of it: "mode" and "default" first, then one rule per line.
 *
 * Return: the text, NUL-terminated, to be freed with kvfree(); or NULL
 * when out of memory.
 */
char *loadpol_policy_text(const struct loadpol_policy *policy, size_t *len)
{
	struct out o = {};

	out_policy(&o, policy);
	o.size = o.len + 1;
	o.buf = kvmalloc(o.size, GFP_KERNEL_ACCOUNT);
	if (!o.buf)
		return NULL;
	o.len = 0;
	out_policy(&o, policy);
	*len = o.len;
	return o.buf;
}

