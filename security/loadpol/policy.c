// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol: parse and validate policies; compare them
 *
 * Part of the policy engine: one body of C for the kernel and for
 * userspace (see policy_env.h and policy_impl.h).
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include "policy_impl.h"

static int lookup_word(const char *const *table, int n, const char *s,
		       size_t len)
{
	int i;

	for (i = 0; i < n; i++)
		if (strlen(table[i]) == len && !memcmp(table[i], s, len))
			return i;
	return -1;
}

static bool str_equal(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/**
 * loadpol_rule_equal() - whether two rules say the same
 * @a: a rule
 * @b: another rule
 *
 * Two rules are equal when their canonical forms are: the same action and
 * the same keys with the same values.  Their lines do not count.
 *
 * Return: true if @a and @b are equal.
 */
bool loadpol_rule_equal(const struct loadpol_rule *a,
			const struct loadpol_rule *b)
{
	u16 keys = a->keys;

	if (a->action != b->action || keys != b->keys)
		return false;
	if ((keys & BIT(LOADPOL_KEY_NAME)) && strcmp(a->name, b->name))
		return false;
	if ((keys & BIT(LOADPOL_KEY_SHA256)) &&
	    memcmp(a->sha256, b->sha256, LOADPOL_DIGEST_SIZE))
		return false;
	if ((keys & BIT(LOADPOL_KEY_SIGNED)) && a->signed_yes != b->signed_yes)
		return false;
	if ((keys & BIT(LOADPOL_KEY_ORIGIN)) &&
	    a->origin_kernel != b->origin_kernel)
		return false;
	/* path= and request= share their storage; the keys say which. */
	if (!str_equal(a->path, b->path))
		return false;
	if ((keys & BIT(LOADPOL_KEY_USERNS)) &&
	    a->userns_nested != b->userns_nested)
		return false;
	if ((keys & BIT(LOADPOL_KEY_PRIVILEGED)) && a->privileged != b->privileged)
		return false;
	if ((keys & BIT(LOADPOL_KEY_UID)) &&
	    (a->uid_lo != b->uid_lo || a->uid_hi != b->uid_hi))
		return false;
	return true;
}

/**
 * loadpol_policy_tightens() - whether a policy only adds deny rules in
 *	front of another
 * @old: the policy in force
 * @new: the policy offered in its place
 * @error: where the reason goes when it does not
 *
 * @new tightens @old when it has the same mode and default, and its rules
 * are deny rules followed by exactly the rules of @old, in order.  Such a
 * policy refuses every event @old refuses: an event a new rule matches is
 * denied, and any other is decided by the same rule as before.
 *
 * Return: 0 if @new tightens @old, else -EPERM with @error filled.
 */
int loadpol_policy_tightens(const struct loadpol_policy *old,
			    const struct loadpol_policy *new,
			    struct loadpol_parse_error *error)
{
	u32 i, added = new->nr_rules - old->nr_rules;
	const char *why = NULL;

	error->line = 0;
	if (new->mode != old->mode)
		why = "the mode differs from the locked policy's";
	else if (new->default_action != old->default_action)
		why = "the default differs from the locked policy's";
	else if (new->nr_rules < old->nr_rules)
		why = "rules of the locked policy are missing";
	for (i = 0; !why && i < new->nr_rules; i++) {
		if (i < added && new->rules[i].action != LOADPOL_DENY) {
			why = "only deny rules can be added, in front of the locked rules";
			error->line = new->rules[i].line;
		} else if (i >= added &&
			   !loadpol_rule_equal(&new->rules[i],
					       &old->rules[i - added])) {
			why = "after the added deny rules, the locked rules must follow unchanged";
			error->line = new->rules[i].line;
		}
	}
	if (!why)
		return 0;
	error->reason = "not_tightening";
	snprintf(error->msg, sizeof(error->msg), "%s", why);
	return -EPERM;
}

struct parser {
	const char *text;
	size_t len;
	u32 line;
	u32 mode_line;
	u32 default_line;
	u32 cap;
	size_t strings_used;
	struct loadpol_policy *policy;
	struct loadpol_parse_error *error;
};

static __printf(4, 5) int fail(struct parser *ps, int err, const char *reason,
				const char *fmt, ...)
{
	va_list args;

	ps->error->line = ps->line;
	ps->error->reason = reason;
	va_start(args, fmt);
	vsnprintf(ps->error->msg, sizeof(ps->error->msg), fmt, args);
	va_end(args);
	return err;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (len > n)
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/*
 * Check the bytes of one line [s, s + n): no NUL or control characters,
 * well-formed UTF-8, and non-ASCII only in the comment.  Return the length
 * of the line before its comment, or a negative errno.
 */
static long check_line(struct parser *ps, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, code = n;

	for (i = 0; i < n; i++) {
		size_t seq;

		if (u[i] == '#' && code == n)
			code = i;
		if (!u[i])
			return fail(ps, -EILSEQ, "nul_byte", "NUL byte at column %zu", i + 1);
		if ((u[i] < 0x20 && u[i] != '\t' && u[i] != '\r') || u[i] == 0x7f)
			return fail(ps, -EILSEQ, "control_character",
				    "control character 0x%02x at column %zu",
				    u[i], i + 1);
		if (u[i] < 0x80)
			continue;
		seq = utf8_len(u + i, n - i);
		if (!seq)
			return fail(ps, -EILSEQ, "bad_utf8", "invalid UTF-8 at column %zu", i + 1);
		if (code == n)
			return fail(ps, -EINVAL, "non_ascii",
				    "non-ASCII character at column %zu outside a comment",
				    i + 1);
		i += seq - 1;
	}
	return code;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The next token of [*cur, end): returns its length, 0 at the end. */
static size_t next_token(const char **cur, const char *end, const char **tok)
{
	const char *p = *cur;

	while (p < end && is_space(*p))
		p++;
	*tok = p;
	while (p < end && !is_space(*p))
		p++;
	*cur = p;
	return p - *tok;
}

static int parse_directive(struct parser *ps, const char *word, size_t wlen,
			   const char *cur, const char *end)
{
	struct loadpol_policy *policy = ps->policy;
	bool is_mode = wlen == 4;
	u32 *seen = is_mode ? &ps->mode_line : &ps->default_line;
	const char *tok, *extra;
	size_t len = next_token(&cur, end, &tok);
	int v;

	if (*seen)
		return fail(ps, -EINVAL, "repeated_directive",
			    "'%.*s' given twice (first on line %u)",
			    (int)wlen, word, *seen);
	if (is_mode)
		v = lookup_word(loadpol_mode_names, ARRAY_SIZE(loadpol_mode_names), tok, len);
	else
		v = lookup_word(loadpol_action_names, ARRAY_SIZE(loadpol_action_names), tok, len);
	if (v < 0)
		return fail(ps, -EINVAL, "bad_value", "'%.*s' takes %s, not '%.*s'",
			    (int)wlen, word,
			    is_mode ? "enforce or permissive" : "allow, deny or audit",
			    (int)len, tok);
	len = next_token(&cur, end, &extra);
	if (len)
		return fail(ps, -EINVAL, "trailing_text", "unexpected '%.*s' after '%.*s %s'",
			    (int)len, extra, (int)wlen, word,
			    is_mode ? loadpol_mode_names[v] : loadpol_action_names[v]);
	*seen = ps->line;
	if (is_mode)
		policy->mode = v;
	else
		policy->default_action = v;
	return 0;
}

/* Copy a value into the policy's string storage, NUL-terminated. */
static char *keep_string(struct parser *ps, const char *s, size_t len)
{
	char *copy = ps->policy->strings + ps->strings_used;

	memcpy(copy, s, len);
	copy[len] = '\0';
	ps->strings_used += len + 1;
	return copy;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Parse a decimal user ID, 0 to 4294967294, from [*p, end). */
static bool parse_id(const char **p, const char *end, u32 *id)
{
	u64 v = 0;
	const char *s = *p;

	if (s == end || *s < '0' || *s > '9')
		return false;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (*s - '0');
		if (v > 0xfffffffeULL)
			return false;
	}
	*p = s;
	*id = v;
	return true;
}

/* uid=N or uid=LOW-HIGH. */
static int parse_uid(struct parser *ps, struct loadpol_rule *rule,
		     const char *v, size_t len)
{
	const char *p = v, *end = v + len;
	bool ok = parse_id(&p, end, &rule->uid_lo);

	rule->uid_hi = rule->uid_lo;
	if (ok && p < end && *p == '-') {
		p++;
		ok = parse_id(&p, end, &rule->uid_hi);
	}
	if (!ok || p != end)
		return fail(ps, -EINVAL, "bad_value",
			    "uid= takes a user ID (0 to 4294967294) or a range LOW-HIGH, not '%.*s'",
			    (int)len, v);
	if (rule->uid_hi < rule->uid_lo)
		return fail(ps, -EINVAL, "bad_value",
			    "uid=%.*s: range out of order", (int)len, v);
	return 0;
}

static int parse_value(struct parser *ps, struct loadpol_rule *rule,
		       enum loadpol_key key, const char *v, size_t len)
{
	const char *why;
	char *s;
	int i, flag;

	switch (key) {
	case LOADPOL_KEY_SHA256:
		if (len != 2 * LOADPOL_DIGEST_SIZE)
			return fail(ps, -EINVAL, "bad_hex",
				    "sha256= takes 64 hex digits, not %zu characters",
				    len);
		for (i = 0; i < LOADPOL_DIGEST_SIZE; i++) {
			int hi = hex_value(v[2 * i]), lo = hex_value(v[2 * i + 1]);

			if (hi < 0 || lo < 0)
				return fail(ps, -EINVAL, "bad_hex",
					    "sha256= takes hex digits, not '%c'",
					    hi < 0 ? v[2 * i] : v[2 * i + 1]);
			rule->sha256[i] = hi << 4 | lo;
		}
		return 0;
	case LOADPOL_KEY_SIGNED:
	case LOADPOL_KEY_PRIVILEGED:
		flag = lookup_word(loadpol_yes_no, 2, v, len);
		if (flag < 0)
			return fail(ps, -EINVAL, "bad_value", "%s= takes yes or no, not '%.*s'",
				    loadpol_key_names[key], (int)len, v);
		if (key == LOADPOL_KEY_SIGNED)
			rule->signed_yes = flag;
		else
			rule->privileged = flag;
		return 0;
	case LOADPOL_KEY_ORIGIN:
		flag = lookup_word(loadpol_user_kernel, 2, v, len);
		if (flag < 0)
			return fail(ps, -EINVAL, "bad_value",
				    "origin= takes kernel or user, not '%.*s'",
				    (int)len, v);
		rule->origin_kernel = flag;
		return 0;
	case LOADPOL_KEY_USERNS:
		flag = lookup_word(loadpol_init_nested, 2, v, len);
		if (flag < 0)
			return fail(ps, -EINVAL, "bad_value",
				    "userns= takes init or nested, not '%.*s'",
				    (int)len, v);
		rule->userns_nested = flag;
		return 0;
	case LOADPOL_KEY_UID:
		return parse_uid(ps, rule, v, len);
	default:
		s = keep_string(ps, v, len);
		why = loadpol_glob_prepare(s, key == LOADPOL_KEY_NAME);
		if (why)
			return fail(ps, -EINVAL, "bad_glob", "bad pattern in %s=%.*s: %s",
				    loadpol_key_names[key], (int)len, v, why);
		if (key == LOADPOL_KEY_NAME) {
			rule->name = s;
			rule->name_literal = loadpol_is_literal(s);
		} else if (key == LOADPOL_KEY_PATH) {
			rule->path = s;
		} else {
			rule->request = s;
		}
		return 0;
	}
}

static struct loadpol_rule *new_rule(struct parser *ps)
{
	struct loadpol_policy *policy = ps->policy;
	struct loadpol_rule *rules;

	if (policy->nr_rules == ps->cap) {
		u32 cap = ps->cap ? 2 * ps->cap : 64;

		rules = kvmalloc_array(cap, sizeof(*rules), GFP_KERNEL_ACCOUNT);
		if (!rules)
			return NULL;
		if (policy->nr_rules)
			memcpy(rules, policy->rules,
			       policy->nr_rules * sizeof(*rules));
		kvfree(policy->rules);
		policy->rules = rules;
		ps->cap = cap;
	}
	rules = &policy->rules[policy->nr_rules++];
	memset(rules, 0, sizeof(*rules));
	return rules;
}

static int parse_rule(struct parser *ps, int action, const char *cur,
		      const char *end)
{
	struct loadpol_rule *rule;
	const char *tok, *eq;
	size_t len;
	int key, err;

	if (ps->policy->nr_rules >= LOADPOL_MAX_RULES)
		return fail(ps, -E2BIG, "too_many_rules", "more than %u rules", LOADPOL_MAX_RULES);
	rule = new_rule(ps);
	if (!rule)
		return fail(ps, -ENOMEM, "no_memory", "out of memory");
	rule->line = ps->line;
	rule->action = action;
	while ((len = next_token(&cur, end, &tok))) {
		eq = memchr(tok, '=', len);
		if (!eq)
			return fail(ps, -EINVAL, "syntax", "expected KEY=VALUE, not '%.*s'",
				    (int)len, tok);
		key = lookup_word(loadpol_key_names, LOADPOL_NR_KEYS, tok, eq - tok);
		if (key < 0)
			return fail(ps, -EINVAL, "unknown_key", "unknown key '%.*s'",
				    (int)(eq - tok), tok);
		if (rule->keys & BIT(key))
			return fail(ps, -EINVAL, "repeated_key",
				    "key '%s' given twice", loadpol_key_names[key]);
		if (eq + 1 == tok + len)
			return fail(ps, -EINVAL, "empty_value",
				    "empty value for '%s'", loadpol_key_names[key]);
		err = parse_value(ps, rule, key, eq + 1, tok + len - eq - 1);
		if (err)
			return err;
		rule->keys |= BIT(key);
	}
	if ((rule->keys & LOAD_KEYS) && (rule->keys & REQUEST_KEYS))
		return fail(ps, -EINVAL, "mixed_keys",
			    "request= cannot be mixed with load keys (name, sha256, signed, origin, path); userns, privileged and uid go with either");
	return 0;
}

static int parse_line(struct parser *ps, const char *cur, const char *end)
{
	const char *word;
	size_t len = next_token(&cur, end, &word);
	int action;

	if (!len)
		return 0;
	if ((len == 4 && !memcmp(word, "mode", 4)) ||
	    (len == 7 && !memcmp(word, "default", 7)))
		return parse_directive(ps, word, len, cur, end);
	action = lookup_word(loadpol_action_names, ARRAY_SIZE(loadpol_action_names), word, len);
	if (action < 0)
		return fail(ps, -EINVAL, "unknown_keyword",
			    "unknown keyword '%.*s'", (int)len, word);
	return parse_rule(ps, action, cur, end);
}

static int parse_text(struct parser *ps)
{
	const char *p = ps->text, *end = ps->text + ps->len;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = (nl ? nl : end) - p;
		long code;
		int err;

		ps->line++;
		if (n + !!nl > LOADPOL_MAX_LINE)
			return fail(ps, -E2BIG, "line_too_long", "line longer than %u bytes",
				    LOADPOL_MAX_LINE);
		code = check_line(ps, p, n);
		if (code < 0)
			return code;
		err = parse_line(ps, p, p + code);
		if (err)
			return err;
		p += n + !!nl;
	}
	if (!ps->policy->nr_rules && !ps->mode_line && !ps->default_line) {
		ps->line = 0;
		return fail(ps, -EINVAL, "empty_policy",
			    "no rule and no directive (to deny everything, write 'default deny')");
	}
	return 0;
}

/*
 * Give back what parsing reserved and did not use: the rules array grows by
 * doubling, and the string storage was as large as the whole text.
 */
static int shrink(struct parser *ps)
{
	struct loadpol_policy *policy = ps->policy;
	struct loadpol_rule *rules = policy->rules;
	char *strings = policy->strings;
	u32 i;

	if (policy->nr_rules < ps->cap) {
		rules = loadpol_keep_array(policy->nr_rules ?: 1, sizeof(*rules),
					   false);
		if (!rules)
			return -ENOMEM;
		memcpy(rules, policy->rules, policy->nr_rules * sizeof(*rules));
		kvfree(policy->rules);
		policy->rules = rules;
	}
	strings = loadpol_keep_array(ps->strings_used ?: 1, 1, false);
	if (!strings)
		return -ENOMEM;
	memcpy(strings, policy->strings, ps->strings_used);
	for (i = 0; i < policy->nr_rules; i++) {
		struct loadpol_rule *rule = &rules[i];

		if (rule->name)
			rule->name = strings + (rule->name - policy->strings);
		if (rule->path)		/* or rule->request: one storage */
			rule->path = strings + (rule->path - policy->strings);
	}
	kvfree(policy->strings);
	policy->strings = strings;
	return 0;
}

/**
 * loadpol_policy_parse() - parse, validate and compile a policy text
 * @text: the text (need not be NUL-terminated)
 * @len: its length in bytes
 * @policy: where the new policy goes on success
 * @error: where the line and reason go on failure
 *
 * Any bad line rejects the whole text; nothing is returned half-built.
 *
 * Return: 0, or -EINVAL (bad syntax), -EILSEQ (NUL byte, control character
 * or invalid UTF-8), -E2BIG (a line or the rule count over its limit),
 * -EFBIG (text over LOADPOL_MAX_SIZE) or -ENOMEM.
 */
int loadpol_policy_parse(const char *text, size_t len,
			 struct loadpol_policy **policy,
			 struct loadpol_parse_error *error)
{
	struct parser ps = { .text = text, .len = len, .error = error };
	int err;

	error->line = 0;
	error->reason = NULL;
	error->msg[0] = '\0';
	*policy = NULL;
	if (len > LOADPOL_MAX_SIZE)
		return fail(&ps, -EFBIG, "too_large", "policy of %zu bytes, more than %u",
			    len, LOADPOL_MAX_SIZE);
	ps.policy = kzalloc(sizeof(*ps.policy), GFP_KERNEL_ACCOUNT);
	if (!ps.policy)
		return fail(&ps, -ENOMEM, "no_memory", "out of memory");
	/* Default: an allowlist, enforced. */
	ps.policy->default_action = LOADPOL_DENY;
	ps.policy->strings = kvmalloc(len + 1, GFP_KERNEL_ACCOUNT);
	err = ps.policy->strings ? parse_text(&ps) : -ENOMEM;
	if (!err)
		err = shrink(&ps);
	if (!err)
		err = loadpol_policy_compile(ps.policy);
	if (err == -ENOMEM && !error->msg[0])
		fail(&ps, err, "no_memory", "out of memory");
	if (err) {
		loadpol_policy_free(ps.policy);
		return err;
	}
	*policy = ps.policy;
	return 0;
}

/**
 * loadpol_policy_free() - free a policy
 * @policy: the policy, or NULL
 */
void loadpol_policy_free(struct loadpol_policy *policy)
{
	if (!policy)
		return;
	kvfree(policy->by_name.rules);
	kvfree(policy->by_name.slots);
	kvfree(policy->by_digest.rules);
	kvfree(policy->by_digest.slots);
	kvfree(policy->by_request.rules);
	kvfree(policy->by_request.slots);
	kvfree(policy->by_name_prefix.rules);
	kvfree(policy->by_name_prefix.slots);
	kvfree(policy->by_name_prefix.lens);
	kvfree(policy->by_request_prefix.rules);
	kvfree(policy->by_request_prefix.slots);
	kvfree(policy->by_request_prefix.lens);
	kvfree(policy->load_scan);
	kvfree(policy->request_scan);
	kvfree(policy->rules);
	kvfree(policy->strings);
	kfree(policy);
}
