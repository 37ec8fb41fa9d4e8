/* SPDX-License-Identifier: MIT */
/*
 * dwtype_name.c - names inside a program's memory from the types dwtype.c
 * read: the member and element path of an access inside a global
 * (`accounts[1].balance`) or a heap block (`[2].next`), and the type a
 * heap block holds, guessed from the source line that allocated it.
 *
 * A path goes as deep as a member or element holds the whole access: an
 * 8-byte copy of a two-int struct names the struct, a 4-byte store its
 * member. Every walk is bounded (MAX_HOPS): the types come from a
 * student's executable.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dwtype.h"
#include "dwtype_impl.h"

/* The kept DIE at offset off, or NULL. */
static const struct die *dt_at(const struct rl_dwtypes *dt, uint64_t off)
{
    int lo = 0, hi = dt->n;

    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (dt->d[mid].off < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < dt->n && dt->d[lo].off == off ? &dt->d[lo] : NULL;
}

/* The type under typedefs and qualifiers, or NULL. */
static const struct die *type_strip(const struct rl_dwtypes *dt, uint64_t off)
{
    for (int hops = 0; off != NONE && hops < MAX_HOPS; hops++) {
        const struct die *d = dt_at(dt, off);
        if (!d)
            return NULL;
        switch (d->tag) {
        case TAG_TYPEDEF:
        case TAG_CONST:
        case TAG_VOLATILE:
        case TAG_RESTRICT:
        case TAG_ATOMIC:
            off = d->type;
            continue;
        default:
            return d;
        }
    }
    return NULL;
}

/* The size in bytes of the type at off, NONE if unknown. */
static uint64_t type_size(const struct rl_dwtypes *dt, uint64_t off, int hops)
{
    const struct die *d = type_strip(dt, off);

    if (!d || hops > MAX_HOPS)
        return NONE;
    if (d->tag == TAG_POINTER && d->size == NONE)
        return sizeof(void *); /* clang gives a pointer no size */
    if (d->tag != TAG_ARRAY)
        return d->size;
    uint64_t n = type_size(dt, d->type, hops + 1);
    for (int k = d->child; k >= 0 && n != NONE; k = dt->d[k].next) {
        uint64_t cnt = dt->d[k].size;
        if (cnt == NONE || (cnt && n > UINT64_MAX / cnt))
            return NONE;
        n *= cnt;
    }
    return n;
}

/* Append printf-style text to buf (cut at len). */
static void put(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void put(char *buf, size_t len, const char *fmt, ...)
{
    size_t n = strlen(buf);
    va_list ap;

    if (n + 1 >= len)
        return;
    va_start(ap, fmt);
    vsnprintf(buf + n, len - n, fmt, ap);
    va_end(ap);
}

/* Whether the type at off is an array without a length (a struct's
 * flexible last member, `int data[];`) of elements of a known size. */
static bool flex_array(const struct rl_dwtypes *dt, uint64_t off)
{
    const struct die *t = type_strip(dt, off);

    if (!t || t->tag != TAG_ARRAY)
        return false;
    uint64_t es = type_size(dt, t->type, 1);
    return es != NONE && es > 0 &&
           (t->child < 0 || dt->d[t->child].size == NONE ||
            dt->d[t->child].size == 0);
}

/* The path of [off, off + width) inside the type at off_type. */
static void path_in(const struct rl_dwtypes *dt, uint64_t off_type,
                    uint64_t off, uint64_t width, char *buf, size_t len,
                    int hops)
{
    const struct die *t = type_strip(dt, off_type);

    if (!t || hops > MAX_HOPS) {
        if (off)
            put(buf, len, "+%llu", (unsigned long long)off);
        return;
    }
    if (t->tag == TAG_STRUCT || t->tag == TAG_UNION || t->tag == TAG_CLASS) {
        const struct die *best = NULL;
        for (int k = t->child; k >= 0; k = dt->d[k].next) {
            const struct die *m = &dt->d[k];
            uint64_t ms = type_size(dt, m->type, hops + 1);
            if ((ms == NONE || ms == 0) && flex_array(dt, m->type))
                ms = UINT64_MAX / 4; /* the rest of the block */
            if (m->tag != TAG_MEMBER || m->size == NONE || ms == NONE ||
                off < m->size || off + width > m->size + ms)
                continue;
            if (!best)
                best = m;
            if (t->tag != TAG_UNION || hops > 8)
                break;
            /* In a union, the first member that names the access without
             * a remainder (`u.half[1]`, not `u.whole+4`). */
            char trial[128] = "";
            path_in(dt, m->type, off - m->size, width, trial, sizeof trial,
                    hops + 1);
            if (!strchr(trial, '+')) {
                best = m;
                break;
            }
        }
        /* Not into the C library's insides (pthread_mutex_t's __data), nor
         * a bit-field, whose bytes hold its neighbours too. */
        if (!best || best->bits ||
            (best->name && strncmp(best->name, "__", 2) == 0)) {
            if (off)
                put(buf, len, "+%llu", (unsigned long long)off);
            return;
        }
        if (best->name)
            put(buf, len, ".%s", best->name);
        path_in(dt, best->type, off - best->size, width, buf, len, hops + 1);
        return;
    }
    if (t->tag == TAG_ARRAY) {
        uint64_t es = type_size(dt, t->type, hops + 1);
        uint64_t stride[8];
        int nd = 0;
        for (int k = t->child; k >= 0 && nd < 8; k = dt->d[k].next)
            stride[nd++] = dt->d[k].size;
        if (nd == 0)
            stride[nd++] = NONE; /* int a[] */
        /* stride[i]: the bytes of one step of dimension i. */
        uint64_t s = es;
        for (int i = nd - 1; i >= 0 && s != NONE; i--) {
            uint64_t cnt = stride[i];
            stride[i] = s;
            s = cnt == NONE || (cnt && s > UINT64_MAX / cnt) ? NONE : s * cnt;
        }
        if (es == NONE || es == 0) {
            if (off)
                put(buf, len, "+%llu", (unsigned long long)off);
            return;
        }
        for (int i = 0; i < nd; i++) {
            if (off % stride[i] + width > stride[i]) {
                /* The access spans elements: named here. */
                if (off)
                    put(buf, len, "+%llu", (unsigned long long)off);
                return;
            }
            put(buf, len, "[%llu]", (unsigned long long)(off / stride[i]));
            off %= stride[i];
        }
        path_in(dt, t->type, off, width, buf, len, hops + 1);
        return;
    }
    if (off)
        put(buf, len, "+%llu", (unsigned long long)off);
}

/* The variable DIE for a global at addr named name of size bytes: the
 * one at that address, else the only definition of that name and size (a
 * PIE's addresses move; clang may give an index instead of an address). */
static const struct die *var_find(const struct rl_dwtypes *dt, uintptr_t addr,
                                  const char *name, size_t size)
{
    const struct die *by_name = NULL;
    int named = 0;

    for (int i = 0; i < dt->n; i++) {
        const struct die *d = &dt->d[i];
        if (d->tag != TAG_VARIABLE || d->decl || d->func >= 0)
            continue;
        if (d->addr && d->addr == addr)
            return d;
        const struct die *spec = d->spec != NONE ? dt_at(dt, d->spec) : NULL;
        const char *nm = d->name ? d->name : spec ? spec->name : NULL;
        uint64_t type = d->type != NONE ? d->type : spec ? spec->type : NONE;
        if (nm && type != NONE && strcmp(nm, name) == 0 &&
            type_size(dt, type, 0) == size) {
            by_name = d;
            named++;
        }
    }
    return named == 1 ? by_name : NULL;
}

/* The type of the global var_find finds (its declaration's, for a
 * definition that gives none), NONE if none is known. */
static uint64_t var_type(const struct rl_dwtypes *dt, uintptr_t addr,
                         const char *name, size_t size)
{
    const struct die *v = var_find(dt, addr, name, size);
    if (!v)
        return NONE;
    if (v->type == NONE && v->spec != NONE) {
        const struct die *decl = dt_at(dt, v->spec);
        return decl ? decl->type : NONE;
    }
    return v->type;
}

bool rl_dwtypes_path(const struct rl_dwtypes *dt, uintptr_t addr,
                     const char *name, size_t size, size_t off, size_t width,
                     char *buf, size_t len)
{
    if (!dt || !name || !buf || !len)
        return false;
    uint64_t type = var_type(dt, addr, name, size);
    if (type == NONE)
        return false;
    if (width == 0)
        width = 1;
    if (off + width > size)
        width = off < size ? size - off : 1;
    path_in(dt, type, off, width, buf, len, 0);
    return true;
}

/* ---- addresses ---------------------------------------------------------- */

/* The path of the address off bytes into the type at off_type, as a
 * pointer names it: the shallowest member or element that starts there
 * (`.balance`, `[1]` before `[1].lock`), "+N" for what no member or
 * element starts at; nothing for off 0. An array's one past its end is
 * its element count (`[4]` of `int a[4]`), as C allows a pointer to be. */
static void ptr_in(const struct rl_dwtypes *dt, uint64_t off_type, uint64_t off,
                   char *buf, size_t len, int hops)
{
    const struct die *t = off ? type_strip(dt, off_type) : NULL;

    if (!off)
        return;
    if (t && hops <= MAX_HOPS &&
        (t->tag == TAG_STRUCT || t->tag == TAG_UNION || t->tag == TAG_CLASS)) {
        const struct die *best = NULL; /* a union's member, with a rest */
        for (int k = t->child; k >= 0; k = dt->d[k].next) {
            const struct die *m = &dt->d[k];
            uint64_t ms = type_size(dt, m->type, hops + 1);
            if ((ms == NONE || ms == 0) && flex_array(dt, m->type))
                ms = UINT64_MAX / 4;
            if (m->tag != TAG_MEMBER || m->size == NONE || ms == NONE ||
                off < m->size || off - m->size >= ms || m->bits || !m->name ||
                strncmp(m->name, "__", 2) == 0)
                continue;
            if (t->tag == TAG_UNION && hops <= 2) {
                /* The first member that names it whole (`u.half[1]`,
                 * not `u.whole+4`), else the first that holds it. */
                char trial[128] = "";
                ptr_in(dt, m->type, off - m->size, trial, sizeof trial,
                       hops + 1);
                if (strchr(trial, '+') && !best)
                    best = m;
                if (strchr(trial, '+'))
                    continue;
            }
            put(buf, len, ".%s", m->name);
            ptr_in(dt, m->type, off - m->size, buf, len, hops + 1);
            return;
        }
        if (best) {
            put(buf, len, ".%s", best->name);
            ptr_in(dt, best->type, off - best->size, buf, len, hops + 1);
            return;
        }
        /* None starts there: one past a member array's end (the struct's
         * own end, `&ring.slots[4]`). */
        for (int k = t->child; k >= 0; k = dt->d[k].next) {
            const struct die *m = &dt->d[k];
            const struct die *mt = type_strip(dt, m->type);
            uint64_t ms = type_size(dt, m->type, hops + 1);
            if (m->tag != TAG_MEMBER || m->size == NONE || ms == NONE ||
                ms == 0 || !mt || mt->tag != TAG_ARRAY || m->bits ||
                !m->name || strncmp(m->name, "__", 2) == 0 ||
                off < m->size || off - m->size != ms)
                continue;
            put(buf, len, ".%s", m->name);
            ptr_in(dt, m->type, off - m->size, buf, len, hops + 1);
            return;
        }
    } else if (t && hops <= MAX_HOPS && t->tag == TAG_ARRAY) {
        uint64_t es = type_size(dt, t->type, hops + 1), total = NONE;
        uint64_t stride[8];
        int nd = 0;
        for (int k = t->child; k >= 0 && nd < 8; k = dt->d[k].next)
            stride[nd++] = dt->d[k].size;
        if (nd == 0)
            stride[nd++] = NONE;
        uint64_t s = es;
        for (int i = nd - 1; i >= 0 && s != NONE; i--) {
            uint64_t cnt = stride[i];
            stride[i] = s;
            s = cnt == NONE || (cnt && s > UINT64_MAX / cnt) ? NONE : s * cnt;
        }
        total = s;
        /* Past the end: only the one past it is a C pointer's. */
        if (es != NONE && es != 0 && (total == NONE || off <= total)) {
            for (int i = 0; i < nd && off; i++) {
                if (stride[i] == NONE || stride[i] == 0)
                    break;
                put(buf, len, "[%llu]", (unsigned long long)(off / stride[i]));
                off %= stride[i];
            }
            ptr_in(dt, t->type, off, buf, len, hops + 1);
            return;
        }
    }
    put(buf, len, "+%llu", (unsigned long long)off);
}

bool rl_dwtypes_ptr_path(const struct rl_dwtypes *dt, uintptr_t addr,
                         const char *name, size_t size, size_t off, char *buf,
                         size_t len)
{
    if (!dt || !name || !buf || !len || off > size)
        return false;
    uint64_t type = var_type(dt, addr, name, size);
    if (type == NONE)
        return false;
    ptr_in(dt, type, off, buf, len, 0);
    return true;
}

/* ---- heap blocks -------------------------------------------------------- */

/* The name a line assigns a call's result to: `args` in `struct arg
 * *args = calloc(n, sizeof *args);` or `args = (struct arg *)malloc(...)`,
 * `slots` (a member) in `q->slots = malloc(...)`. The call is of callee,
 * or (NULL) of an allocator of the C library. False if the line has no
 * such assignment; then *ret says whether it returns the call's result
 * (`return malloc(n);`). */
static bool alloc_target(const char *text, const char *callee, char *name,
                         size_t len, bool *member, bool *ret)
{
    static const char *const allocators[] = {"malloc", "calloc", "realloc",
                                             "aligned_alloc", NULL};
    const char *const one[] = {callee, NULL};
    const char *const *calls = callee ? one : allocators;
    const char *call = NULL;

    *ret = false;
    for (size_t i = 0; calls[i] && !call; i++) {
        size_t n = strlen(calls[i]);
        for (const char *p = strstr(text, calls[i]); n && p;
             p = strstr(p + 1, calls[i])) {
            bool word = (p == text || !(isalnum((unsigned char)p[-1]) ||
                                        p[-1] == '_'));
            const char *q = p + n;
            while (*q == ' ')
                q++;
            if (word && *q == '(') {
                call = p;
                break;
            }
        }
    }
    if (!call)
        return false;
    /* Back over blanks and a cast to the `=`. */
    const char *p = call;
    while (p > text && p[-1] == ' ')
        p--;
    if (p > text && p[-1] == ')') {
        int depth = 0;
        do {
            p--;
            depth += *p == ')' ? 1 : *p == '(' ? -1 : 0;
        } while (p > text && depth > 0);
        while (p > text && p[-1] == ' ')
            p--;
    }
    if (p - text >= 6 && strncmp(p - 6, "return", 6) == 0 &&
        (p - 6 == text ||
         !(isalnum((unsigned char)p[-7]) || p[-7] == '_'))) {
        *ret = true;
        return false;
    }
    if (p == text || p[-1] != '=' || (p - 1 > text && strchr("=!<>", p[-2])))
        return false;
    p--;
    while (p > text && p[-1] == ' ')
        p--;
    const char *end = p;
    while (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
        p--;
    if (p == end || (size_t)(end - p) >= len || isdigit((unsigned char)*p))
        return false;
    memcpy(name, p, (size_t)(end - p));
    name[end - p] = '\0';
    *member = (p > text && p[-1] == '.') ||
              (p - 1 > text && p[-1] == '>' && p[-2] == '-');
    return true;
}

/* The index of the function whose code holds pc, -1 if none. */
static int func_at(const struct rl_dwtypes *dt, uintptr_t pc)
{
    for (int i = 0; i < dt->n; i++) {
        const struct die *d = &dt->d[i];
        if (d->tag == TAG_SUBPROGRAM && d->addr && d->high != NONE &&
            pc >= d->addr && pc < d->high)
            return i;
    }
    return -1;
}

/* What a pointer type points to (under typedefs), NONE if not a pointer
 * or a pointer to void. */
static uint64_t pointee(const struct rl_dwtypes *dt, uint64_t type)
{
    const struct die *t = type_strip(dt, type);

    return t && t->tag == TAG_POINTER ? t->type : NONE;
}

/* Whether type is a pointer to void (`void *`, `const void *`). */
static bool void_pointer(const struct rl_dwtypes *dt, uint64_t type)
{
    const struct die *t = type_strip(dt, type);

    return t && t->tag == TAG_POINTER &&
           (t->type == NONE || !type_strip(dt, t->type));
}

uint64_t rl_dwtypes_call_type(const struct rl_dwtypes *dt, uintptr_t pc,
                              int line, const char *text, const char *callee,
                              bool *passed)
{
    char name[64];
    bool member, ret;

    *passed = false;
    if (!dt || !text)
        return 0;
    if (!alloc_target(text, callee, name, sizeof name, &member, &ret)) {
        *passed = ret;
        return 0;
    }
    uint64_t found = NONE;
    int nfound = 0;
    if (member) {
        /* A member of that name in any struct: if all agree. */
        for (int i = 0; i < dt->n; i++) {
            const struct die *d = &dt->d[i];
            if (d->tag != TAG_MEMBER || !d->name || strcmp(d->name, name))
                continue;
            uint64_t t = pointee(dt, d->type);
            if (t == NONE)
                continue;
            if (nfound && type_strip(dt, t) != type_strip(dt, found))
                return 0;
            found = t;
            nfound++;
        }
        return nfound ? found : 0;
    }
    /* The function the allocation is in, then its local of that name
     * declared last at or before the line; else a global. */
    int fn = func_at(dt, pc);
    const struct die *local = NULL, *global = NULL;
    int nglobal = 0;
    for (int i = 0; i < dt->n; i++) {
        const struct die *d = &dt->d[i];
        if ((d->tag != TAG_VARIABLE && d->tag != TAG_PARAMETER) || !d->name ||
            strcmp(d->name, name) != 0)
            continue;
        if (d->func >= 0) {
            if (d->func == fn && (int)d->line <= line &&
                (!local || d->line > local->line))
                local = d;
        } else if (!d->decl) {
            global = d;
            nglobal++;
        }
    }
    const struct die *best = local ? local : nglobal == 1 ? global : NULL;
    uint64_t t = best ? pointee(dt, best->type) : NONE;
    /* A local `void *`: the function hands the block on, untyped. */
    *passed = local && best == local && void_pointer(dt, local->type);
    return t == NONE ? 0 : t;
}

uint64_t rl_dwtypes_alloc_type(const struct rl_dwtypes *dt, uintptr_t pc,
                               int line, const char *text)
{
    bool passed;
    return rl_dwtypes_call_type(dt, pc, line, text, NULL, &passed);
}

const char *rl_dwtypes_func_name(const struct rl_dwtypes *dt, uintptr_t pc)
{
    int fn = dt ? func_at(dt, pc) : -1;
    return fn >= 0 ? dt->d[fn].name : NULL;
}

bool rl_dwtypes_block_path(const struct rl_dwtypes *dt, uint64_t type,
                           size_t block, size_t off, size_t width, char *buf,
                           size_t len)
{
    if (!dt || !type || !buf || !len || off >= block)
        return false;
    uint64_t es = type_size(dt, type, 0);
    if (es == NONE || es == 0 || es > block)
        return false;
    if (width == 0)
        width = 1;
    if (off + width > block)
        width = block - off;
    /* A block of several: an array of them (its tail, if the size is no
     * multiple, is named by offset); a struct with a flexible last member
     * is one, however large. */
    const struct die *t = type_strip(dt, type), *last = NULL;
    if (t && t->tag == TAG_STRUCT)
        for (int k = t->child; k >= 0; k = dt->d[k].next)
            last = &dt->d[k];
    bool flex = last && flex_array(dt, last->type);
    if (!flex && block / es >= 2) {
        if (off % es + width > es || off / es >= block / es) {
            if (off)
                put(buf, len, "+%zu", off);
            return true;
        }
        put(buf, len, "[%llu]", (unsigned long long)(off / es));
        off %= es;
    }
    path_in(dt, type, off, width, buf, len, 0);
    return true;
}

bool rl_dwtypes_block_ptr_path(const struct rl_dwtypes *dt, uint64_t type,
                               size_t block, size_t off, char *buf, size_t len)
{
    if (!dt || !type || !buf || !len || off > block)
        return false;
    uint64_t es = type_size(dt, type, 0);
    if (es == NONE || es == 0 || es > block)
        return false;
    const struct die *t = type_strip(dt, type), *last = NULL;
    if (t && t->tag == TAG_STRUCT)
        for (int k = t->child; k >= 0; k = dt->d[k].next)
            last = &dt->d[k];
    bool flex = last && flex_array(dt, last->type);
    if (!flex && block / es >= 2 && off) {
        /* An array of them: the element, or the one past the last. */
        if (off / es > block / es || (off / es == block / es && off % es)) {
            put(buf, len, "+%zu", off);
            return true;
        }
        put(buf, len, "[%llu]", (unsigned long long)(off / es));
        off %= es;
    }
    ptr_in(dt, type, off, buf, len, 0);
    return true;
}

/* ---- a thread's stack --------------------------------------------------- */

bool rl_dwtypes_frame_path(const struct rl_dwtypes *dt, uintptr_t pc,
                           uintptr_t cfa, uintptr_t addr, size_t width,
                           char *buf, size_t len)
{
    if (!dt || !buf || !len)
        return false;
    int fn = func_at(dt, pc);
    if (fn < 0 || dt->d[fn].fbkind == FB_NONE)
        return false;
    const struct die *f = &dt->d[fn];
    /* x86-64 frame-pointer code: rbp is the CFA less the return address
     * and the saved rbp. */
    uintptr_t base = f->fbkind == FB_CFA ? cfa : cfa - 16 + (uintptr_t)f->fb;
    if (width == 0)
        width = 1;
    for (int i = fn + 1; i < dt->n; i++) {
        const struct die *d = &dt->d[i];
        if (d->func != fn || d->fbkind != 1 || !d->name)
            continue;
        uint64_t size = type_size(dt, d->type, 0);
        uintptr_t at = base + (uintptr_t)d->fb;
        if (size == NONE || addr < at || addr - at >= size)
            continue;
        size_t off = addr - at, w = width;
        if (off + w > size)
            w = (size_t)(size - off);
        snprintf(buf, len, "%s:%s", f->name ? f->name : "?", d->name);
        path_in(dt, d->type, off, w, buf, len, 0);
        return true;
    }
    return false;
}
