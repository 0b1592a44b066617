// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol: indexes and decisions
 *
 * Part of the policy engine: one body of C for the kernel and for
 * userspace (see policy_env.h and policy_impl.h).
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

#include "policy_impl.h"

#define NO_RULE 0xffffffffU

/* An exact key of a rule, while an index is built. */
struct posting {
	u32 hash;
	u32 rule;
};

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
	ix->slots = loadpol_keep_array(size, sizeof(*ix->slots), true);
	if (!ix->slots)
		return -ENOMEM;
	/* Runs of one rule (the usual case) keep it in their slot. */
	if (groups < n) {
		ix->rules = loadpol_keep_array(n, sizeof(*ix->rules), false);
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
	      (rule->name_literal ? loadpol_name_equal(rule->name, event->name) :
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
		if (loadpol_is_literal(rule->request)) {
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
		if (lens[i] > ix->max_len)
			ix->max_len = lens[i];
	if (!n)
		return 0;
	ix->lens = loadpol_keep_array(BITS_TO_LONGS(ix->max_len + 1), sizeof(long),
				      true);
	if (!ix->lens)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		__set_bit(lens[i], ix->lens);
	return 0;
}

/**
 * loadpol_policy_compile() - build a parsed policy's indexes and scan lists
 * @policy: the policy, its rules parsed
 *
 * Return: 0, or -ENOMEM.
 */
int loadpol_policy_compile(struct loadpol_policy *policy)
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
	policy->load_scan = loadpol_keep_array(nr_load + 1, sizeof(u32), false);
	policy->request_scan = loadpol_keep_array(nr_request + 1, sizeof(u32), false);
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

