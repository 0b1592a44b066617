// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadpolctl: check, generate, explain, load and lock loadpol policies.
 *
 * Built from the kernel's own policy engine (security/loadpol/): what "check" and
 * "explain" say is what the kernel will do.  Module digests are computed as
 * the kernel computes them: over the decompressed image (xz, zstd or gzip,
 * by their libraries) without its appended signature
 * (loadpol_image_strip_signature(), shared with the kernel).
 *
 * Copyright (C) 2026 The loadpol developers
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <linux/audit.h>
#include <linux/elf.h>
#include <linux/netlink.h>
#include <lzma.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "policy.h"

#define POLICY_FILE "/sys/kernel/security/loadpol/policy"
#define LOCKED_SYSCTL "/proc/sys/kernel/loadpol/locked"
#define LSM_FILE "/sys/kernel/security/lsm"
#define DEFAULT_PARAM "/sys/module/loadpol/parameters/default"
#define MAX_MODULE (1024UL * 1024 * 1024)

static const char *prog = "loadpolctl";

static void __printf(1, 2) warnx_(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Read a whole file; returns 0 or -errno. */
static int read_all(const char *path, unsigned char **bufp, size_t *lenp)
{
	size_t len = 0, size = 65536;
	unsigned char *buf = malloc(size), *nbuf;
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	ssize_t n;

	if (fd < 0 || !buf) {
		int err = fd < 0 ? -errno : -ENOMEM;

		free(buf);
		return err;
	}
	while ((n = read(fd, buf + len, size - len)) > 0) {
		len += n;
		if (len == size) {
			if (size >= MAX_MODULE) {
				n = -1;
				errno = EFBIG;
				break;
			}
			nbuf = realloc(buf, size * 2);
			if (!nbuf) {
				n = -1;
				errno = ENOMEM;
				break;
			}
			buf = nbuf;
			size *= 2;
		}
	}
	if (fd)
		close(fd);
	if (n < 0) {
		int err = -errno;

		free(buf);
		return err;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

/* Terminate a buffer read by read_all() (it has room), without a newline. */
static void chomp(unsigned char *buf, size_t len)
{
	buf[len] = '\0';
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

/* Grow an output buffer for a decompressor; false on failure. */
static bool grow(unsigned char **out, size_t *size)
{
	unsigned char *n;

	if (*size >= MAX_MODULE)
		return false;
	n = realloc(*out, *size * 2);
	if (!n)
		return false;
	*out = n;
	*size *= 2;
	return true;
}

static int unxz(const unsigned char *in, size_t len, unsigned char **outp, size_t *outlen)
{
	lzma_stream s = LZMA_STREAM_INIT;
	size_t size = len * 4 + 4096;
	unsigned char *out = malloc(size);
	lzma_ret ret;

	if (!out || lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK) {
		free(out);
		return -ENOMEM;
	}
	s.next_in = in;
	s.avail_in = len;
	do {
		s.next_out = out + s.total_out;
		s.avail_out = size - s.total_out;
		ret = lzma_code(&s, LZMA_FINISH);
	} while (ret == LZMA_OK && !s.avail_out && grow(&out, &size));
	*outlen = s.total_out;
	lzma_end(&s);
	if (ret != LZMA_STREAM_END) {
		free(out);
		return -EBADMSG;
	}
	*outp = out;
	return 0;
}

/*
 * ZSTD_decompress() into a buffer that grows until the image fits: a
 * result larger than the buffer is one of libzstd's error codes.
 */
static int unzstd(const unsigned char *in, size_t len, unsigned char **outp, size_t *outlen)
{
	size_t size = len * 4 + 4096, ret;
	unsigned char *out = malloc(size);

	while (out) {
		ret = ZSTD_decompress(out, size, in, len);
		if (ret <= size) {
			*outp = out;
			*outlen = ret;
			return 0;
		}
		if (!grow(&out, &size))
			break;
	}
	free(out);
	return out ? -EBADMSG : -ENOMEM;
}

/* gzip, through zlib's gzread(), which reads the file itself. */
static int ungzip_file(const char *path, unsigned char **outp, size_t *outlen)
{
	size_t size = 1 << 20, done = 0;
	unsigned char *out = malloc(size);
	__auto_type gz = gzopen(path, "rb");
	int n = 0;

	while (out && gz && (n = gzread(gz, out + done, size - done)) > 0) {
		done += n;
		if (done == size && !grow(&out, &size))
			break;
	}
	if (!out || !gz || n < 0 || done == size) {
		int err = !out || !gz ? -errno : -EBADMSG;

		free(out);
		if (gz)
			gzclose(gz);
		return err ? err : -ENOMEM;
	}
	gzclose(gz);
	*outp = out;
	*outlen = done;
	return 0;
}

/* A module file's image as the kernel links it: decompressed. */
static int read_module(const char *path, unsigned char **imagep, size_t *lenp)
{
	int (*decompress)(const unsigned char *, size_t, unsigned char **, size_t *) = NULL;
	unsigned char *raw;
	size_t len;
	int err;

	if (ends_with(path, ".gz"))
		return ungzip_file(path, imagep, lenp);
	if (ends_with(path, ".xz"))
		decompress = unxz;
	else if (ends_with(path, ".zst"))
		decompress = unzstd;
	err = read_all(path, &raw, &len);
	if (err || !decompress) {
		*imagep = raw;
		*lenp = len;
		return err;
	}
	err = decompress(raw, len, imagep, lenp);
	free(raw);
	return err;
}

/*
 * The module's name as the kernel sees it: "name=" in .modinfo (modpost
 * writes it); -EBADMSG if the image is not a module.
 */
static int module_name(const unsigned char *img, size_t len, char *name, size_t size)
{
	const struct elf64_hdr *eh = (const void *)img;
	const struct elf64_shdr *sh, *strtab;
	size_t i;

	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_shentsize != sizeof(*sh) ||
	    eh->e_shoff > len || eh->e_shnum > (len - eh->e_shoff) / sizeof(*sh) ||
	    eh->e_shstrndx >= eh->e_shnum)
		return -EBADMSG;
	sh = (const void *)(img + eh->e_shoff);
	strtab = &sh[eh->e_shstrndx];
	if (strtab->sh_offset > len || strtab->sh_size > len - strtab->sh_offset)
		return -EBADMSG;
	for (i = 0; i < eh->e_shnum; i++) {
		const char *p, *end;

		if (sh[i].sh_name >= strtab->sh_size ||
		    strncmp((const char *)img + strtab->sh_offset + sh[i].sh_name, ".modinfo",
			    strtab->sh_size - sh[i].sh_name) ||
		    sh[i].sh_offset > len || sh[i].sh_size > len - sh[i].sh_offset)
			continue;
		p = (const char *)img + sh[i].sh_offset;
		end = p + sh[i].sh_size;
		while (p < end) {
			size_t n = strnlen(p, end - p);

			if (n > 5 && n - 5 < size && !strncmp(p, "name=", 5)) {
				memcpy(name, p + 5, n - 5);
				name[n - 5] = '\0';
				return 0;
			}
			p += n + 1;
		}
	}
	return -EBADMSG;
}

static void hex(const u8 *digest, char *out)
{
	int i;

	for (i = 0; i < LOADPOL_DIGEST_SIZE; i++)
		sprintf(out + 2 * i, "%02x", digest[i]);
}

/* Name and digest (as the kernel computes them) of a module file. */
struct module_info {
	char name[64];
	u8 digest[LOADPOL_DIGEST_SIZE];
	char hex[2 * LOADPOL_DIGEST_SIZE + 1];
	char *path;
	bool has_sig;	/* an appended signature was stripped */
};

static int inspect_module(const char *path, struct module_info *m)
{
	unsigned char *img;
	unsigned int dlen;
	size_t len, whole;
	int err = read_module(path, &img, &len);

	if (err)
		return err;
	whole = len;
	err = module_name(img, len, m->name, sizeof(m->name));
	if (!err)
		err = loadpol_image_strip_signature(img, &len);
	m->has_sig = len != whole;
	if (!err && !EVP_Digest(img, len, m->digest, &dlen, EVP_sha256(), NULL))
		err = -ENOMEM;
	free(img);
	if (!err)
		hex(m->digest, m->hex);
	return err;
}

static void normalise(char *name)
{
	for (; *name; name++)
		if (*name == '-')
			*name = '_';
}

/* Parse a policy file; on error print FILE:LINE: reason.  0 or -errno. */
static int parse_file(const char *path, struct loadpol_policy **p)
{
	struct loadpol_parse_error error;
	unsigned char *text;
	size_t len;
	int err = read_all(path, &text, &len);

	if (err) {
		warnx_("%s: %s", path, strerror(-err));
		return err;
	}
	err = loadpol_policy_parse((char *)text, len, p, &error);
	free(text);
	if (err)
		fprintf(stderr, "%s:%u: %s\n", path, error.line, error.msg);
	return err;
}

/* --- check ---------------------------------------------------------------- */

static const char *const check_help =
	"usage: loadpolctl check FILE [--builtin MODULES.BUILTIN]\n"
	"       loadpolctl check FILE --kernel VERSION [--root DIR] [--in-use /proc/modules]\n"
	"                              [--initramfs TREE]\n"
	"\n"
	"Parse FILE (- for standard input) as the kernel would.  On an error,\n"
	"print FILE:LINE: reason and exit 1; else print a summary and exit 0.\n"
	"With --builtin (a kernel's modules.builtin, as in /lib/modules/VERSION/),\n"
	"warn about rules naming modules built into that kernel: they never load,\n"
	"so no rule can refuse them.\n"
	"With --kernel, check FILE against that kernel's modules, under\n"
	"DIR/lib/modules/VERSION (DIR: /): its modules.dep, modules.softdep,\n"
	"modules.weakdep and modules.builtin, and each module's name and digest.\n"
	"Reports allowed modules with a refused dependency (exit 5: the kernel may\n"
	"not boot), and rules that match no module of that kernel (renamed or\n"
	"removed), SHA-256 pins of no module, rules for built-in modules\n"
	"(exit 4).  A module counts as allowed when the policy lets it load as\n"
	"a user's or as the kernel's modprobe, taken as signed if it carries a\n"
	"signature.  With --in-use (a list as /proc/modules has it), each module\n"
	"in use that the policy allows on the running kernel (DIR/lib/modules/\n"
	"$(uname -r)) must be allowed in VERSION too, by its name or, renamed,\n"
	"by the name its aliases have there (exit 5 if not).  With --initramfs\n"
	"(the tree of an initramfs being made for VERSION, as a hook sees it),\n"
	"the modules it holds that the policy refuses: they load there only\n"
	"before the policy does (exit 4).\n";

/* The names of modules.builtin ("kernel/fs/ext4/ext4.ko"), '-' read as '_'. */
static char **read_builtin(const char *path, size_t *nr)
{
	char line[4096], **names = NULL;
	FILE *f = fopen(path, "re");

	*nr = 0;
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		char *base = strrchr(line, '/') ? strrchr(line, '/') + 1 : line;
		char *dot = strstr(base, ".ko");
		char **more = realloc(names, (*nr + 1) * sizeof(*names));

		if (!dot || !more)
			continue;
		names = more;
		*dot = '\0';
		names[*nr] = strdup(base);
		if (names[*nr])
			normalise(names[(*nr)++]);
	}
	fclose(f);
	return names ? names : calloc(1, sizeof(*names));
}

/* Warn about each rule whose name= matches a built-in module. */
static unsigned int check_builtin(const char *file, const struct loadpol_policy *p,
				  char **builtin, size_t nr_builtin)
{
	unsigned int warnings = 0;
	u32 i;
	size_t j;

	for (i = 0; i < p->nr_rules; i++) {
		const struct loadpol_rule *r = &p->rules[i];

		if (!(r->keys & BIT(LOADPOL_KEY_NAME)))
			continue;
		for (j = 0; j < nr_builtin; j++) {
			if (!loadpol_glob_match(r->name, builtin[j], true))
				continue;
			if (r->action == LOADPOL_DENY)
				printf("%s:%u: warning: %s is built into the kernel %s\n",
				       file, r->line, builtin[j],
				       "(modules.builtin) and never loaded: this rule can never refuse it; to keep it from running, boot with initcall_blacklist=<its init function> or build it as a module");
			else
				printf("%s:%u: note: %s is built into the kernel %s\n",
				       file, r->line, builtin[j],
				       "(modules.builtin) and never loaded: this rule never applies to it");
			warnings++;
			if (!r->name_literal)
				break;
		}
	}
	return warnings;
}

/* A module of a kernel's tree, with what its modules.* files say of it. */
struct kmodule {
	struct module_info info;
	char file[64];		/* the name modules.dep knows it by */
	char **deps;		/* file names of what it needs first */
	size_t nr_deps;
	bool has_digest;
	bool allowed;
};

static struct kmodule *kmods;
static size_t nr_kmods;

/* "kernel/fs/ext4/ext4.ko.xz" -> "ext4", '-' read as '_'. */
static void file_to_name(const char *path, char *name, size_t size)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	snprintf(name, size, "%.*s", (int)strcspn(base, "."), base);
	normalise(name);
}

static struct kmodule *kmod_find(const char *name)
{
	char n[64];
	size_t i;

	snprintf(n, sizeof(n), "%s", name);
	normalise(n);
	for (i = 0; i < nr_kmods; i++)
		if (!strcmp(kmods[i].file, n))
			return &kmods[i];
	return NULL;
}

static void kmod_add_dep(struct kmodule *m, const char *dep)
{
	char **deps = realloc(m->deps, (m->nr_deps + 1) * sizeof(*deps));
	char name[64];

	if (!deps)
		return;
	m->deps = deps;
	file_to_name(dep, name, sizeof(name));
	m->deps[m->nr_deps] = strdup(name);
	if (m->deps[m->nr_deps])
		m->nr_deps++;
}

/*
 * modules.dep: "kernel/a.ko.xz: kernel/b.ko.xz kernel/c.ko.xz"; each
 * module's name and digest read from its file too when @inspect.
 */
static int read_deps(const char *dir, bool inspect)
{
	char path[4096 + 16384 + 16], line[16384];
	FILE *f;

	snprintf(path, sizeof(path), "%s/modules.dep", dir);
	f = fopen(path, "re");
	if (!f) {
		warnx_("%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *tok, *save = NULL;
		struct kmodule *m;

		if (!colon)
			continue;
		*colon = '\0';
		m = realloc(kmods, (nr_kmods + 1) * sizeof(*kmods));
		if (!m)
			break;
		kmods = m;
		m = &kmods[nr_kmods++];
		memset(m, 0, sizeof(*m));
		file_to_name(line, m->file, sizeof(m->file));
		snprintf(path, sizeof(path), "%s/%s", dir, line);
		m->has_digest = inspect && !inspect_module(path, &m->info);
		if (inspect && !m->has_digest)
			warnx_("%s: skipped: cannot read it as a module", path);
		for (tok = strtok_r(colon + 1, " \t\n", &save); tok;
		     tok = strtok_r(NULL, " \t\n", &save))
			kmod_add_dep(m, tok);
	}
	fclose(f);
	return 0;
}

/* modules.softdep ("softdep a pre: b c post: d") and modules.weakdep
 * ("weakdep a b"): soft dependencies load with the module, so a refused
 * one breaks it too.
 */
static void read_soft_deps(const char *dir, const char *file)
{
	char path[4096 + 64], line[16384];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *tok, *save = NULL;
		struct kmodule *m;

		tok = strtok_r(line, " \t\n", &save);
		if (!tok || (strcmp(tok, "softdep") && strcmp(tok, "weakdep")))
			continue;
		tok = strtok_r(NULL, " \t\n", &save);
		m = tok ? kmod_find(tok) : NULL;
		if (!m)
			continue;
		while ((tok = strtok_r(NULL, " \t\n", &save)))
			if (strcmp(tok, "pre:") && strcmp(tok, "post:"))
				kmod_add_dep(m, tok);
	}
	fclose(f);
}

static int read_modules_dep(const char *dir)
{
	return read_deps(dir, true);
}

/* A tree's dependencies, hard and soft, by module name only. */
static int read_dep_names(const char *dir)
{
	int err = read_deps(dir, false);

	if (!err) {
		read_soft_deps(dir, "modules.softdep");
		read_soft_deps(dir, "modules.weakdep");
	}
	return err;
}

/* Whether a module may load: as a user's or as the kernel's modprobe. */
static bool info_allowed(const struct loadpol_policy *p, const struct module_info *m)
{
	struct loadpol_event ev = {
		.kind = LOADPOL_EV_LOAD,
		.name = m->name,
		.sha256 = m->digest,
		.sig_ok = m->has_sig,
	};
	struct loadpol_decision d;
	int origin;

	for (origin = 0; origin < 2; origin++) {
		ev.origin_kernel = origin;
		loadpol_decide(p, &ev, &d);
		if (d.action != LOADPOL_DENY || p->mode == LOADPOL_PERMISSIVE)
			return true;
	}
	return false;
}

/* Rules that match no module of the kernel (nor a built-in one). */
static unsigned int check_stale(const char *file, const char *version,
				const struct loadpol_policy *p,
				char **builtin, size_t nr_builtin)
{
	unsigned int warnings = 0;
	u32 i;
	size_t j;

	for (i = 0; i < p->nr_rules; i++) {
		const struct loadpol_rule *r = &p->rules[i];
		bool hit = false;
		char rule[LOADPOL_MAX_LINE + 64];

		if (!(r->keys & (BIT(LOADPOL_KEY_NAME) | BIT(LOADPOL_KEY_SHA256))))
			continue;
		for (j = 0; !hit && j < nr_kmods; j++) {
			const struct kmodule *m = &kmods[j];

			if ((r->keys & BIT(LOADPOL_KEY_SHA256)) &&
			    !(m->has_digest &&
			      !memcmp(r->sha256, m->info.digest, LOADPOL_DIGEST_SIZE)))
				continue;
			hit = !(r->keys & BIT(LOADPOL_KEY_NAME)) ||
			      loadpol_glob_match(r->name, m->file, true);
		}
		for (j = 0; !hit && j < nr_builtin; j++)
			hit = !(r->keys & BIT(LOADPOL_KEY_SHA256)) &&
			      loadpol_glob_match(r->name, builtin[j], true);
		if (hit)
			continue;
		loadpol_rule_print(r, rule, sizeof(rule));
		printf("%s:%u: warning: no module of %s matches '%s' (%s)\n", file,
		       r->line, version, rule,
		       r->keys & BIT(LOADPOL_KEY_SHA256) ?
		       "a pin of another build: regenerate it for this kernel" :
		       "renamed or removed?");
		warnings++;
	}
	return warnings;
}

/* Allowed modules whose dependencies the policy refuses. */
static unsigned int check_deps(const char *version)
{
	unsigned int problems = 0;
	size_t i, j;

	for (i = 0; i < nr_kmods; i++) {
		const struct kmodule *m = &kmods[i];

		if (!m->allowed)
			continue;
		for (j = 0; j < m->nr_deps; j++) {
			const struct kmodule *dep = kmod_find(m->deps[j]);

			if (!dep || dep->allowed)
				continue;
			printf("error: %s: %s is allowed, but %s, which it needs, is refused\n",
			       version, m->info.name,
			       dep->info.name[0] ? dep->info.name : dep->file);
			problems++;
		}
	}
	return problems;
}

/* modules.alias: "alias PATTERN NAME" lines. */
struct alias {
	char *pattern;
	char name[64];
};

static struct alias *read_aliases(const char *dir, size_t *nr)
{
	char path[4096 + 16], line[4096], pat[2048], name[64];
	struct alias *a = NULL, *more;
	FILE *f;

	*nr = 0;
	snprintf(path, sizeof(path), "%s/modules.alias", dir);
	f = fopen(path, "re");
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "alias %2047s %63s", pat, name) != 2)
			continue;
		more = realloc(a, (*nr + 1) * sizeof(*a));
		if (!more)
			break;
		a = more;
		a[*nr].pattern = strdup(pat);
		normalise(name);
		snprintf(a[*nr].name, sizeof(a[*nr].name), "%s", name);
		if (a[*nr].pattern)
			(*nr)++;
	}
	fclose(f);
	return a;
}

static void free_aliases(struct alias *a, size_t nr)
{
	while (nr--)
		free(a[nr].pattern);
	free(a);
}

/*
 * A rename: the module of the new tree (NEWA, its modules.alias) that has
 * one of the aliases module NAME has in the old one (OLDA), or NULL.
 */
static const struct alias *rename_of(const char *name, const struct alias *olda,
				     size_t nr_old, const struct alias *newa, size_t nr_new)
{
	size_t i, j;

	for (i = 0; i < nr_old; i++) {
		if (strcmp(olda[i].name, name))
			continue;
		for (j = 0; j < nr_new; j++)
			if (!strcmp(olda[i].pattern, newa[j].pattern) &&
			    strcmp(newa[j].name, name))
				return &newa[j];
	}
	return NULL;
}

/*
 * Whether the policy lets the module NAME of the kernel tree DIR load: 0
 * no, 1 yes, -1 when DIR has no module of that name.
 */
static int tree_allows(const struct loadpol_policy *p, const char *dir, const char *name)
{
	char path[4096 + 16384 + 16], line[16384], file[64];
	struct module_info m;
	int ret = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/modules.dep", dir);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (ret < 0 && fgets(line, sizeof(line), f)) {
		line[strcspn(line, ":")] = '\0';
		file_to_name(line, file, sizeof(file));
		if (strcmp(file, name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, line);
		ret = !inspect_module(path, &m) && info_allowed(p, &m);
	}
	fclose(f);
	return ret;
}

/*
 * The modules in use now (IN_USE, as /proc/modules lists them) that the
 * policy allows on the running kernel: the new kernel must allow them too,
 * under their name or, renamed, under the name that now has their aliases.
 * Adds to *problems what would break, and returns the warnings.
 */
static unsigned int check_in_use(const struct loadpol_policy *p, const char *root,
				 const char *version, const char *in_use,
				 char **builtin, size_t nr_builtin,
				 unsigned int *problems)
{
	char olddir[4096], newdir[4096], line[512], name[64];
	struct alias *olda, *newa;
	size_t nr_old, nr_new, j;
	unsigned int warnings = 0;
	struct utsname u;
	FILE *f;

	uname(&u);
	snprintf(olddir, sizeof(olddir), "%s/lib/modules/%s", root, u.release);
	snprintf(newdir, sizeof(newdir), "%s/lib/modules/%s", root, version);
	f = fopen(in_use, "re");
	if (!f || access(olddir, F_OK)) {
		printf("note: modules in use not checked: %s\n",
		       f ? "the running kernel's modules are not under that root" :
		       strerror(errno));
		if (f)
			fclose(f);
		return 0;
	}
	olda = read_aliases(olddir, &nr_old);
	newa = read_aliases(newdir, &nr_new);
	while (fgets(line, sizeof(line), f)) {
		const struct kmodule *m;
		const struct alias *to;

		if (sscanf(line, "%63s", name) != 1)
			continue;
		normalise(name);
		if (tree_allows(p, olddir, name) == 0)
			continue;	/* refused now too: loaded before the policy */
		m = kmod_find(name);
		if (m) {
			if (m->allowed)
				continue;
			printf("error: %s: %s is in use now, but the policy refuses %s's %s %s\n",
			       version, name, version, name,
			       "(no rule for it, or a pin of another build: regenerate the policy for this kernel)");
			(*problems)++;
			continue;
		}
		for (j = 0; j < nr_builtin && strcmp(builtin[j], name); j++)
			;
		if (j < nr_builtin)
			continue;
		to = rename_of(name, olda, nr_old, newa, nr_new);
		if (to) {
			m = kmod_find(to->name);
			printf("%s: %s: %s is in use now; %s has it as %s (alias %s), %s\n",
			       m && m->allowed ? "note" : "error", version, name,
			       version, to->name, to->pattern,
			       m && m->allowed ? "which the policy allows" :
			       "which the policy refuses");
			*problems += !(m && m->allowed);
		}
		if (!to) {
			printf("warning: %s: %s is in use now, and %s has %s\n", version, name,
			       version, "no module of that name or of its aliases (removed?)");
			warnings++;
		}
	}
	fclose(f);
	free_aliases(olda, nr_old);
	free_aliases(newa, nr_new);
	return warnings;
}

/* The modules an initramfs tree holds that the policy refuses (nftw). */
static struct {
	const struct loadpol_policy *p;
	char **refused;
	size_t nr_refused, nr_modules;
} ird;

static int ird_visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	struct module_info m;
	char **more;

	if (type != FTW_F || !strstr(path + ftw->base, ".ko"))
		return 0;
	ird.nr_modules++;
	if (inspect_module(path, &m)) {
		warnx_("%s: skipped: cannot read it as a module", path);
		return 0;
	}
	if (info_allowed(ird.p, &m))
		return 0;
	more = realloc(ird.refused, (ird.nr_refused + 1) * sizeof(*more));
	if (!more)
		return 0;
	ird.refused = more;
	ird.refused[ird.nr_refused] = strdup(m.name);
	if (ird.refused[ird.nr_refused])
		ird.nr_refused++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The modules of VERSION in the initramfs tree TREE that the policy
 * refuses.  A warning, not a problem: the initramfs loads them before the
 * policy is loaded at its end (under the boot default), so they break a
 * boot only under loadpol.default=deny or a built-in policy; after the
 * policy, the real root's copies are refused as any other module.
 */
static unsigned int check_initramfs(const struct loadpol_policy *p, const char *tree,
				    const char *version)
{
	char dir[4096];
	struct stat st;
	size_t i;

	memset(&ird, 0, sizeof(ird));
	ird.p = p;
	/* usr/lib/modules, or lib/modules where /lib is not a link to usr/lib. */
	snprintf(dir, sizeof(dir), "%s/usr/lib/modules/%s", tree, version);
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		snprintf(dir, sizeof(dir), "%s/lib/modules/%s", tree, version);
	if (nftw(dir, ird_visit, 16, FTW_PHYS)) {
		printf("warning: %s: %s: %s\n", version, dir, strerror(errno));
		return 1;
	}
	printf("%s: initramfs %s: %zu modules, %zu refused\n", version, tree,
	       ird.nr_modules, ird.nr_refused);
	if (!ird.nr_refused)
		return 0;
	qsort(ird.refused, ird.nr_refused, sizeof(*ird.refused), cmp_str);
	printf("warning: %s: the initramfs holds modules the policy refuses:", version);
	for (i = 0; i < ird.nr_refused; i++) {
		printf(" %s", ird.refused[i]);
		free(ird.refused[i]);
	}
	free(ird.refused);
	printf("; they load there only before the policy (not under loadpol.default=deny), %s\n",
	       "and are refused after it: allow them, or leave them out (MODULES=dep)");
	return 1;
}

static int check_kernel(const char *file, const struct loadpol_policy *p,
			const char *root, const char *version, const char *in_use,
			const char *initramfs)
{
	char dir[4096], path[4200];
	char **builtin;
	size_t nr_builtin = 0, i, allowed = 0;
	unsigned int warnings, problems;

	snprintf(dir, sizeof(dir), "%s/lib/modules/%s", root, version);
	if (read_modules_dep(dir))
		return 1;
	read_soft_deps(dir, "modules.softdep");
	read_soft_deps(dir, "modules.weakdep");
	snprintf(path, sizeof(path), "%s/modules.builtin", dir);
	builtin = read_builtin(path, &nr_builtin);
	for (i = 0; i < nr_kmods; i++) {
		kmods[i].allowed = kmods[i].has_digest && info_allowed(p, &kmods[i].info);
		allowed += kmods[i].allowed;
	}
	problems = check_deps(version);
	warnings = check_stale(file, version, p, builtin, nr_builtin);
	if (in_use)
		warnings += check_in_use(p, root, version, in_use, builtin, nr_builtin,
					 &problems);
	if (builtin)
		warnings += check_builtin(file, p, builtin, nr_builtin);
	if (initramfs)
		warnings += check_initramfs(p, initramfs, version);
	printf("%s: %s: %zu modules, %zu allowed, %zu built in; ", file, version,
	       nr_kmods, allowed, nr_builtin);
	printf("%u dependency problems, %u warnings\n", problems, warnings);
	for (i = 0; i < nr_builtin; i++)
		free(builtin[i]);
	free(builtin);
	return problems ? 5 : warnings ? 4 : 0;
}

static int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "builtin", required_argument, NULL, 'b' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "root", required_argument, NULL, 'r' },
		{ "in-use", required_argument, NULL, 'u' },
		{ "initramfs", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	struct loadpol_policy *p = NULL;
	const char *builtin_file = NULL, *version = NULL, *root = "", *in_use = NULL;
	const char *initramfs = NULL;
	char **builtin = NULL;
	size_t nr_builtin = 0, j;
	unsigned int warnings = 0;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			builtin_file = optarg;
			break;
		case 'k':
			version = optarg;
			break;
		case 'r':
			root = optarg;
			break;
		case 'u':
			in_use = optarg;
			break;
		case 'i':
			initramfs = optarg;
			break;
		case 'h':
			fputs(check_help, stdout);
			return 0;
		default:
			fputs(check_help, stderr);
			return 2;
		}
	}
	if (argc - optind != 1 || (initramfs && !version)) {
		fputs(check_help, stderr);
		return 2;
	}
	if (builtin_file) {
		builtin = read_builtin(builtin_file, &nr_builtin);
		if (!builtin) {
			warnx_("%s: %s", builtin_file, strerror(errno));
			return 1;
		}
	}
	if (parse_file(argv[optind], &p))
		return 1;
	if (version) {
		c = check_kernel(argv[optind], p, root, version, in_use, initramfs);
		loadpol_policy_free(p);
		return c;
	}
	if (builtin)
		warnings = check_builtin(argv[optind], p, builtin, nr_builtin);
	printf("%s: ok: %u rules, mode %s, default %s", argv[optind], p->nr_rules,
	       loadpol_mode_name(p->mode), loadpol_action_name(p->default_action));
	if (builtin)
		printf("; %u warnings (%zu built-in modules)", warnings, nr_builtin);
	printf("\n");
	for (j = 0; j < nr_builtin; j++)
		free(builtin[j]);
	free(builtin);
	loadpol_policy_free(p);
	return 0;
}

/* --- explain -------------------------------------------------------------- */

static const char *const explain_help =
	"usage: loadpolctl explain FILE MODULE.ko[.xz|.zst|.gz] [--signed | --cert CERTS]\n"
	"                          [--origin kernel|user] [--path PATH] [--as WHO]\n"
	"       loadpolctl explain FILE --request STRING [--as WHO]\n"
	"\n"
	"Decide a load of MODULE (its real name and digest, read from the file)\n"
	"or a kernel module request against the policy in FILE, with the kernel's\n"
	"matcher, and say which rule decides.  A load is taken as unsigned, by a\n"
	"user, from the module's own path, unless told otherwise.  With --cert,\n"
	"signed= is whether the module's appended signature verifies against a\n"
	"certificate in CERTS (PEM, one or more, or DER), as the kernel would with\n"
	"those keys in its keyring.  The requester\n"
	"(who asked: for a load by the kernel's modprobe, the task whose request\n"
	"it serves) is root of the initial user namespace, privileged, unless\n"
	"--as says otherwise: a comma-separated list of uid=N, userns=init|nested\n"
	"and privileged=yes|no, e.g. --as uid=1000,privileged=no.\n";

/*
 * The certificates of FILE: PEM (one or more, as a keyring's export or a
 * distribution's certificate file) or one DER certificate.
 */
static struct stack_st_X509 *read_certs(const char *path)
{
	struct stack_st_X509 *certs = sk_X509_new_null();
	BIO *bio = BIO_new_file(path, "rb");
	X509 *x;

	if (!certs || !bio)
		goto fail;
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)))
		sk_X509_push(certs, x);
	if (!sk_X509_num(certs)) {
		BIO_free(bio);
		bio = BIO_new_file(path, "rb");
		x = bio ? d2i_X509_bio(bio, NULL) : NULL;
		if (!x)
			goto fail;
		sk_X509_push(certs, x);
	}
	BIO_free(bio);
	ERR_clear_error();
	return certs;
fail:
	BIO_free(bio);
	sk_X509_pop_free(certs, X509_free);
	return NULL;
}

/*
 * Whether the appended signature of the module at @path verifies against
 * one of @certs, as the kernel checks it: a detached PKCS#7/CMS signature
 * over the image before it, whose signer's certificate is taken as trusted
 * (the kernel trusts its keyring's keys).  1 verifies, 0 does not (@why
 * says why), -errno when the file cannot be read.
 */
static int verify_signature(const char *path, struct stack_st_X509 *certs,
			    char *why, size_t size)
{
	static const char marker[] = "~Module signature appended~\n";
	const size_t mlen = sizeof(marker) - 1, ilen = 12;
	CMS_ContentInfo *cms = NULL;
	BIO *sig = NULL, *data = NULL;
	unsigned char *img, *info;
	size_t len, sig_len;
	int err = read_module(path, &img, &len), ok = 0;

	if (err)
		return err;
	snprintf(why, size, "no appended signature");
	if (len <= mlen + ilen || memcmp(img + len - mlen, marker, mlen))
		goto out;
	info = img + len - mlen - ilen;
	sig_len = (size_t)info[8] << 24 | info[9] << 16 | info[10] << 8 | info[11];
	snprintf(why, size, "a malformed signature trailer");
	if (sig_len > len - mlen - ilen)
		goto out;
	snprintf(why, size, "not a PKCS#7 signature (id_type %u)", info[2]);
	if (info[2] != 2)
		goto out;
	len -= mlen + ilen + sig_len;
	sig = BIO_new_mem_buf(img + len, sig_len);
	data = BIO_new_mem_buf(img, len);
	cms = sig && data ? d2i_CMS_bio(sig, NULL) : NULL;
	snprintf(why, size, "the signature does not parse as PKCS#7");
	if (!cms)
		goto out;
	ok = CMS_verify(cms, certs, NULL, data, NULL,
			CMS_BINARY | CMS_NOINTERN | CMS_NO_SIGNER_CERT_VERIFY) == 1;
	if (!ok)
		snprintf(why, size, "%s", ERR_reason_error_string(ERR_peek_last_error()) ?:
			 "it does not verify");
out:
	ERR_clear_error();
	CMS_ContentInfo_free(cms);
	BIO_free(sig);
	BIO_free(data);
	free(img);
	return ok;
}

/* --as uid=N,userns=init|nested,privileged=yes|no */
static int parse_as(char *spec, struct loadpol_event *ev)
{
	char *item, *save = NULL;

	for (item = strtok_r(spec, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *end;

		if (!strncmp(item, "uid=", 4)) {
			unsigned long uid = strtoul(item + 4, &end, 10);

			if (end == item + 4 || *end || uid > 4294967294UL)
				return -1;
			ev->uid = uid;
		} else if (!strcmp(item, "userns=init") || !strcmp(item, "userns=nested")) {
			ev->userns_nested = !strcmp(item, "userns=nested");
		} else if (!strcmp(item, "privileged=yes") || !strcmp(item, "privileged=no")) {
			ev->unprivileged = !strcmp(item, "privileged=no");
		} else {
			return -1;
		}
	}
	return 0;
}

static int cmd_explain(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "request", required_argument, NULL, 'r' },
		{ "signed", no_argument, NULL, 's' },
		{ "cert", required_argument, NULL, 'c' },
		{ "origin", required_argument, NULL, 'o' },
		{ "path", required_argument, NULL, 'p' },
		{ "as", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	struct loadpol_event ev = { .kind = LOADPOL_EV_LOAD };
	struct loadpol_policy *p = NULL;
	struct loadpol_decision d;
	struct module_info m;
	const char *module = NULL, *cert = NULL;
	char rule[LOADPOL_MAX_LINE + 64], why[128];
	int c, err;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			ev.kind = LOADPOL_EV_REQUEST;
			ev.request = optarg;
			break;
		case 's':
			ev.sig_ok = true;
			break;
		case 'c':
			cert = optarg;
			break;
		case 'o':
			if (strcmp(optarg, "kernel") && strcmp(optarg, "user")) {
				warnx_("--origin takes kernel or user");
				return 2;
			}
			ev.origin_kernel = !strcmp(optarg, "kernel");
			break;
		case 'p':
			ev.path = optarg;
			break;
		case 'a':
			if (parse_as(optarg, &ev)) {
				warnx_("--as takes uid=N,userns=init|nested,privileged=yes|no");
				return 2;
			}
			break;
		case 'h':
			fputs(explain_help, stdout);
			return 0;
		default:
			fputs(explain_help, stderr);
			return 2;
		}
	}
	if (ev.kind == LOADPOL_EV_LOAD && argc - optind == 2 && !(cert && ev.sig_ok)) {
		module = argv[optind + 1];
	} else if (!(ev.kind == LOADPOL_EV_REQUEST && argc - optind == 1 && !cert)) {
		fputs(explain_help, stderr);
		return 2;
	}
	if (parse_file(argv[optind], &p))
		return 1;
	if (module) {
		err = inspect_module(module, &m);
		if (err) {
			warnx_("%s: %s", module, err == -EBADMSG ?
			       "not a kernel module (or corrupt)" : strerror(-err));
			loadpol_policy_free(p);
			return 1;
		}
		if (cert) {
			struct stack_st_X509 *certs = read_certs(cert);

			if (!certs) {
				warnx_("%s: no X.509 certificate in it (PEM or DER)", cert);
				loadpol_policy_free(p);
				return 1;
			}
			err = verify_signature(module, certs, why, sizeof(why));
			sk_X509_pop_free(certs, X509_free);
			if (err < 0) {
				warnx_("%s: %s", module, strerror(-err));
				loadpol_policy_free(p);
				return 1;
			}
			ev.sig_ok = err;
		}
		ev.name = m.name;
		ev.sha256 = m.digest;
		if (!ev.path)
			ev.path = module;
		printf("load of %s: name=%s sha256=%s signed=%s origin=%s path=%s\n",
		       module, m.name, m.hex, ev.sig_ok ? "yes" : "no",
		       ev.origin_kernel ? "kernel" : "user", ev.path);
		/* signed= is what the kernel's verification says: say what was assumed. */
		if (cert && ev.sig_ok)
			printf("note: %s's appended signature verifies against %s: %s\n", module,
			       cert, "signed=yes, as the kernel says with that key in its keyring");
		else if (cert)
			printf("note: %s: signed=no (%s; checked against %s)\n", module, why, cert);
		else if (m.has_sig && !ev.sig_ok)
			printf("note: %s carries an appended signature; %s\n", module,
			       "taken as signed=no (the kernel says signed=yes only if it verifies it against its keys: give them with --cert, or add --signed to explain that case)");
		else if (!m.has_sig && ev.sig_ok)
			printf("note: %s carries no signature; %s\n", module,
			       "taken as signed=yes because of --signed, which the kernel would never say of it");
	} else {
		printf("request: request=%s\n", ev.request);
	}
	printf("requester: userns=%s privileged=%s uid=%u\n",
	       ev.userns_nested ? "nested" : "init", ev.unprivileged ? "no" : "yes",
	       ev.uid);
	loadpol_decide(p, &ev, &d);
	if (d.rule < 0) {
		printf("%s: no rule matches; the default decides\n",
		       loadpol_action_name(d.action));
	} else {
		loadpol_rule_print(&p->rules[d.rule], rule, sizeof(rule));
		printf("%s: rule %d (%s line %u) is the first that matches: %s\n",
		       loadpol_action_name(d.action), d.rule + 1, argv[optind],
		       p->rules[d.rule].line, rule);
	}
	if (p->mode == LOADPOL_PERMISSIVE && d.action == LOADPOL_DENY)
		printf("(mode permissive: recorded, not refused)\n");
	loadpol_policy_free(p);
	return d.action == LOADPOL_DENY ? 3 : 0;
}

/* --- generate ------------------------------------------------------------- */

static const char *const generate_help =
	"usage: loadpolctl generate [--hash] [--from-loaded [--in-use LIST]] [--from-audit FILE]\n"
	"                           [DIR | [--root ROOT] [--kernel VERSION | --all-kernels]]\n"
	"\n"
	"Print a policy allowing every module under DIR (default\n"
	"ROOT/lib/modules/$(uname -r), or VERSION's modules with --kernel, or\n"
	"every installed kernel's with --all-kernels, so that a policy pinned\n"
	"with --hash still lets the previous kernel boot (a module built the\n"
	"same in two trees is pinned once); ROOT is / unless\n"
	"--root says otherwise; .ko, .ko.xz, .ko.zst, .ko.gz, recursively),\n"
	"or only those now loaded (--from-loaded, /proc/modules), or only those\n"
	"loaded and the module requests made while the records in FILE were\n"
	"written (--from-audit; both: either), by name or, with --hash, pinned by\n"
	"the SHA-256 the kernel computes.  Everything else is denied.  The output\n"
	"is sorted, the same for the same modules.\n"
	"\n"
	"With --from-loaded or --from-audit, the policy for a tree follows the\n"
	"modules it chose there: a module the tree does not have is followed to\n"
	"the one that has its aliases (the running kernel's modules.alias against\n"
	"the tree's: a rename), and what the chosen modules need there (modules.dep,\n"
	"softdep, weakdep) is added, each with a comment saying why.  So\n"
	"\"generate --hash --from-loaded --kernel NEW\" is the policy of what this\n"
	"machine uses, for a kernel just installed.  LIST (--in-use) replaces\n"
	"/proc/modules.\n"
	"\n"
	"FILE (- for standard input) holds loadpol's decision records as auditd's\n"
	"log, ausearch --raw or -i, or loadpolctl watch (text or --json) writes\n"
	"them: a learning boot's, under \"mode permissive\" and \"default audit\".\n"
	"Loads and requests the kernel refused are left out (they did not\n"
	"happen), and so are records of repeats.  A comment on each rule says\n"
	"where it came from.  Records some users' decisions were not written for\n"
	"(op=rate_limit) make a warning: the policy may miss what they did.\n";

/* What a learning boot's records show was loaded or requested. */
struct learned {
	char what[256];
	bool request;
	bool has_digest;
	bool pinned;		/* a rule was written for it */
	u8 digest[LOADPOL_DIGEST_SIZE];
	char where[192];	/* FILE:LINE and who, for the rule's comment */
};

static struct learned *learned;
static size_t nr_learned;

static const char *field(const char *rec, const char *key, char *buf, size_t size);

static struct learned *learned_find(bool request, const char *what)
{
	size_t i;

	for (i = 0; i < nr_learned; i++)
		if (learned[i].request == request && !strcmp(learned[i].what, what))
			return &learned[i];
	return NULL;
}

/* The value of "key":"value" in a line loadpolctl watch --json wrote. */
static const char *json_field(const char *line, const char *key, char *buf, size_t size)
{
	char needle[80];
	const char *v;
	size_t n = 0;

	snprintf(needle, sizeof(needle), "\"%s\":\"", key);
	v = strstr(line, needle);
	if (!v)
		return NULL;
	for (v += strlen(needle); *v && *v != '"' && n < size - 1; v++) {
		if (*v == '\\' && v[1] == 'u' && strlen(v) >= 6) {
			buf[n++] = strtol((char[]){ v[4], v[5], '\0' }, NULL, 16);
			v += 5;
		} else {
			if (*v == '\\' && v[1])
				v++;
			buf[n++] = *v;
		}
	}
	buf[n] = '\0';
	return buf;
}

/* A field of a record, in whichever form the line has. */
static const char *rec_field(const char *line, bool json, const char *key,
			     char *buf, size_t size)
{
	return json ? json_field(line, key, buf, size) : field(line, key, buf, size);
}

/* The name or request string after @marker in a watch text line. */
static const char *text_subject(const char *line, const char *marker, char *buf,
				size_t size)
{
	const char *v = strstr(line, marker);
	size_t n;

	if (!v)
		return NULL;
	v += strlen(marker);
	n = strcspn(v, ", ");
	if (!n || n >= size)
		return NULL;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return buf;
}

static int parse_digest(const char *hexstr, u8 *digest)
{
	int i;

	if (strlen(hexstr) != 2 * LOADPOL_DIGEST_SIZE ||
	    strspn(hexstr, "0123456789abcdef") != 2 * LOADPOL_DIGEST_SIZE)
		return -EINVAL;
	for (i = 0; i < LOADPOL_DIGEST_SIZE; i++)
		if (sscanf(hexstr + 2 * i, "%2hhx", &digest[i]) != 1)
			return -EINVAL;
	return 0;
}

static void learn(bool request, const char *what, const char *digest,
		  const char *where)
{
	struct learned *l;

	if (!request)
		normalise((char *)what);
	l = learned_find(request, what);
	if (!l) {
		l = realloc(learned, (nr_learned + 1) * sizeof(*learned));
		if (!l)
			return;
		learned = l;
		l = &learned[nr_learned++];
		memset(l, 0, sizeof(*l));
		l->request = request;
		snprintf(l->what, sizeof(l->what), "%s", what);
		snprintf(l->where, sizeof(l->where), "%s", where);
	}
	if (digest && !l->has_digest && !parse_digest(digest, l->digest))
		l->has_digest = true;
}

/* Counts of what a records file held beside what was learned. */
struct learn_counts {
	unsigned long records, refused, repeats, dropped;
};

/*
 * One line of @file: a decision record in auditd's, ausearch's or
 * loadpolctl watch's form; anything else is skipped.
 */
static void learn_line(const char *line, const char *file, unsigned long nr,
		       struct learn_counts *c)
{
	bool json = line[0] == '{', request, text = false;
	char op[32], what[256], buf[128], who[64], where[192];
	const char *type = strstr(line, "type=");

	/* auditd and ausearch: records of other types are not ours. */
	if (json ? !strstr(line, "\"type\":1460,") :
	    type && !strstr(line, "[1460]") && strncmp(type, "type=1460 ", 10))
		return;
	if (rec_field(line, json, "op", op, sizeof(op))) {
		if (!strcmp(op, "rate_limit")) {
			if (rec_field(line, json, "lp_dropped", buf, sizeof(buf)))
				c->dropped += strtoul(buf, NULL, 10);
			return;
		}
		if (strcmp(op, "load") && strcmp(op, "request"))
			return;
		request = !strcmp(op, "request");
		if (!rec_field(line, json, request ? "request" : "name", what,
			       sizeof(what)))
			return;
	} else if (!type && !json && strstr(line, " more decisions of users")) {
		/* watch: "N more decisions of users other than root not ..." */
		const char *n = strchr(line, ' ');

		c->dropped += n ? strtoul(n + 1, NULL, 10) : 0;
		return;
	} else if (!type && !json &&
		   (text_subject(line, " load of ", what, sizeof(what)) ||
		    text_subject(line, " request ", what, sizeof(what)))) {
		request = !strstr(line, " load of ");
		text = true;
	} else {
		return;
	}
	c->records++;
	if (text ? !!strstr(line, " again ") :
	    !!rec_field(line, json, "lp_repeats", buf, sizeof(buf))) {
		c->repeats++;
		return;
	}
	/* Refused while enforcing: it did not happen. */
	if (text ? (!strncmp(strchr(line, ' ') ? strchr(line, ' ') + 1 : line,
			     "DENY ", 5)) :
	    (rec_field(line, json, "res", buf, sizeof(buf)) &&
	     (!strcmp(buf, "0") || !strcmp(buf, "no")))) {
		c->refused++;
		return;
	}
	if (text) {
		const char *by = strstr(line, ", by ");

		snprintf(who, sizeof(who), "%.*s", by ? (int)strcspn(by + 5, " ") : 0,
			 by ? by + 5 : "");
	} else if (!rec_field(line, json, "comm", who, sizeof(who))) {
		who[0] = '\0';
	}
	if (request || !(text ? text_subject(line, ", origin ", buf, sizeof(buf)) :
			 rec_field(line, json, "origin", buf, sizeof(buf))))
		buf[0] = '\0';
	snprintf(where, sizeof(where), "%s:%lu%s%s%s%s", file, nr,
		 who[0] ? " by " : "", who, buf[0] ? ", origin " : "", buf);
	learn(request, what, request || text ? NULL :
	      rec_field(line, json, "sha256", buf, sizeof(buf)), where);
}

/* Learn from every record of @file; -errno when it cannot be read. */
static int learn_file(const char *file, struct learn_counts *c)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "re") : stdin;
	unsigned long nr = 0;
	char *line = NULL;
	size_t size = 0;
	ssize_t len;

	if (!f)
		return -errno;
	while ((len = getline(&line, &size, f)) > 0) {
		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		learn_line(line, file, ++nr, c);
	}
	free(line);
	if (f != stdin)
		fclose(f);
	fprintf(stderr,
		"%s: %s: %lu lines, %lu decision records: %zu modules and requests learned, %lu refused and %lu repeats left out\n",
		prog, file, nr, c->records, nr_learned, c->refused, c->repeats);
	if (!c->records)
		fprintf(stderr,
			"%s: warning: %s holds no loadpol decision record: the policy allows nothing it did not find otherwise; was it written by a learning boot (loadpol.default=audit, a policy of \"mode permissive\" and \"default audit\")?\n",
			prog, file);
	if (c->dropped)
		fprintf(stderr,
			"%s: warning: %s says %lu decisions of users other than root were not recorded (op=rate_limit): the policy may miss what they loaded or requested; learn again, or add rules for them by hand\n",
			prog, file, c->dropped);
	return 0;
}

static int by_what(const void *a, const void *b)
{
	const struct learned *x = a, *y = b;

	return x->request != y->request ? x->request - y->request :
	       strcmp(x->what, y->what);
}

static struct module_info *found;
static size_t nr_found, nr_files;
static int walk_err;

static int walk_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	struct module_info *m;
	int err;

	if (type != FTW_F || !(ends_with(path, ".ko") || ends_with(path, ".ko.xz") ||
			       ends_with(path, ".ko.zst") || ends_with(path, ".ko.gz")))
		return 0;
	m = realloc(found, (nr_found + 1) * sizeof(*found));
	if (!m) {
		walk_err = -ENOMEM;
		return 1;
	}
	found = m;
	m = &found[nr_found];
	err = inspect_module(path, m);
	if (err) {
		warnx_("%s: skipped: %s", path, err == -EBADMSG ?
		       "not a kernel module (or corrupt)" : strerror(-err));
		return 0;
	}
	m->path = strdup(path);
	nr_found++;
	if (++nr_files % 500 == 0)
		fprintf(stderr, "%s: %zu modules read\n", prog, nr_files);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	const struct module_info *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->path, y->path);
}

/* The modules in use: /proc/modules, or a list in its format (--in-use). */
static const char *in_use_list = "/proc/modules";

static bool loaded(const char *name)
{
	static char *list;
	char line[512], needle[80];

	if (!list) {
		FILE *f = fopen(in_use_list, "re");
		size_t len = 0;

		list = calloc(1, 2);
		if (!f || !list)
			return false;
		list[0] = '\n';
		while (fgets(line, sizeof(line), f)) {
			size_t n = strcspn(line, " ");
			char *l = realloc(list, len + n + 3);

			if (!l)
				break;
			list = l;
			memcpy(list + len + 1, line, n);
			len += n + 1;
			list[len] = '\n';
			list[len + 1] = '\0';
		}
		fclose(f);
	}
	snprintf(needle, sizeof(needle), "\n%s\n", name);
	normalise(needle);
	return strstr(list, needle);
}

/* A request string as a rule's value: glob characters made literal. */
static bool request_value(const char *req, char *out, size_t size)
{
	size_t n = 0;

	for (; *req; req++) {
		bool meta = !!strchr("*?[", *req);

		if (*req <= ' ' || *req == '#' || *req == '\\' || *req > '~' ||
		    n + (meta ? 3 : 1) >= size)
			return false;
		if (meta) {
			out[n++] = '[';
			out[n++] = *req;
			out[n++] = ']';
		} else {
			out[n++] = *req;
		}
	}
	out[n] = '\0';
	return true;
}

/* Rules for what the records showed and the tree did not have. */
static size_t print_learned(bool hash, const char *dir)
{
	char value[LOADPOL_MAX_LINE / 2], hexd[2 * LOADPOL_DIGEST_SIZE + 1];
	size_t i, n = 0;

	qsort(learned, nr_learned, sizeof(*learned), by_what);
	for (i = 0; i < nr_learned; i++) {
		const struct learned *l = &learned[i];

		if (l->pinned)
			continue;
		if (l->request) {
			if (request_value(l->what, value, sizeof(value))) {
				printf("allow request=%s  # %s\n", value, l->where);
				n++;
			} else {
				printf("# not made a rule: a request for '%s' (%s)\n",
				       l->what, l->where);
			}
		} else if (hash && l->has_digest) {
			hex(l->digest, hexd);
			printf("allow sha256=%s  # %s, %s, not under %s\n", hexd,
			       l->what, l->where, dir);
			n++;
		} else {
			printf("allow name=%s  # %s%s%s\n", l->what, l->where,
			       hash ? ": not under " : "", hash ? dir : "");
			n++;
		}
	}
	return n;
}

/*
 * Modules of the tree a policy for another kernel needs beyond those loaded
 * or learned by name: the new name of a renamed one, and what they need.
 */
struct wanted {
	char name[64];
	char why[160];
};

static struct wanted *wanted;
static size_t nr_wanted;

static struct wanted *wanted_find(const char *name)
{
	size_t i;

	for (i = 0; i < nr_wanted; i++)
		if (!strcmp(wanted[i].name, name))
			return &wanted[i];
	return NULL;
}

static bool want(const char *name, const char *why)
{
	struct wanted *w;

	if (wanted_find(name))
		return false;
	w = realloc(wanted, (nr_wanted + 1) * sizeof(*wanted));
	if (!w)
		return false;
	wanted = w;
	w = &wanted[nr_wanted++];
	snprintf(w->name, sizeof(w->name), "%s", name);
	snprintf(w->why, sizeof(w->why), "%s", why);
	return true;
}

/* Whether the tree DIR (a prefix of the files found) has module NAME. */
static bool in_tree(const char *dir, const char *name)
{
	size_t i, n = strlen(dir);

	for (i = 0; i < nr_found; i++)
		if (!strcmp(found[i].name, name) && !strncmp(found[i].path, dir, n) &&
		    found[i].path[n] == '/')
			return true;
	return false;
}

static bool chosen(const char *name, bool from_loaded, bool from_audit)
{
	return (from_loaded && loaded(name)) ||
	       (from_audit && learned_find(false, name)) || wanted_find(name);
}

/* A module the tree DIR does not have: the one that has its aliases there. */
static void follow_rename(const char *dir, const char *name, struct alias *olda,
			  size_t nr_old, struct alias *newa, size_t nr_new)
{
	const struct alias *to = rename_of(name, olda, nr_old, newa, nr_new);
	char why[160];

	if (!to || !in_tree(dir, to->name))
		return;
	snprintf(why, sizeof(why), "%s renamed: alias %s", name, to->pattern);
	want(to->name, why);
}

/*
 * For a policy of the modules loaded or learned, made from another kernel's
 * tree DIR: follow renames (the running kernel's modules.alias against
 * DIR's), then add what the chosen modules need in DIR (modules.dep,
 * softdep, weakdep), until nothing is added.
 */
static void follow_tree(const char *root, const char *dir, bool from_loaded,
			bool from_audit)
{
	char olddir[4096], line[512], name[64], why[160];
	struct alias *olda, *newa;
	size_t nr_old, nr_new, i, j;
	struct utsname u;
	bool more = true;
	FILE *f;

	uname(&u);
	snprintf(olddir, sizeof(olddir), "%s/lib/modules/%s", root, u.release);
	olda = read_aliases(olddir, &nr_old);
	newa = read_aliases(dir, &nr_new);
	f = from_loaded ? fopen(in_use_list, "re") : NULL;
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s", name) != 1)
			continue;
		normalise(name);
		if (!in_tree(dir, name))
			follow_rename(dir, name, olda, nr_old, newa, nr_new);
	}
	if (f)
		fclose(f);
	for (i = 0; from_audit && i < nr_learned; i++)
		if (!learned[i].request && !in_tree(dir, learned[i].what))
			follow_rename(dir, learned[i].what, olda, nr_old, newa, nr_new);
	free_aliases(olda, nr_old);
	free_aliases(newa, nr_new);

	snprintf(olddir, sizeof(olddir), "%s/modules.dep", dir);
	if (access(olddir, R_OK) || read_dep_names(dir))
		return;
	while (more) {
		more = false;
		for (i = 0; i < nr_kmods; i++) {
			if (!chosen(kmods[i].file, from_loaded, from_audit))
				continue;
			for (j = 0; j < kmods[i].nr_deps; j++) {
				if (chosen(kmods[i].deps[j], from_loaded, from_audit))
					continue;
				snprintf(why, sizeof(why), "needed by %s", kmods[i].file);
				more |= want(kmods[i].deps[j], why);
			}
		}
	}
}

/*
 * With --all-kernels, the same build of a module in two trees (a module an
 * upgrade did not change) has one pin; its comment names every file.
 * found[] is sorted by name, so those files are next to each other.
 */
static bool same_build_before(size_t i)
{
	size_t j;

	for (j = i; j-- && !strcmp(found[j].name, found[i].name);)
		if (!strcmp(found[j].hex, found[i].hex))
			return true;
	return false;
}

static void print_same_build_after(size_t i, size_t dirlen)
{
	size_t j;

	for (j = i + 1; j < nr_found && !strcmp(found[j].name, found[i].name); j++) {
		const char *rel = found[j].path + dirlen;

		if (!strcmp(found[j].hex, found[i].hex))
			printf(", %s", *rel == '/' ? rel + 1 : rel);
	}
}

/* follow_tree() on DIR, or with --all-kernels on each kernel's tree in it. */
static void follow_trees(const char *root, const char *dir, bool all,
			 bool from_loaded, bool from_audit)
{
	char sub[4096 + 256 + 2];
	struct dirent *e;
	DIR *d;

	if (!all) {
		follow_tree(root, dir, from_loaded, from_audit);
		return;
	}
	d = opendir(dir);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		follow_tree(root, sub, from_loaded, from_audit);
	}
	if (d)
		closedir(d);
}

static int cmd_generate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hash", no_argument, NULL, 'H' },
		{ "from-loaded", no_argument, NULL, 'l' },
		{ "from-audit", required_argument, NULL, 'a' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "all-kernels", no_argument, NULL, 'A' },
		{ "root", required_argument, NULL, 'R' },
		{ "in-use", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	bool hash = false, from_loaded = false, all = false;
	const char *from_audit = NULL, *version = NULL, *root = "";
	struct learn_counts counts = {};
	char dir[512];
	struct utsname u;
	size_t i, n = 0;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			hash = true;
			break;
		case 'l':
			from_loaded = true;
			break;
		case 'a':
			from_audit = optarg;
			break;
		case 'k':
			version = optarg;
			break;
		case 'A':
			all = true;
			break;
		case 'R':
			root = optarg;
			break;
		case 'u':
			in_use_list = optarg;
			break;
		case 'h':
			fputs(generate_help, stdout);
			return 0;
		default:
			fputs(generate_help, stderr);
			return 2;
		}
	}
	if (argc - optind > 1 || (argc - optind == 1 && (version || all || *root)) ||
	    (version && all) || (version && strchr(version, '/'))) {
		fputs(generate_help, stderr);
		return 2;
	}
	if (argc - optind == 1) {
		snprintf(dir, sizeof(dir), "%s", argv[optind]);
	} else if (all) {
		snprintf(dir, sizeof(dir), "%s/lib/modules", root);
	} else if (version) {
		snprintf(dir, sizeof(dir), "%s/lib/modules/%s", root, version);
	} else {
		uname(&u);
		snprintf(dir, sizeof(dir), "%s/lib/modules/%s", root, u.release);
	}
	if (from_audit) {
		c = learn_file(from_audit, &counts);
		if (c) {
			warnx_("%s: %s", from_audit, strerror(-c));
			return 1;
		}
	}
	fprintf(stderr, "%s: reading the modules under %s\n", prog, dir);
	if (nftw(dir, walk_one, 32, FTW_PHYS) || walk_err) {
		warnx_("%s: %s", dir, strerror(walk_err ? -walk_err : errno));
		if (!from_audit || from_loaded)
			return 1;
		nr_found = 0;
	}
	for (i = 0; i < nr_found; i++)
		normalise(found[i].name);
	qsort(found, nr_found, sizeof(*found), by_name);
	if (nr_found && (from_loaded || from_audit))
		follow_trees(root, dir, all, from_loaded, from_audit);
	printf("# loadpol policy generated by loadpolctl generate%s%s%s%s: ",
	       hash ? " --hash" : "", from_loaded ? " --from-loaded" : "",
	       from_audit ? " --from-audit " : "", from_audit ?: "");
	printf("the modules %s%s%s%s%s%s\n",
	       from_loaded ? "loaded now" : "", from_loaded && from_audit ? " or " : "",
	       from_audit ? "loaded while the records were written" : "",
	       from_loaded || from_audit ? ", found under " : "under ", dir,
	       from_audit ? ", and the module requests made" : "");
	printf("mode enforce\ndefault deny\n");
	for (i = 0; i < nr_found; i++) {
		const char *rel = found[i].path + strlen(dir);
		struct learned *l = from_audit ? learned_find(false, found[i].name) : NULL;
		bool now = from_loaded && loaded(found[i].name);
		const struct wanted *w = wanted_find(found[i].name);
		char why[256] = "";

		if ((from_loaded || from_audit) && !now && !l && !w)
			continue;
		if (l) {
			l->pinned = true;
			snprintf(why, sizeof(why), "%s", now ? "loaded now; " : "");
			snprintf(why + strlen(why), sizeof(why) - strlen(why), "%s", l->where);
		} else if (w && !now) {
			snprintf(why, sizeof(why), "%s", w->why);
		} else if (from_audit) {
			snprintf(why, sizeof(why), "loaded now");
		}
		if (hash) {
			if (all && same_build_before(i))
				continue;
			printf("allow sha256=%s  # %s %s", found[i].hex, found[i].name,
			       *rel == '/' ? rel + 1 : rel);
			if (all)
				print_same_build_after(i, strlen(dir));
			printf("%s%s\n", why[0] ? "; " : "", why);
		} else {
			if (i && !strcmp(found[i].name, found[i - 1].name))
				continue;
			printf("allow name=%s%s%s\n", found[i].name, why[0] ? "  # " : "", why);
		}
		n++;
	}
	if (from_audit)
		n += print_learned(hash, dir);
	fprintf(stderr, "%s: %zu modules read, %zu rules written\n", prog, nr_found, n);
	return 0;
}

/* --- load, lock, status --------------------------------------------------- */

/* What loadpol.default=VALUE does to every event. */
static const char *boot_default_meaning(const void *value)
{
	if (!strcmp(value, "deny"))
		return "denied";
	if (!strcmp(value, "audit"))
		return "allowed and recorded";
	return "allowed";
}

static bool is_locked(void)
{
	char v[8] = "";
	int fd = open(LOCKED_SYSCTL, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (read(fd, v, sizeof(v) - 1) < 0)
			v[0] = '\0';
		close(fd);
	}
	return v[0] == '1';
}

/* Say why the kernel refused a policy write or a lock. */
static void explain_refusal(int err, const char *what)
{
	switch (err) {
	case ENOENT:
		warnx_("%s: loadpol is not active (securityfs not mounted, or no loadpol in lsm=?)",
		       what);
		break;
	case EACCES:
		warnx_("%s: permission denied: run as root", what);
		break;
	case EPERM:
		if (is_locked())
			warnx_("%s: refused: the policy is locked until reboot; %s", what,
			       "only the locked policy with deny rules added in front of it is accepted (loadpolctl tighten)");
		else
			warnx_("%s: refused: needs CAP_MAC_ADMIN in the initial user namespace",
			       what);
		break;
	case EBUSY:
		warnx_("%s: another process is writing the policy now; try again", what);
		break;
	default:
		warnx_("%s: %s", what, strerror(err));
	}
}

static const char *const load_help =
	"usage: loadpolctl load FILE\n"
	"\n"
	"Check FILE, then write it to " POLICY_FILE ", where it replaces the\n"
	"live policy at once, whole, or not at all.  Says why the kernel refused.\n";

/* Write a policy text to the kernel, whole; 0, or 1 with the reason said. */
static int write_policy(const unsigned char *text, size_t len)
{
	size_t off = 0;
	int fd = open(POLICY_FILE, O_WRONLY | O_CLOEXEC);

	if (fd < 0) {
		explain_refusal(errno, POLICY_FILE);
		return 1;
	}
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0) {
			explain_refusal(errno, POLICY_FILE);
			close(fd);
			return 1;
		}
		off += n;
	}
	/* The policy takes effect, or is refused, here. */
	if (close(fd)) {
		explain_refusal(errno, POLICY_FILE);
		return 1;
	}
	return 0;
}

static int cmd_load(int argc, char **argv)
{
	struct loadpol_policy *p = NULL;
	unsigned char *text;
	size_t len;
	int err;

	if (argc != 2) {
		fputs(load_help, stderr);
		return 2;
	}
	if (parse_file(argv[1], &p))
		return 1;
	loadpol_policy_free(p);
	err = read_all(argv[1], &text, &len);
	if (err) {
		warnx_("%s: %s", argv[1], strerror(-err));
		return 1;
	}
	err = write_policy(text, len);
	free(text);
	if (!err)
		printf("%s: loaded\n", argv[1]);
	return err;
}

static const char *const tighten_help =
	"usage: loadpolctl tighten RULE...\n"
	"\n"
	"Add deny rules in front of the live policy: each RULE is one rule, as\n"
	"in a policy file (\"deny name=algif_aead\", or just \"name=algif_aead\").\n"
	"The only change the kernel accepts once the policy is locked: it can\n"
	"refuse more, never allow more.  The rules are checked before anything\n"
	"is written.\n";

static int cmd_tighten(int argc, char **argv)
{
	struct loadpol_policy *live = NULL, *p = NULL;
	struct loadpol_parse_error error;
	unsigned char *text = NULL;
	char *header_end, *out = NULL, *canonical = NULL;
	size_t len, size = 0;
	FILE *f;
	int i, err = 1;

	if (argc < 2) {
		fputs(tighten_help, stderr);
		return 2;
	}
	err = read_all(POLICY_FILE, &text, &len);
	if (err) {
		explain_refusal(-err, POLICY_FILE);
		return 1;
	}
	err = 1;
	/* No policy yet: the boot default decides, as a policy of no rules. */
	if (!len) {
		unsigned char *def = NULL;
		size_t dlen = 0;

		if (read_all(DEFAULT_PARAM, &def, &dlen) || !dlen) {
			warnx_("no policy in force, and %s unreadable", DEFAULT_PARAM);
			free(def);
			goto out;
		}
		free(text);
		text = malloc(dlen + 32);
		if (!text) {
			free(def);
			goto out;
		}
		len = sprintf((char *)text, "mode enforce\ndefault %.*s\n",
			      (int)strcspn((char *)def, "\n"), def);
		free(def);
	}
	/* The live policy, canonical: "mode ...\ndefault ...\n" then rules. */
	if (loadpol_policy_parse((char *)text, len, &live, &error)) {
		warnx_("%s:%u: %s", POLICY_FILE, error.line, error.msg);
		goto out;
	}
	canonical = loadpol_policy_text(live, &len);
	if (!canonical)
		goto out;
	header_end = strchr(strchr(canonical, '\n') + 1, '\n') + 1;
	f = open_memstream(&out, &size);
	if (!f)
		goto out;
	fwrite(canonical, 1, header_end - canonical, f);
	for (i = 1; i < argc; i++) {
		const char *rule = argv[i];

		while (*rule == ' ' || *rule == '\t')
			rule++;
		if (!strncmp(rule, "allow", 5) || !strncmp(rule, "audit", 5)) {
			warnx_("'%s': only deny rules tighten a policy", argv[i]);
			fclose(f);
			goto out;
		}
		fprintf(f, "%s%s\n", strncmp(rule, "deny", 4) ? "deny " : "", rule);
	}
	fputs(header_end, f);
	fclose(f);
	if (loadpol_policy_parse(out, size, &p, &error)) {
		warnx_("rule %u: %s", error.line - 2, error.msg);
		goto out;
	}
	if (loadpol_policy_tightens(live, p, &error)) {
		warnx_("%s", error.msg);
		goto out;
	}
	err = write_policy((unsigned char *)out, size);
	if (!err)
		printf("loadpol: %d deny rules added in front; %u rules in force\n",
		       argc - 1, p->nr_rules);
out:
	loadpol_policy_free(p);
	loadpol_policy_free(live);
	free(out);
	free(canonical);
	free(text);
	return err;
}

static const char *const lock_help =
	"usage: loadpolctl lock\n"
	"\n"
	"Lock the live policy until reboot (" LOCKED_SYSCTL " = 1).\n"
	"There is no unlock.\n";

static int cmd_lock(int argc, char **argv)
{
	int fd;

	if (argc != 1) {
		fputs(lock_help, stderr);
		return 2;
	}
	fd = open(LOCKED_SYSCTL, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1\n", 2) != 2 || close(fd)) {
		explain_refusal(errno, LOCKED_SYSCTL);
		return 1;
	}
	printf("loadpol: policy locked until reboot\n");
	return 0;
}

static const char *const status_help =
	"usage: loadpolctl status\n"
	"\n"
	"Whether loadpol is active, the live policy's mode, default and rule\n"
	"counts, and whether it is locked.\n";

static int cmd_status(int argc, char **argv)
{
	unsigned int names = 0, digests = 0, requests = 0, other = 0, i;
	struct loadpol_parse_error error;
	struct loadpol_policy *p = NULL;
	unsigned char *buf;
	size_t len;
	int err;

	if (argc != 1) {
		fputs(status_help, stderr);
		return 2;
	}
	err = read_all(LSM_FILE, &buf, &len);
	if (!err) {
		chomp(buf, len);
		printf("active LSMs: %s\n", buf);
		if (!strstr((char *)buf, "loadpol"))
			err = -ENOENT;
		free(buf);
	}
	if (err) {
		explain_refusal(-err, "status");
		return 1;
	}
	err = read_all(POLICY_FILE, &buf, &len);
	if (err) {
		explain_refusal(-err, POLICY_FILE);
		return 1;
	}
	if (!len) {
		free(buf);
		err = read_all(DEFAULT_PARAM, &buf, &len);
		if (!err)
			chomp(buf, len);
		printf("policy: none loaded; every module event is %s (loadpol.default=%s)\n",
		       err ? "?" : boot_default_meaning(buf), err ? "?" : (char *)buf);
		if (!err)
			free(buf);
	} else {
		err = loadpol_policy_parse((char *)buf, len, &p, &error);
		free(buf);
		if (err) {
			warnx_("live policy, line %u: %s: is loadpolctl older than the kernel?",
			       error.line, error.msg);
			return 1;
		}
		for (i = 0; i < p->nr_rules; i++) {
			u8 keys = p->rules[i].keys;

			if (keys & BIT(LOADPOL_KEY_SHA256))
				digests++;
			else if (keys & BIT(LOADPOL_KEY_NAME))
				names++;
			else if (keys & BIT(LOADPOL_KEY_REQUEST))
				requests++;
			else
				other++;
		}
		printf("policy: mode %s, default %s, ", loadpol_mode_name(p->mode),
		       loadpol_action_name(p->default_action));
		printf("%u rules (%u by digest, %u by name, %u request, %u other)\n",
		       p->nr_rules, digests, names, requests, other);
		loadpol_policy_free(p);
	}
	printf("locked: %s\n", is_locked() ? "yes, until reboot" : "no");
	return 0;
}

/* --- watch ---------------------------------------------------------------- */

/* loadpol's record types (include/uapi/linux/audit.h). */
#define AUDIT_FIRST_LOADPOL	1460
#define AUDIT_LAST_LOADPOL	1462

static const char *const watch_help =
	"usage: loadpolctl watch [--json] [--count N]\n"
	"\n"
	"Print loadpol's audit records (denials, audit rules, permissive\n"
	"would-be denials, policy loads, the lock) as they happen, one line each,\n"
	"from the kernel's audit read-log multicast group: beside auditd, or on a\n"
	"system without one, whose kernel log keeps only about 10 audit records\n"
	"every 5 seconds.  Needs CAP_AUDIT_READ.\n"
	"\n"
	"  --json     one JSON object a line, every field of the record\n"
	"  --count N  stop after N records\n";

/* Fields audit_log_untrustedstring() wrote: quoted, or hex when unsafe. */
static bool untrusted_field(const char *key, size_t len)
{
	static const char *const keys[] = {
		"name", "path", "request", "modinfo_name", "lp_detail", "comm", "exe",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		if (strlen(keys[i]) == len && !memcmp(keys[i], key, len))
			return true;
	return false;
}

static int hexdigit(char c)
{
	return c <= '9' ? c - '0' : c - 'A' + 10;
}

/*
 * The value of field @key in record text @rec, unquoted and hex-decoded,
 * in @buf; NULL when the record has no such field.
 */
static const char *field(const char *rec, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key), n = 0;
	const char *p = rec, *v, *end;

	for (;;) {
		p = strstr(p, key);
		if (!p)
			return NULL;
		if ((p == rec || p[-1] == ' ') && p[klen] == '=')
			break;
		p += klen;
	}
	v = p + klen + 1;
	if (*v == '"') {
		end = strchr(++v, '"');
		if (!end)
			end = v + strlen(v);
		n = end - v < (ptrdiff_t)size - 1 ? (size_t)(end - v) : size - 1;
		memcpy(buf, v, n);
	} else {
		end = v + strcspn(v, " ");
		if (untrusted_field(key, klen) && (end - v) % 2 == 0 &&
		    end - v == (ptrdiff_t)strspn(v, "0123456789ABCDEF") && end > v) {
			for (; v < end && n < size - 1; v += 2)
				buf[n++] = hexdigit(v[0]) << 4 | hexdigit(v[1]);
		} else {
			n = end - v < (ptrdiff_t)size - 1 ? (size_t)(end - v) : size - 1;
			memcpy(buf, v, n);
		}
	}
	buf[n] = '\0';
	return buf;
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* One JSON object: the type, the time and serial, then every field. */
static void watch_json(int type, const char *stamp, const char *rec)
{
	char key[64], value[4096];
	const char *p = rec;

	printf("{\"type\":%d,\"audit\":", type);
	json_string(stamp);
	while (*p) {
		size_t klen = strcspn(p, "= ");

		if (p[klen] != '=' || klen >= sizeof(key)) {
			p += klen + (p[klen] != '\0');
			continue;
		}
		memcpy(key, p, klen);
		key[klen] = '\0';
		if (field(p, key, value, sizeof(value))) {
			putchar(',');
			json_string(key);
			putchar(':');
			json_string(value);
		}
		p += klen + 1;
		if (*p == '"')
			p = strchr(p + 1, '"') ? strchr(p + 1, '"') + 1 : p + strlen(p);
		p += strcspn(p, " ");
		p += strspn(p, " ");
	}
	puts("}");
}

/* One line a person reads. */
static void watch_text(int type, const char *stamp, const char *rec)
{
	char op[32] = "", a[512], b[512], c[64], d[64], e[64];
	const char *by;

	field(rec, "op", op, sizeof(op));
	printf("%s ", stamp);
	if (type == AUDIT_FIRST_LOADPOL + 1) {
		if (field(rec, "res", a, sizeof(a)) && !strcmp(a, "1"))
			printf("policy loaded: %s rules, enforcing=%s, default %s",
			       field(rec, "lp_rules", b, sizeof(b)) ?: "?",
			       field(rec, "enforcing", c, sizeof(c)) ?: "?",
			       field(rec, "lp_default", d, sizeof(d)) ?: "?");
		else
			printf("policy refused: line %s: %s (%s, errno %s)",
			       field(rec, "line", b, sizeof(b)) ?: "?",
			       field(rec, "lp_detail", a, sizeof(a)) ?: "?",
			       field(rec, "reason", c, sizeof(c)) ?: "?",
			       field(rec, "errno", d, sizeof(d)) ?: "?");
	} else if (type == AUDIT_LAST_LOADPOL) {
		printf("policy locked until reboot");
	} else if (!strcmp(op, "rate_limit")) {
		printf("%s more decisions of users other than root not recorded in %s s",
		       field(rec, "lp_dropped", a, sizeof(a)) ?: "?",
		       field(rec, "lp_seconds", b, sizeof(b)) ?: "?");
	} else {
		bool load = !strcmp(op, "load");
		bool permissive = field(rec, "enforcing", c, sizeof(c)) && !strcmp(c, "0");

		field(rec, "lp_action", d, sizeof(d));
		for (by = d; *by; by++)
			putchar(*by >= 'a' && *by <= 'z' ? *by - 'a' + 'A' : *by);
		printf("%s %s %s", permissive ? " (permissive: not enforced)" : "",
		       load ? "load of" : "request",
		       field(rec, load ? "name" : "request", a, sizeof(a)) ?: "?");
		if (field(rec, "lp_repeats", b, sizeof(b)))
			printf(" again %s times in %s s (uid %s)", b,
			       field(rec, "lp_seconds", e, sizeof(e)) ?: "?",
			       field(rec, "uid", c, sizeof(c)) ?: "?");
		printf(", rule %s", field(rec, "lp_rule", e, sizeof(e)) ?: "?");
		if (field(rec, "reason", b, sizeof(b)))
			printf(" (%s)", b);
		if (load && field(rec, "path", b, sizeof(b)))
			printf(", file %s", b);
		if (load && field(rec, "origin", b, sizeof(b)))
			printf(", origin %s", b);
	}
	if (field(rec, "comm", a, sizeof(a)))
		printf(", by %s pid %s uid %s", a, field(rec, "pid", b, sizeof(b)) ?: "?",
		       field(rec, "uid", c, sizeof(c)) ?: "?");
	putchar('\n');
}

static int cmd_watch(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "count", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1U << (AUDIT_NLGRP_READLOG - 1),
	};
	static char buf[NLMSG_HDRLEN + 9000];
	long count = -1, seen = 0;
	bool json = false;
	int fd, opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'j') {
			json = true;
		} else if (opt == 'c') {
			count = strtol(optarg, NULL, 10);
		} else {
			fputs(watch_help, stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fputs(watch_help, stderr);
		return 2;
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		warnx_("cannot join the audit read-log group: %s%s", strerror(errno),
		       errno == EPERM ? " (it needs CAP_AUDIT_READ: run as root)" : "");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (count < 0 || seen < count) {
		ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);
		struct nlmsghdr *nh = (struct nlmsghdr *)buf;
		char *text, *rec;
		size_t len;

		if (n < 0) {
			if (errno == EINTR || errno == ENOBUFS)
				continue;
			warnx_("reading the audit records: %s", strerror(errno));
			return 1;
		}
		if ((size_t)n < NLMSG_HDRLEN || nh->nlmsg_type < AUDIT_FIRST_LOADPOL ||
		    nh->nlmsg_type > AUDIT_LAST_LOADPOL)
			continue;
		/* Multicast copies carry the whole length in nlmsg_len. */
		len = nh->nlmsg_len > NLMSG_HDRLEN ? nh->nlmsg_len - NLMSG_HDRLEN : 0;
		if (len > (size_t)n - NLMSG_HDRLEN)
			len = n - NLMSG_HDRLEN;
		text = (char *)NLMSG_DATA(nh);
		text[len] = '\0';
		/* "audit(SECONDS.MS:SERIAL): FIELDS": SECONDS.MS:SERIAL first. */
		rec = strstr(text, "): ");
		if (!rec)
			continue;
		*rec = '\0';
		rec += 3;
		if (!strncmp(text, "audit(", 6))
			text += 6;
		if (json)
			watch_json(nh->nlmsg_type, text, rec);
		else
			watch_text(nh->nlmsg_type, text, rec);
		seen++;
	}
	close(fd);
	return 0;
}

/* --- main ----------------------------------------------------------------- */

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *const *help;
	const char *what;
} commands[] = {
	{ "check", cmd_check, &check_help, "validate a policy file" },
	{ "generate", cmd_generate, &generate_help,
	  "a policy allowing a module tree or the loaded modules" },
	{ "explain", cmd_explain, &explain_help, "which rule decides a load or request, and why" },
	{ "load", cmd_load, &load_help, "replace the live policy" },
	{ "tighten", cmd_tighten, &tighten_help, "add deny rules in front of the live policy" },
	{ "lock", cmd_lock, &lock_help, "lock the live policy until reboot" },
	{ "status", cmd_status, &status_help, "the live policy, mode, counts and lock" },
	{ "watch", cmd_watch, &watch_help, "loadpol's audit records as they happen" },
};

static void print_commands(FILE *f)
{
	size_t i;

	fputs("usage: loadpolctl COMMAND [ARGS]  (loadpolctl COMMAND --help for more)\n\n", f);
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].what);
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		print_commands(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		print_commands(stdout);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		if (argc == 3 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
			fputs(*commands[i].help, stdout);
			return 0;
		}
		return commands[i].fn(argc - 1, argv + 1);
	}
	warnx_("unknown command '%s'", argv[1]);
	print_commands(stderr);
	return 2;
}
