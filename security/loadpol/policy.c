// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol: parse, validate, index, print and match policies
 *
 * One body of C for the kernel and for userspace (see policy_env.h).
 *
 * A policy is compiled into five indexes and two scan lists: load rules
 * pinning a digest are indexed by digest, other load rules with a literal
 * name by name, request rules with a literal string by string; rules with a
 * name or request glob whose literal prefix (before the first '*', '?' or
 * '[') is not empty, by that prefix; everything else (globs starting with a
 * wildcard, rules without those keys) is scanned in order.  A decision looks
 * up the event's keys (for the prefix indexes, each prefix of the event's
 * string whose length some rule's prefix has), scans the list, and takes the
 * lowest-numbered rule that fully matches among those candidates: exactly
 * the rule a linear first-match scan would find, at a cost that does not
 * grow with the number of exact, digest or prefix-glob rules.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include "policy.h"

#ifdef __KERNEL__
#include <linux/stdarg.h>
#else
#include <stdarg.h>
#endif

#define LOAD_KEYS (BIT(LOADPOL_KEY_NAME) | BIT(LOADPOL_KEY_SHA256) | \
		   BIT(LOADPOL_KEY_SIGNED) | BIT(LOADPOL_KEY_ORIGIN) | \
		   BIT(LOADPOL_KEY_PATH))
#define REQUEST_KEYS BIT(LOADPOL_KEY_REQUEST)
#define NO_RULE 0xffffffffU

/* An exact key of a rule, while an index is built. */
struct posting {
	u32 hash;
	u32 rule;
};

static const char *const action_names[] = {
	[LOADPOL_ALLOW] = "allow",
	[LOADPOL_DENY] = "deny",
	[LOADPOL_AUDIT] = "audit",
};

static const char *const mode_names[] = {
	[LOADPOL_ENFORCE] = "enforce",
	[LOADPOL_PERMISSIVE] = "permissive",
};

static const char *const key_names[] = {
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
static const char *const yes_no[] = { "no", "yes" };
static const char *const user_kernel[] = { "user", "kernel" };
static const char *const init_nested[] = { "init", "nested" };

/**
 * loadpol_action_name() - keyword of an action
 * @action: the action
 *
 * Return: "allow", "deny", "audit", or "?" for a value out of range.
 */
const char *loadpol_action_name(enum loadpol_action action)
{
	return (unsigned int)action < ARRAY_SIZE(action_names) ?
	       action_names[action] : "?";
}

/**
 * loadpol_mode_name() - keyword of a mode
 * @mode: the mode
 *
 * Return: "enforce", "permissive", or "?" for a value out of range.
 */
const char *loadpol_mode_name(enum loadpol_mode mode)
{
	return (unsigned int)mode < ARRAY_SIZE(mode_names) ?
	       mode_names[mode] : "?";
}

/**
 * loadpol_key_name() - keyword of a rule property
 * @key: the property
 *
 * Return: its name as written before '=', or "?" for a value out of range.
 */
const char *loadpol_key_name(enum loadpol_key key)
{
	return (unsigned int)key < ARRAY_SIZE(key_names) ? key_names[key] : "?";
}

/* Index of the word [s, s + len) in a table of n words, or -1. */
static int lookup_word(const char *const *table, int n, const char *s,
		       size_t len)
{
	int i;

	for (i = 0; i < n; i++)
		if (strlen(table[i]) == len && !memcmp(table[i], s, len))
			return i;
	return -1;
}

/* ---- globs ------------------------------------------------------------- */

static inline unsigned char fold(unsigned char c, bool fold_dash)
{
	return fold_dash && c == '-' ? '_' : c;
}

/*
 * Match c against the bracket expression that starts at *patp (just after
 * its '['), and move *patp past the closing ']'.  The expression was
 * validated by glob_prepare(): a first member may be ']', "a-z" is a range,
 * a leading '!' or '^' negates.
 */
static bool class_matches(const char **patp, unsigned char c)
{
	const char *p = *patp;
	bool negate = false, hit = false;

	if (*p == '!' || *p == '^') {
		negate = true;
		p++;
	}
	do {
		unsigned char lo = *p++, hi = lo;

		if (p[0] == '-' && p[1] != ']') {
			hi = p[1];
			p += 2;
		}
		hit |= lo <= c && c <= hi;
	} while (*p != ']');
	*patp = p + 1;
	return hit != negate;
}

/**
 * loadpol_glob_match() - match a string against a validated shell glob
 * @pattern: the glob: '*', '?' and bracket expressions, no escapes
 * @str: the string
 * @fold_dash: read '-' in @str as '_' (module names)
 *
 * On a mismatch only the last '*' is retried one character further, which
 * is enough because '*' matches any character: the cost is bounded by
 * strlen(@pattern) * strlen(@str), whatever the pattern.
 *
 * Return: true if @str matches @pattern as a whole.
 */
bool loadpol_glob_match(const char *pattern, const char *str, bool fold_dash)
{
	const char *pat = pattern, *back_pat = NULL, *back_str = NULL;

	for (;;) {
		unsigned char c = fold(*str++, fold_dash);
		unsigned char d = *pat++;

		switch (d) {
		case '?':
			if (!c)
				return false;
			break;
		case '*':
			if (!*pat)
				return true;
			back_pat = pat;
			back_str = --str;
			break;
		case '[':
			if (c && class_matches(&pat, c))
				break;
			goto mismatch;
		default:
			if (c == d) {
				if (!d)
					return true;
				break;
			}
mismatch:
			if (!c || !back_pat)
				return false;
			pat = back_pat;
			str = ++back_str;
			break;
		}
	}
}

/*
 * Check a glob's syntax, walking bracket expressions as class_matches()
 * does; in a name glob (fold_dash), write each literal '-' as '_' (a
 * range's '-' stays).  Return NULL if the glob is good, else why not.
 */
static const char *glob_prepare(char *p, bool fold_dash)
{
	for (; *p; p++) {
		if (*p != '[') {
			*p = fold(*p, fold_dash);
			continue;
		}
		p++;
		if (*p == '!' || *p == '^')
			p++;
		do {
			unsigned char lo = *p;

			if (!lo)
				return "'[' without a closing ']'";
			if (p[1] == '-' && p[2] && p[2] != ']') {
				if ((unsigned char)p[2] < lo)
					return "range out of order in '[...]'";
				p += 3;
			} else {
				*p = fold(lo, fold_dash);
				p++;
			}
		} while (*p != ']');
	}
	return NULL;
}

static bool is_literal(const char *p)
{
	return !strpbrk(p, "*?[");
}

/* A literal name pattern (already folded) against a module name. */
static bool name_equal(const char *pattern, const char *name)
{
	while (*pattern && *pattern == fold(*name, true)) {
		pattern++;
		name++;
	}
	return !*pattern && !*name;
}

/* ---- exact-key indexes --------------------------------------------------- */

/* FNV-1a, with '-' read as '_' when fold_dash. */
static u32 hash_string(const char *s, bool fold_dash)
{
	u32 h = 2166136261U;

	for (; *s; s++)
		h = (h ^ fold(*s, fold_dash)) * 16777619U;
	return h;
}

static u32 hash_digest(const u8 *d)
{
	return d[0] | d[1] << 8 | d[2] << 16 | (u32)d[3] << 24;
}

static int cmp_posting(const void *a, const void *b)
{
	const struct posting *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/*
 * Build an index from its postings: sort them by (hash, rule), and give
 * each run of equal hashes a slot of an open-addressing table.  A run of
 * one rule (the usual case: one rule per name or digest) keeps the rule in
 * its slot; a longer one points at its rules, ascending, in ix->rules.
 */
static int index_build(struct loadpol_index *ix, struct posting *post, u32 n)
{
	u32 i, run, size = 1, groups = 0;

	if (!n)
		return 0;
	loadpol_sort(post, n, sizeof(*post), cmp_posting);
	for (i = 0; i < n; i++)
		groups += !i || post[i].hash != post[i - 1].hash;
	/* At most half full: short probes, and a miss ends on an empty slot. */
	while (size < 2 * groups)
		size <<= 1;
	ix->slots = kvcalloc(size, sizeof(*ix->slots), GFP_KERNEL_ACCOUNT);
	if (!ix->slots)
		return -ENOMEM;
	/* Runs of one rule (the usual case) keep it in their slot. */
	if (groups < n) {
		ix->rules = kvmalloc_array(n, sizeof(*ix->rules), GFP_KERNEL_ACCOUNT);
		if (!ix->rules)
			return -ENOMEM;
		for (i = 0; i < n; i++)
			ix->rules[i] = post[i].rule;
	}
	ix->mask = size - 1;
	for (i = 0; i < n; i += run) {
		struct loadpol_slot *slot;
		u32 at = post[i].hash & ix->mask;

		for (run = 1; i + run < n && post[i + run].hash == post[i].hash; run++)
			;
		while (ix->slots[at].count)
			at = (at + 1) & ix->mask;
		slot = &ix->slots[at];
		slot->hash = post[i].hash;
		slot->count = run;
		slot->first = run == 1 ? post[i].rule : i;
	}
	return 0;
}

/*
 * The lowest-numbered rule below @best among those indexed under @hash that
 * matches @event, or @best.
 */
static u32 index_first_match(const struct loadpol_policy *policy,
			     const struct loadpol_index *ix, u32 hash,
			     const struct loadpol_event *event, u32 best)
{
	const struct loadpol_slot *slot;
	u32 at, i, rule;

	if (!ix->slots)
		return best;
	for (at = hash & ix->mask; ix->slots[at].count; at = (at + 1) & ix->mask) {
		slot = &ix->slots[at];
		if (slot->hash != hash)
			continue;
		for (i = 0; i < slot->count; i++) {
			rule = slot->count == 1 ? slot->first : ix->rules[slot->first + i];
			if (rule >= best)
				break;
			if (loadpol_rule_matches(&policy->rules[rule], event))
				return rule;
		}
		break;
	}
	return best;
}

/*
 * The lowest-numbered rule below @best indexed under a prefix of @str that
 * matches @event: each prefix whose length is in the index's bitmap is
 * looked up, its FNV-1a hash carried along the string.
 */
static u32 prefix_first_match(const struct loadpol_policy *policy,
			      const struct loadpol_index *ix, const char *str,
			      bool fold_dash, const struct loadpol_event *event,
			      u32 best)
{
	u32 h = 2166136261U, len;

	if (!ix->slots)
		return best;
	for (len = 1; len <= ix->max_len && str[len - 1]; len++) {
		h = (h ^ fold(str[len - 1], fold_dash)) * 16777619U;
		if (test_bit(len, ix->lens))
			best = index_first_match(policy, ix, h, event, best);
	}
	return best;
}

static u32 scan_first_match(const struct loadpol_policy *policy,
			    const u32 *list, u32 n,
			    const struct loadpol_event *event, u32 best)
{
	u32 i;

	for (i = 0; i < n && list[i] < best; i++) {
		if (loadpol_rule_matches(&policy->rules[list[i]], event))
			return list[i];
		/* Hundreds of thousands of globs must not stall the CPU. */
		if ((i & 1023) == 1023)
			cond_resched();
	}
	return best;
}

/* ---- matching ------------------------------------------------------------ */

/**
 * loadpol_rule_matches() - whether every property of a rule holds
 * @rule: the rule
 * @event: the event
 *
 * A rule with a request= key only matches requests, one with load keys
 * only loads, one without keys every event.
 *
 * Return: true if @rule matches @event.
 */
bool loadpol_rule_matches(const struct loadpol_rule *rule,
			  const struct loadpol_event *event)
{
	u16 keys = rule->keys;

	if (keys & (event->kind == LOADPOL_EV_LOAD ? REQUEST_KEYS : LOAD_KEYS))
		return false;
	if ((keys & BIT(LOADPOL_KEY_NAME)) &&
	    !(event->name &&
	      (rule->name_literal ? name_equal(rule->name, event->name) :
	       loadpol_glob_match(rule->name, event->name, true))))
		return false;
	if ((keys & BIT(LOADPOL_KEY_SHA256)) &&
	    !(event->sha256 &&
	      !memcmp(rule->sha256, event->sha256, LOADPOL_DIGEST_SIZE)))
		return false;
	if ((keys & BIT(LOADPOL_KEY_SIGNED)) && rule->signed_yes != event->sig_ok)
		return false;
	if ((keys & BIT(LOADPOL_KEY_ORIGIN)) &&
	    rule->origin_kernel != event->origin_kernel)
		return false;
	if ((keys & BIT(LOADPOL_KEY_PATH)) &&
	    !(event->path && loadpol_glob_match(rule->path, event->path, false)))
		return false;
	if ((keys & BIT(LOADPOL_KEY_REQUEST)) &&
	    !(event->request &&
	      loadpol_glob_match(rule->request, event->request, false)))
		return false;
	if ((keys & BIT(LOADPOL_KEY_USERNS)) &&
	    rule->userns_nested != event->userns_nested)
		return false;
	if ((keys & BIT(LOADPOL_KEY_PRIVILEGED)) &&
	    rule->privileged == event->unprivileged)
		return false;
	if ((keys & BIT(LOADPOL_KEY_UID)) &&
	    (event->uid < rule->uid_lo || event->uid > rule->uid_hi))
		return false;
	return true;
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

static void set_decision(const struct loadpol_policy *policy, u32 rule,
			 struct loadpol_decision *decision)
{
	if (rule == NO_RULE) {
		decision->action = policy->default_action;
		decision->rule = -1;
	} else {
		decision->action = policy->rules[rule].action;
		decision->rule = rule;
	}
}

/**
 * loadpol_decide() - decide an event with the policy's indexes
 * @policy: the policy
 * @event: the event
 * @decision: where the outcome goes
 *
 * The first rule in file order that matches decides; if none does, the
 * policy's default.  Never allocates; may reschedule in a long scan of
 * glob rules, so it is called where sleeping is allowed.
 */
void loadpol_decide(const struct loadpol_policy *policy,
		    const struct loadpol_event *event,
		    struct loadpol_decision *decision)
{
	u32 best = NO_RULE;

	if (event->kind == LOADPOL_EV_LOAD) {
		if (event->sha256)
			best = index_first_match(policy, &policy->by_digest,
						 hash_digest(event->sha256),
						 event, best);
		if (event->name) {
			best = index_first_match(policy, &policy->by_name,
						 hash_string(event->name, true),
						 event, best);
			best = prefix_first_match(policy, &policy->by_name_prefix,
						  event->name, true, event, best);
		}
		best = scan_first_match(policy, policy->load_scan,
					policy->nr_load_scan, event, best);
	} else {
		if (event->request) {
			best = index_first_match(policy, &policy->by_request,
						 hash_string(event->request, false),
						 event, best);
			best = prefix_first_match(policy, &policy->by_request_prefix,
						  event->request, false, event, best);
		}
		best = scan_first_match(policy, policy->request_scan,
					policy->nr_request_scan, event, best);
	}
	set_decision(policy, best, decision);
}

/**
 * loadpol_decide_linear() - decide an event by trying every rule in order
 * @policy: the policy
 * @event: the event
 * @decision: where the outcome goes
 *
 * The reference loadpol_decide() is tested and measured against.
 */
void loadpol_decide_linear(const struct loadpol_policy *policy,
			   const struct loadpol_event *event,
			   struct loadpol_decision *decision)
{
	u32 i;

	for (i = 0; i < policy->nr_rules; i++)
		if (loadpol_rule_matches(&policy->rules[i], event))
			break;
	set_decision(policy, i < policy->nr_rules ? i : NO_RULE, decision);
}

/* ---- printing ------------------------------------------------------------ */

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
		out_printf(o, " signed=%s", yes_no[rule->signed_yes]);
	if (rule->keys & BIT(LOADPOL_KEY_ORIGIN))
		out_printf(o, " origin=%s", user_kernel[rule->origin_kernel]);
	if (rule->keys & BIT(LOADPOL_KEY_PATH))
		out_printf(o, " path=%s", rule->path);
	if (rule->keys & BIT(LOADPOL_KEY_REQUEST))
		out_printf(o, " request=%s", rule->request);
	if (rule->keys & BIT(LOADPOL_KEY_USERNS))
		out_printf(o, " userns=%s", init_nested[rule->userns_nested]);
	if (rule->keys & BIT(LOADPOL_KEY_PRIVILEGED))
		out_printf(o, " privileged=%s", yes_no[rule->privileged]);
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

/* ---- parsing ------------------------------------------------------------- */

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
		v = lookup_word(mode_names, ARRAY_SIZE(mode_names), tok, len);
	else
		v = lookup_word(action_names, ARRAY_SIZE(action_names), tok, len);
	if (v < 0)
		return fail(ps, -EINVAL, "bad_value", "'%.*s' takes %s, not '%.*s'",
			    (int)wlen, word,
			    is_mode ? "enforce or permissive" : "allow, deny or audit",
			    (int)len, tok);
	len = next_token(&cur, end, &extra);
	if (len)
		return fail(ps, -EINVAL, "trailing_text", "unexpected '%.*s' after '%.*s %s'",
			    (int)len, extra, (int)wlen, word,
			    is_mode ? mode_names[v] : action_names[v]);
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
		flag = lookup_word(yes_no, 2, v, len);
		if (flag < 0)
			return fail(ps, -EINVAL, "bad_value", "%s= takes yes or no, not '%.*s'",
				    key_names[key], (int)len, v);
		if (key == LOADPOL_KEY_SIGNED)
			rule->signed_yes = flag;
		else
			rule->privileged = flag;
		return 0;
	case LOADPOL_KEY_ORIGIN:
		flag = lookup_word(user_kernel, 2, v, len);
		if (flag < 0)
			return fail(ps, -EINVAL, "bad_value",
				    "origin= takes kernel or user, not '%.*s'",
				    (int)len, v);
		rule->origin_kernel = flag;
		return 0;
	case LOADPOL_KEY_USERNS:
		flag = lookup_word(init_nested, 2, v, len);
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
		why = glob_prepare(s, key == LOADPOL_KEY_NAME);
		if (why)
			return fail(ps, -EINVAL, "bad_glob", "bad pattern in %s=%.*s: %s",
				    key_names[key], (int)len, v, why);
		if (key == LOADPOL_KEY_NAME) {
			rule->name = s;
			rule->name_literal = is_literal(s);
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
		key = lookup_word(key_names, LOADPOL_NR_KEYS, tok, eq - tok);
		if (key < 0)
			return fail(ps, -EINVAL, "unknown_key", "unknown key '%.*s'",
				    (int)(eq - tok), tok);
		if (rule->keys & BIT(key))
			return fail(ps, -EINVAL, "repeated_key",
				    "key '%s' given twice", key_names[key]);
		if (eq + 1 == tok + len)
			return fail(ps, -EINVAL, "empty_value",
				    "empty value for '%s'", key_names[key]);
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
	action = lookup_word(action_names, ARRAY_SIZE(action_names), word, len);
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

/* ---- compiling ------------------------------------------------------------ */

/* Length of a glob's literal prefix, before its first wildcard. */
static u32 prefix_len(const char *glob)
{
	return strcspn(glob, "*?[");
}

/* FNV-1a of the first @len bytes of @s (already folded). */
static u32 hash_prefix(const char *s, u32 len)
{
	u32 h = 2166136261U;

	while (len--)
		h = (h ^ (unsigned char)*s++) * 16777619U;
	return h;
}

/*
 * Which index a rule goes to (-1: a scan list), its key's hash there, and
 * for a prefix index the prefix's length.
 */
static int index_of(const struct loadpol_rule *rule, u32 *hash, u32 *len)
{
	*len = 0;
	if (rule->keys & BIT(LOADPOL_KEY_SHA256)) {
		*hash = hash_digest(rule->sha256);
		return 1;
	}
	if (rule->name_literal) {
		*hash = hash_string(rule->name, true);
		return 0;
	}
	if (rule->keys & BIT(LOADPOL_KEY_REQUEST)) {
		if (is_literal(rule->request)) {
			*hash = hash_string(rule->request, false);
			return 2;
		}
		*len = prefix_len(rule->request);
		*hash = hash_prefix(rule->request, *len);
		return *len ? 4 : -1;
	}
	if (rule->keys & BIT(LOADPOL_KEY_NAME)) {
		*len = prefix_len(rule->name);
		*hash = hash_prefix(rule->name, *len);
		return *len ? 3 : -1;
	}
	return -1;
}

/* The bitmap of prefix lengths of a prefix index. */
static int index_lens(struct loadpol_index *ix, const struct posting *post,
		      const u32 *lens, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		ix->max_len = max(ix->max_len, lens[i]);
	if (!n)
		return 0;
	ix->lens = kvcalloc(BITS_TO_LONGS(ix->max_len + 1), sizeof(long),
			    GFP_KERNEL_ACCOUNT);
	if (!ix->lens)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		__set_bit(lens[i], ix->lens);
	return 0;
}

static int compile(struct loadpol_policy *policy)
{
	struct loadpol_index *ix[] = { &policy->by_name, &policy->by_digest,
				       &policy->by_request, &policy->by_name_prefix,
				       &policy->by_request_prefix };
	struct posting *post[ARRAY_SIZE(ix)] = {};
	u32 *lens[ARRAY_SIZE(ix)] = {};
	u32 count[ARRAY_SIZE(ix)] = {};
	u32 i, j, hash, len, n = policy->nr_rules, nr_load = 0, nr_request = 0;
	int to, err = -ENOMEM;

	/* Count first: every array is allocated at its final size. */
	for (i = 0; i < n; i++) {
		const struct loadpol_rule *rule = &policy->rules[i];

		to = index_of(rule, &hash, &len);
		if (to >= 0) {
			count[to]++;
			continue;
		}
		nr_load += !(rule->keys & REQUEST_KEYS);
		nr_request += !(rule->keys & LOAD_KEYS);
	}
	for (j = 0; j < ARRAY_SIZE(ix); j++) {
		post[j] = kvmalloc_array(count[j] + 1, sizeof(*post[j]), GFP_KERNEL_ACCOUNT);
		lens[j] = kvmalloc_array(count[j] + 1, sizeof(*lens[j]), GFP_KERNEL_ACCOUNT);
		if (!post[j] || !lens[j])
			goto out;
		count[j] = 0;
	}
	policy->load_scan = kvmalloc_array(nr_load + 1, sizeof(u32), GFP_KERNEL_ACCOUNT);
	policy->request_scan = kvmalloc_array(nr_request + 1, sizeof(u32), GFP_KERNEL_ACCOUNT);
	if (!policy->load_scan || !policy->request_scan)
		goto out;

	for (i = 0; i < n; i++) {
		const struct loadpol_rule *rule = &policy->rules[i];

		policy->needs_digest |= !!(rule->keys & BIT(LOADPOL_KEY_SHA256));
		to = index_of(rule, &hash, &len);
		if (to >= 0) {
			lens[to][count[to]] = len;
			post[to][count[to]].hash = hash;
			post[to][count[to]++].rule = i;
			continue;
		}
		if (!(rule->keys & REQUEST_KEYS))
			policy->load_scan[policy->nr_load_scan++] = i;
		if (!(rule->keys & LOAD_KEYS))
			policy->request_scan[policy->nr_request_scan++] = i;
	}
	for (j = 0; j < ARRAY_SIZE(ix); j++) {
		if (j >= 3 && index_lens(ix[j], post[j], lens[j], count[j]))
			goto out;
		if (index_build(ix[j], post[j], count[j]))
			goto out;
	}
	err = 0;
out:
	for (j = 0; j < ARRAY_SIZE(ix); j++) {
		kvfree(post[j]);
		kvfree(lens[j]);
	}
	return err;
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
		rules = kvmalloc_array(policy->nr_rules ?: 1, sizeof(*rules),
				       GFP_KERNEL_ACCOUNT);
		if (!rules)
			return -ENOMEM;
		memcpy(rules, policy->rules, policy->nr_rules * sizeof(*rules));
		kvfree(policy->rules);
		policy->rules = rules;
	}
	strings = kvmalloc(ps->strings_used ?: 1, GFP_KERNEL_ACCOUNT);
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
		err = compile(ps.policy);
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

/* "~Module signature appended~\n", and the 12-byte struct module_signature
 * before it, whose last 4 bytes are the signature's length, big-endian.
 */
#define LOADPOL_SIG_MARKER "~Module signature appended~\n"
#define LOADPOL_SIG_MARKER_LEN (sizeof(LOADPOL_SIG_MARKER) - 1)
#define LOADPOL_SIG_INFO_LEN 12

/**
 * loadpol_image_strip_signature() - the length of a module image without
 *	its appended signature
 * @image: the decompressed module image
 * @len: its length; on return, the length of the image as linked
 *
 * A ``sha256=`` digest covers the image as linked: the kernel strips a
 * signature it verified, and loadpol strips one it did not.  loadpolctl
 * calls this too, so that both compute the same digest.
 *
 * Return: 0 (also when there is no signature), or -EBADMSG when the
 * signature trailer is inconsistent.
 */
int loadpol_image_strip_signature(const void *image, size_t *len)
{
	const unsigned char *p = image;
	size_t n = *len;
	u32 sig_len;

	if (n <= LOADPOL_SIG_MARKER_LEN + LOADPOL_SIG_INFO_LEN ||
	    memcmp(p + n - LOADPOL_SIG_MARKER_LEN, LOADPOL_SIG_MARKER,
		   LOADPOL_SIG_MARKER_LEN))
		return 0;
	n -= LOADPOL_SIG_MARKER_LEN;
	sig_len = (u32)p[n - 4] << 24 | (u32)p[n - 3] << 16 |
		  (u32)p[n - 2] << 8 | p[n - 1];
	if (sig_len > n - LOADPOL_SIG_INFO_LEN)
		return -EBADMSG;
	*len = n - LOADPOL_SIG_INFO_LEN - sig_len;
	return 0;
}
