// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpol: shell globs: validation and matching
 *
 * Part of the policy engine: one body of C for the kernel and for
 * userspace (see policy_env.h and policy_impl.h).
 *
 * Copyright (C) 2026 The loadpol developers
 */

#include "policy_impl.h"

/*
 * Match c against the bracket expression that starts at *patp (just after
 * its '['), and move *patp past the closing ']'.  The expression was
 * validated by loadpol_glob_prepare(): a first member may be ']', "a-z" is a range,
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

/**
 * loadpol_glob_prepare() - check a glob and fold its literal dashes
 * @p: the glob, NUL-terminated, changed in place
 * @fold_dash: it is a name glob: write each literal '-' as '_' (a range's
 *	'-' stays)
 *
 * Walks bracket expressions as class_matches() does.
 *
 * Return: NULL if the glob is good, else why not.
 */
const char *loadpol_glob_prepare(char *p, bool fold_dash)
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

/**
 * loadpol_is_literal() - whether a glob has no wildcard
 * @p: the glob
 *
 * Return: true if @p has no '*', '?' or '['.
 */
bool loadpol_is_literal(const char *p)
{
	return !strpbrk(p, "*?[");
}

/**
 * loadpol_name_equal() - a literal name pattern against a module name
 * @pattern: the pattern, already folded
 * @name: the module name, '-' read as '_'
 *
 * Return: true if they are the same name.
 */
bool loadpol_name_equal(const char *pattern, const char *name)
{
	while (*pattern && *pattern == fold(*name, true)) {
		pattern++;
		name++;
	}
	return !*pattern && !*name;
}
