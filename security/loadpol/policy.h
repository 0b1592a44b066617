/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * loadpol: policy language, compiled policy and matcher
 *
 * Shared by the kernel and the userspace tool; see policy_env.h.
 *
 * Copyright (C) 2026 The loadpol developers
 */

#ifndef _SECURITY_LOADPOL_POLICY_H
#define _SECURITY_LOADPOL_POLICY_H

#include "policy_env.h"

/* Limits; see Documentation/admin-guide/LSM/loadpol.rst. */
#define LOADPOL_MAX_SIZE	(16 * 1024 * 1024) /* bytes of policy text */
#define LOADPOL_MAX_RULES	262144		/* rules */
#define LOADPOL_MAX_LINE	4096		/* bytes per line, newline included */
#define LOADPOL_DIGEST_SIZE	32		/* SHA-256 */

/**
 * enum loadpol_action - what a rule or the default does with an event
 * @LOADPOL_ALLOW: let it go ahead
 * @LOADPOL_DENY: refuse it with -EPERM
 * @LOADPOL_AUDIT: let it go ahead and write an audit record
 */
enum loadpol_action {
	LOADPOL_ALLOW,
	LOADPOL_DENY,
	LOADPOL_AUDIT,
};

/**
 * enum loadpol_mode - whether decisions are enforced
 * @LOADPOL_ENFORCE: a deny refuses the event
 * @LOADPOL_PERMISSIVE: a deny is audited, and the event goes ahead
 */
enum loadpol_mode {
	LOADPOL_ENFORCE,
	LOADPOL_PERMISSIVE,
};

/**
 * enum loadpol_key - the properties a rule can test
 * @LOADPOL_KEY_NAME: module name glob (load)
 * @LOADPOL_KEY_SHA256: digest of the module image (load)
 * @LOADPOL_KEY_SIGNED: whether the signature verified (load)
 * @LOADPOL_KEY_ORIGIN: whether a kernel usermode helper loads it (load)
 * @LOADPOL_KEY_PATH: path glob of the finit_module(2) file (load)
 * @LOADPOL_KEY_REQUEST: request_module() string glob (request)
 * @LOADPOL_KEY_USERNS: the requester's user namespace, initial or nested
 *	(request and load)
 * @LOADPOL_KEY_PRIVILEGED: whether the requester holds CAP_SYS_MODULE in
 *	the initial user namespace (request and load)
 * @LOADPOL_KEY_UID: the requester's real user ID, or a range of them
 *	(request and load)
 * @LOADPOL_NR_KEYS: number of keys
 */
enum loadpol_key {
	LOADPOL_KEY_NAME,
	LOADPOL_KEY_SHA256,
	LOADPOL_KEY_SIGNED,
	LOADPOL_KEY_ORIGIN,
	LOADPOL_KEY_PATH,
	LOADPOL_KEY_REQUEST,
	LOADPOL_KEY_USERNS,
	LOADPOL_KEY_PRIVILEGED,
	LOADPOL_KEY_UID,
	LOADPOL_NR_KEYS,
};

/**
 * enum loadpol_event_kind - what is being decided
 * @LOADPOL_EV_LOAD: a module image is about to be linked
 * @LOADPOL_EV_REQUEST: the kernel asks userspace to load a module
 */
enum loadpol_event_kind {
	LOADPOL_EV_LOAD,
	LOADPOL_EV_REQUEST,
};

/**
 * struct loadpol_event - the attributes of one event
 * @kind: load or request
 * @name: module name as in the image (load)
 * @sha256: digest of the image, or NULL when the policy needs none (load)
 * @sig_ok: the module signature verified (load)
 * @origin_kernel: loaded by a usermode helper the kernel spawned (load)
 * @path: path of the finit_module(2) file, or NULL (load)
 * @request: the request_module() string (request); for a load by the
 *	kernel's modprobe, the request it serves, reported but not matched
 * @modinfo_name: the image's .modinfo name= when it is not @name (load),
 *	reported but not matched
 * @uid: the requester's real user ID in the initial user namespace
 * @userns_nested: the requester's user namespace is not the initial one
 * @unprivileged: the requester lacks CAP_SYS_MODULE in the initial user
 *	namespace
 *
 * The requester is the task that asked: for a request, the task calling
 * request_module(); for a load by the kernel's modprobe, the task whose
 * request it serves; for any other load, the loading task.  A zeroed
 * event's requester is root of the initial user namespace, privileged.
 */
struct loadpol_event {
	enum loadpol_event_kind kind;
	const char *name;
	const u8 *sha256;
	bool sig_ok;
	bool origin_kernel;
	const char *path;
	const char *request;
	const char *modinfo_name;
	u32 uid;
	bool userns_nested;
	bool unprivileged;
};

/**
 * struct loadpol_rule - one compiled rule
 * @line: line of the policy text it was parsed from (1-based)
 * @action: what it does with the events it matches
 * @keys: the properties it tests, as BIT(enum loadpol_key)
 * @signed_yes: for signed=, whether it asks for a verified signature
 * @origin_kernel: for origin=, whether it asks for origin=kernel
 * @name_literal: @name has no glob characters
 * @userns_nested: for userns=, whether it asks for userns=nested
 * @privileged: for privileged=, whether it asks for privileged=yes
 * @uid_lo: for uid=, the lowest user ID of its range
 * @uid_hi: for uid=, the highest
 * @sha256: for sha256=, the digest
 * @name: for name=, the glob, '-' read as '_'
 * @path: for path=, the glob
 * @request: for request=, the glob (a rule has path= or request=, never
 *	both: they share their storage)
 *
 * Ordered so that nothing is padded: a policy of 10,000 rules holds at
 * most 128 bytes a rule, index included (make bench).
 */
struct loadpol_rule {
	u32 line;
	u32 uid_lo;
	u32 uid_hi;
	u16 keys;
	u8 action;
	bool signed_yes;
	bool origin_kernel;
	bool name_literal;
	bool userns_nested;
	bool privileged;
	u8 sha256[LOADPOL_DIGEST_SIZE];
	const char *name;
	union {
		const char *path;
		const char *request;
	};
};

/**
 * struct loadpol_slot - the rules of one exact-key hash in an index
 * @hash: the hash of their key
 * @first: the rule itself when @count is 1, else its offset in the
 *	index's rules
 * @count: how many rules; 0 for an empty slot
 */
struct loadpol_slot {
	u32 hash;
	u32 first;
	u32 count;
};

/**
 * struct loadpol_index - rules found by the exact value of one key
 * @slots: open-addressing table of hashes, size @mask + 1
 * @rules: rule indexes of the slots with more than one rule, by slot
 * @mask: table size minus one
 * @lens: for an index of glob prefixes, a bitmap of the prefix lengths it
 *	holds (bit N: some rule's literal prefix is N bytes), or NULL
 * @max_len: the longest of those lengths
 */
struct loadpol_index {
	struct loadpol_slot *slots;
	u32 *rules;
	u32 mask;
	unsigned long *lens;
	u32 max_len;
};

/**
 * struct loadpol_policy - a parsed, validated and indexed policy
 * @mode: enforce or permissive
 * @default_action: action of events no rule matches
 * @nr_rules: number of rules
 * @rules: the rules, in file order
 * @needs_digest: some rule tests sha256=
 * @by_name: load rules with an exact name and no sha256=
 * @by_digest: load rules with sha256=
 * @by_request: request rules with an exact request string
 * @by_name_prefix: other load rules with a name glob, by its literal prefix
 *	(what comes before its first '*', '?' or '['), when not empty
 * @by_request_prefix: other request rules, by the literal prefix of their
 *	request glob, when not empty
 * @load_scan: other rules that can match a load, ascending
 * @request_scan: other rules that can match a request, ascending
 * @nr_load_scan: entries of @load_scan
 * @nr_request_scan: entries of @request_scan
 * @strings: storage of the rules' strings
 */
struct loadpol_policy {
	enum loadpol_mode mode;
	enum loadpol_action default_action;
	u32 nr_rules;
	struct loadpol_rule *rules;
	bool needs_digest;
	struct loadpol_index by_name;
	struct loadpol_index by_digest;
	struct loadpol_index by_request;
	struct loadpol_index by_name_prefix;
	struct loadpol_index by_request_prefix;
	u32 *load_scan;
	u32 *request_scan;
	u32 nr_load_scan;
	u32 nr_request_scan;
	char *strings;
};

/**
 * struct loadpol_parse_error - why a policy was rejected
 * @line: the line at fault (1-based), 0 for the text as a whole
 * @reason: the kind of error, one token for the audit record's reason=
 *	("unknown_key", "bad_glob", ...), or NULL
 * @msg: a reason a person understands
 */
struct loadpol_parse_error {
	u32 line;
	const char *reason;
	char msg[128];
};

/**
 * struct loadpol_decision - the outcome of one event
 * @action: the action of the matched rule, or the default
 * @rule: index of the matched rule, or -1 for the default
 */
struct loadpol_decision {
	enum loadpol_action action;
	int rule;
};

int loadpol_policy_parse(const char *text, size_t len,
			 struct loadpol_policy **policy,
			 struct loadpol_parse_error *error);
void loadpol_policy_free(struct loadpol_policy *policy);
char *loadpol_policy_text(const struct loadpol_policy *policy, size_t *len);
void loadpol_decide(const struct loadpol_policy *policy,
		    const struct loadpol_event *event,
		    struct loadpol_decision *decision);
void loadpol_decide_linear(const struct loadpol_policy *policy,
			   const struct loadpol_event *event,
			   struct loadpol_decision *decision);
bool loadpol_rule_matches(const struct loadpol_rule *rule,
			  const struct loadpol_event *event);
bool loadpol_rule_equal(const struct loadpol_rule *a,
			const struct loadpol_rule *b);
int loadpol_policy_tightens(const struct loadpol_policy *old,
			    const struct loadpol_policy *new,
			    struct loadpol_parse_error *error);
int loadpol_rule_print(const struct loadpol_rule *rule, char *buf,
		       size_t size);
bool loadpol_glob_match(const char *pattern, const char *str, bool fold_dash);
const char *loadpol_action_name(enum loadpol_action action);
const char *loadpol_mode_name(enum loadpol_mode mode);
const char *loadpol_key_name(enum loadpol_key key);
int loadpol_image_strip_signature(const void *image, size_t *len);

#endif /* _SECURITY_LOADPOL_POLICY_H */
