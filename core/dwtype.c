/* SPDX-License-Identifier: MIT */
/*
 * dwtype.c - reading the types of a program's variables from DWARF (see
 * dwtype.h; dwtype_name.c answers from what is read here).
 *
 * The data model. .debug_info is a sequence of compilation units, each a
 * tree of DIEs (debugging information entries): a tag (variable,
 * structure_type, member, array_type, ...) and attributes whose encoding
 * ("form") the unit's abbreviation table in .debug_abbrev gives. We walk
 * every DIE once, skipping each attribute by its form, and keep only the
 * DIEs naming needs, in section order (so a type reference, a section
 * offset, is found by binary search), with each struct's members and each
 * array's dimensions linked as children.
 *
 * Robustness: the image is the student's executable, so every read is
 * bounds-checked; anything this reader does not understand (64-bit DWARF,
 * an unknown form) makes the whole load fail, and racelab names by offset
 * as it would without -g. Loops in type references end at a fixed depth.
 */
#include "dwtype.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "dwtype_impl.h"
#include "mem.h"

/* The sections read, and a cursor. */
struct sect {
    const unsigned char *p;
    size_t len;
};

struct cur {
    const unsigned char *p, *end;
    bool bad; /* read past the end */
};

/* One abbreviation: a DIE's tag and its attributes' forms. */
struct abbrev {
    uint64_t code;
    uint16_t tag;
    bool children;
    int first, nattr; /* into the table's attribute list */
};

struct abbrev_attr {
    uint64_t at, form;
    int64_t implicit; /* DW_FORM_implicit_const's value */
};

struct abbrevs {
    struct abbrev *a;
    int n, cap;
    struct abbrev_attr *at;
    int nat, capat;
};

/* The unit being read. */
struct unit {
    uint64_t start_off; /* its offset: unit-relative refs add it */
    int version, addr_size;
    uint64_t str_base, addr_base;
    struct sect str, line_str, str_off, addr;
};

/* ---- reading ------------------------------------------------------------ */

/* n little-endian bytes at the cursor (n <= 8). */
static uint64_t rd(struct cur *c, size_t n)
{
    uint64_t v = 0;

    if ((size_t)(c->end - c->p) < n) {
        c->bad = true;
        c->p = c->end;
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)c->p[i] << (8 * i);
    c->p += n;
    return v;
}

/* An unsigned LEB128. */
static uint64_t uleb(struct cur *c)
{
    uint64_t v = 0;
    unsigned shift = 0;

    while (c->p < c->end) {
        unsigned char b = *c->p++;
        if (shift < 64)
            v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80))
            return v;
    }
    c->bad = true;
    return 0;
}

/* A signed LEB128. */
static int64_t sleb(struct cur *c)
{
    uint64_t v = 0;
    unsigned shift = 0;
    unsigned char b = 0;

    while (c->p < c->end) {
        b = *c->p++;
        if (shift < 64)
            v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80)) {
            if (shift < 64 && (b & 0x40))
                v |= ~(uint64_t)0 << shift;
            return (int64_t)v;
        }
    }
    c->bad = true;
    return 0;
}

/* Skip n bytes. */
static void skip(struct cur *c, uint64_t n)
{
    if ((uint64_t)(c->end - c->p) < n) {
        c->bad = true;
        c->p = c->end;
    } else {
        c->p += n;
    }
}

/* The NUL-terminated string at off in s, or NULL. */
static const char *sect_str(const struct sect *s, uint64_t off)
{
    if (!s->p || off >= s->len || !memchr(s->p + off, '\0', s->len - off))
        return NULL;
    return (const char *)s->p + off;
}

/* A 4- or 8-byte entry at off in s, or NONE. */
static uint64_t sect_word(const struct sect *s, uint64_t off, size_t n)
{
    struct cur c;

    if (!s->p || off > s->len)
        return NONE;
    c = (struct cur){s->p + off, s->p + s->len, false};
    uint64_t v = rd(&c, n);
    return c.bad ? NONE : v;
}

/* ---- the ELF image ------------------------------------------------------ */

/* Section `name` of the image (p NULL if absent or out of bounds). */
static struct sect elf_section(const unsigned char *img, size_t len,
                               const char *name)
{
    struct sect none = {NULL, 0};
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;

    if (len < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
        eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_shoff == 0 ||
        eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff > len ||
        (size_t)eh->e_shnum * sizeof(Elf64_Shdr) > len - eh->e_shoff ||
        eh->e_shstrndx >= eh->e_shnum)
        return none;
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(img + eh->e_shoff);
    const Elf64_Shdr *names = &sh[eh->e_shstrndx];
    if (names->sh_offset > len || names->sh_size > len - names->sh_offset)
        return none;
    struct sect strtab = {img + names->sh_offset, names->sh_size};
    for (int i = 0; i < eh->e_shnum; i++) {
        const char *nm = sect_str(&strtab, sh[i].sh_name);
        if (!nm || strcmp(nm, name) != 0 || sh[i].sh_type == SHT_NOBITS)
            continue;
        if (sh[i].sh_offset > len || sh[i].sh_size > len - sh[i].sh_offset)
            return none;
        return (struct sect){img + sh[i].sh_offset, sh[i].sh_size};
    }
    return none;
}

/* ---- abbreviations ------------------------------------------------------ */

/* Read the table at off of .debug_abbrev into t (emptied first). */
static bool abbrevs_read(struct abbrevs *t, const struct sect *s, uint64_t off)
{
    struct cur c;

    t->n = t->nat = 0;
    if (!s->p || off >= s->len)
        return false;
    c = (struct cur){s->p + off, s->p + s->len, false};
    for (;;) {
        uint64_t code = uleb(&c);
        if (c.bad)
            return false;
        if (code == 0)
            return true;
        if (t->n == t->cap) {
            t->cap = t->cap ? 2 * t->cap : 64;
            t->a = rl_xrealloc(t->a, (size_t)t->cap * sizeof *t->a);
        }
        struct abbrev *a = &t->a[t->n++];
        a->code = code;
        a->tag = (uint16_t)uleb(&c);
        a->children = rd(&c, 1) != 0;
        a->first = t->nat;
        a->nattr = 0;
        for (;;) {
            uint64_t at = uleb(&c), form = uleb(&c);
            int64_t imp = form == 0x21 ? sleb(&c) : 0;
            if (c.bad)
                return false;
            if (at == 0 && form == 0)
                break;
            if (t->nat == t->capat) {
                t->capat = t->capat ? 2 * t->capat : 256;
                t->at = rl_xrealloc(t->at, (size_t)t->capat * sizeof *t->at);
            }
            t->at[t->nat++] = (struct abbrev_attr){at, form, imp};
            a->nattr++;
        }
    }
}

/* The abbreviation for code (codes are usually 1, 2, ... in order). */
static const struct abbrev *abbrev_find(const struct abbrevs *t,
                                        uint64_t code)
{
    if (code >= 1 && code <= (uint64_t)t->n && t->a[code - 1].code == code)
        return &t->a[code - 1];
    for (int i = 0; i < t->n; i++)
        if (t->a[i].code == code)
            return &t->a[i];
    return NULL;
}

/* ---- attribute values --------------------------------------------------- */

/* An attribute's value: a number (constants, references made absolute,
 * offsets), a string, or an expression block. */
struct val {
    uint64_t u;
    const char *s;
    const unsigned char *blk;
    uint64_t blen;
    bool is_ref, is_const, is_addr; /* is_addr: u is a code address */
};

/* A string by index (DW_FORM_strx*). */
static const char *unit_strx(const struct unit *u, uint64_t i)
{
    uint64_t off = sect_word(&u->str_off, u->str_base + 4 * i, 4);
    return off == NONE ? NULL : sect_str(&u->str, off);
}

/* An address by index (DW_FORM_addrx*, DW_OP_addrx), NONE if unknown. */
static uint64_t unit_addrx(const struct unit *u, uint64_t i)
{
    return sect_word(&u->addr, u->addr_base + i * (uint64_t)u->addr_size,
                     (size_t)u->addr_size);
}

/* Read one value of `form` (0x16, indirect: the form comes first). False
 * for a form this reader does not know. */
static bool val_read(struct cur *c, const struct unit *u, uint64_t form,
                     int64_t implicit, struct val *v)
{
    memset(v, 0, sizeof *v);
    switch (form) {
    case 0x01: /* addr */
        v->u = rd(c, (size_t)u->addr_size);
        v->is_addr = true;
        return true;
    case 0x03: /* block2 */
        v->blen = rd(c, 2);
        goto block;
    case 0x04: /* block4 */
        v->blen = rd(c, 4);
        goto block;
    case 0x09: /* block */
    case 0x18: /* exprloc */
        v->blen = uleb(c);
        goto block;
    case 0x0a: /* block1 */
        v->blen = rd(c, 1);
    block:
        v->blk = c->p;
        skip(c, v->blen);
        return true;
    case 0x0b: /* data1 */
    case 0x11: /* ref1 */
    case 0x0c: /* flag */
        v->u = rd(c, 1);
        break;
    case 0x05: /* data2 */
    case 0x12: /* ref2 */
        v->u = rd(c, 2);
        break;
    case 0x06: /* data4 */
    case 0x13: /* ref4 */
        v->u = rd(c, 4);
        break;
    case 0x07: /* data8 */
    case 0x14: /* ref8 */
    case 0x20: /* ref_sig8 */
        v->u = rd(c, 8);
        break;
    case 0x1e: /* data16 */
        skip(c, 16);
        return true;
    case 0x0d: /* sdata */
        v->u = (uint64_t)sleb(c);
        break;
    case 0x0f: /* udata */
    case 0x15: /* ref_udata */
        v->u = uleb(c);
        break;
    case 0x08: /* string */
        v->s = (const char *)c->p;
        while (c->p < c->end && *c->p)
            c->p++;
        if (c->p == c->end)
            c->bad = true;
        else
            c->p++;
        return true;
    case 0x0e: /* strp */
        v->s = sect_str(&u->str, rd(c, 4));
        return true;
    case 0x1f: /* line_strp */
        v->s = sect_str(&u->line_str, rd(c, 4));
        return true;
    case 0x1a: /* strx */
    case 0x1f02: /* GNU_str_index */
        v->s = unit_strx(u, uleb(c));
        return true;
    case 0x25: /* strx1 .. strx4 */
    case 0x26:
    case 0x27:
    case 0x28:
        v->s = unit_strx(u, rd(c, form - 0x24));
        return true;
    case 0x10: /* ref_addr: already absolute */
        v->u = rd(c, u->version <= 2 ? (size_t)u->addr_size : 4);
        v->is_ref = true;
        return true;
    case 0x17: /* sec_offset: the unit's bases (DW_AT_str_offsets_base) */
        v->u = rd(c, 4);
        return true;
    case 0x1c: /* ref_sup4 */
    case 0x1d: /* strp_sup */
    case 0x1f20: /* GNU_ref_alt */
    case 0x1f21: /* GNU_strp_alt */
        rd(c, 4);
        return true;
    case 0x24: /* ref_sup8 */
        rd(c, 8);
        return true;
    case 0x19: /* flag_present */
        v->u = 1;
        return true;
    case 0x1b: /* addrx */
    case 0x1f01: /* GNU_addr_index */
        v->u = unit_addrx(u, uleb(c));
        v->is_addr = v->u != NONE;
        return true;
    case 0x22: /* loclistx */
    case 0x23: /* rnglistx */
        uleb(c);
        return true;
    case 0x29: /* addrx1 .. addrx4 */
    case 0x2a:
    case 0x2b:
    case 0x2c:
        v->u = unit_addrx(u, rd(c, form - 0x28));
        v->is_addr = v->u != NONE;
        return true;
    case 0x21: /* implicit_const */
        v->u = (uint64_t)implicit;
        v->is_const = true;
        return true;
    case 0x16: /* indirect */
        form = uleb(c);
        if (form == 0x16)
            return false;
        return val_read(c, u, form, implicit, v);
    default:
        return false;
    }
    /* The fixed-size numbers above: constants, or unit-relative refs. */
    if (form >= 0x11 && form <= 0x15)
        v->is_ref = true, v->u += u->start_off;
    else if (form != 0x20)
        v->is_const = true;
    return true;
}

/* A variable's address from its location expression (DW_OP_addr, or an
 * index into .debug_addr), 0 if it is not a fixed address. */
static uint64_t loc_addr(const struct unit *u, const struct val *v)
{
    struct cur c;

    if (!v->blk || v->blen == 0)
        return 0;
    c = (struct cur){v->blk, v->blk + v->blen, false};
    unsigned op = (unsigned)rd(&c, 1);
    uint64_t a = 0;
    if (op == OP_ADDR) {
        a = rd(&c, (size_t)u->addr_size);
    } else if (op == OP_ADDRX || op == OP_GNU_ADDR_INDEX) {
        a = unit_addrx(u, uleb(&c));
        if (a == NONE)
            a = 0;
    } else {
        return 0;
    }
    /* Only a bare address: `addr; plus_uconst` and the like are not. */
    return c.bad || c.p != c.end ? 0 : a;
}

/* A local's place in its frame: DW_OP_fbreg N (d->fb = N). */
static void loc_frame(const struct val *v, struct die *d)
{
    struct cur c;

    if (!v->blk || v->blen == 0)
        return;
    c = (struct cur){v->blk, v->blk + v->blen, false};
    if (rd(&c, 1) != OP_FBREG)
        return;
    int64_t n = sleb(&c);
    if (!c.bad && c.p == c.end) {
        d->fb = n;
        d->fbkind = 1;
    }
}

/* A function's frame base (DW_AT_frame_base) into d (fb, fbkind). */
static void frame_base(const struct val *v, struct die *d)
{
    struct cur c;

    if (!v->blk || v->blen == 0)
        return;
    c = (struct cur){v->blk, v->blk + v->blen, false};
    unsigned op = (unsigned)rd(&c, 1);
    int64_t n = op == OP_BREG6 ? sleb(&c) : 0;
    if (c.bad || c.p != c.end)
        return;
    if (op == OP_CALL_FRAME_CFA)
        d->fbkind = FB_CFA;
    else if (op == OP_REG6 || op == OP_BREG6)
        d->fbkind = FB_RBP, d->fb = n;
}

/* A member's offset: a constant, or DW_OP_plus_uconst N (DWARF 2). */
static uint64_t member_off(const struct val *v)
{
    struct cur c;

    if (v->is_const)
        return v->u;
    if (!v->blk)
        return NONE;
    c = (struct cur){v->blk, v->blk + v->blen, false};
    if (rd(&c, 1) != OP_PLUS_UCONST)
        return NONE;
    uint64_t n = uleb(&c);
    return c.bad ? NONE : n;
}

/* ---- the walk ----------------------------------------------------------- */

/* Whether DIEs with this tag are kept. */
static bool tag_kept(unsigned tag)
{
    switch (tag) {
    case TAG_ARRAY:
    case TAG_CLASS:
    case TAG_ENUM:
    case TAG_MEMBER:
    case TAG_POINTER:
    case TAG_STRUCT:
    case TAG_TYPEDEF:
    case TAG_UNION:
    case TAG_SUBRANGE:
    case TAG_BASE:
    case TAG_CONST:
    case TAG_VARIABLE:
    case TAG_VOLATILE:
    case TAG_RESTRICT:
    case TAG_ATOMIC:
    case TAG_PARAMETER:
    case TAG_SUBPROGRAM:
        return true;
    default:
        return false;
    }
}

/* Read one DIE's attributes into d (kept: whether to store them). */
static bool die_read(struct cur *c, struct unit *u, const struct abbrevs *t,
                     const struct abbrev *a, bool kept, struct die *d)
{
    struct val v;
    uint64_t upper = NONE, count = NONE, high = NONE;
    bool high_off = false;

    for (int i = 0; i < a->nattr; i++) {
        const struct abbrev_attr *at = &t->at[a->first + i];
        if (!val_read(c, u, at->form, at->implicit, &v) || c->bad)
            return false;
        switch (at->at) {
        case AT_STR_OFFSETS_BASE:
            u->str_base = v.u;
            break;
        case AT_ADDR_BASE:
            u->addr_base = v.u;
            break;
        default:
            break;
        }
        if (!kept)
            continue;
        switch (at->at) {
        case AT_NAME:
            if (v.s && !d->name)
                d->name = rl_xstrdup(v.s);
            break;
        case AT_TYPE:
            if (v.is_ref)
                d->type = v.u;
            break;
        case AT_BYTE_SIZE:
            if (v.is_const && a->tag != TAG_MEMBER)
                d->size = v.u;
            break;
        case AT_MEMBER_LOCATION:
            d->size = member_off(&v);
            break;
        case AT_DATA_BIT_OFFSET:
            if (v.is_const)
                d->size = v.u / 8;
            break;
        case AT_UPPER_BOUND:
            if (v.is_const)
                upper = v.u;
            break;
        case AT_COUNT:
            if (v.is_const)
                count = v.u;
            break;
        case AT_LOCATION:
            d->addr = loc_addr(u, &v);
            loc_frame(&v, d);
            break;
        case AT_FRAME_BASE:
            frame_base(&v, d);
            break;
        case AT_SPECIFICATION:
            if (v.is_ref)
                d->spec = v.u;
            break;
        case AT_DECLARATION:
            d->decl = v.u != 0;
            break;
        case AT_BIT_SIZE:
            d->bits = true;
            break;
        case AT_LOW_PC:
            if (v.is_addr)
                d->addr = v.u;
            break;
        case AT_HIGH_PC:
            high = v.u;
            high_off = v.is_const; /* DWARF 4+: the length */
            break;
        case AT_DECL_LINE:
            if (v.is_const && v.u <= UINT32_MAX)
                d->line = (uint32_t)v.u;
            break;
        default:
            break;
        }
    }
    if (a->tag == TAG_SUBPROGRAM && high != NONE)
        d->high = high_off ? d->addr + high : high;
    if (a->tag == TAG_SUBRANGE)
        d->size = count != NONE ? count : upper != NONE ? upper + 1 : NONE;
    else if (a->tag == TAG_MEMBER && d->size == NONE)
        d->size = 0; /* a union's members start at 0 */
    return true;
}

/* Append a kept DIE to dt; its index. */
static int dt_push(struct rl_dwtypes *dt, const struct die *d)
{
    if (dt->n == dt->cap) {
        dt->cap = dt->cap ? 2 * dt->cap : 1024;
        dt->d = rl_xrealloc(dt->d, (size_t)dt->cap * sizeof *dt->d);
    }
    dt->d[dt->n] = *d;
    return dt->n++;
}

/* Walk one unit's DIEs (cursor at its first). */
static bool unit_walk(struct rl_dwtypes *dt, struct cur *c, struct unit *u,
                      const struct abbrevs *t, const unsigned char *info)
{
    int parent[MAX_DEPTH], last[MAX_DEPTH], func[MAX_DEPTH], depth = 0;

    parent[0] = last[0] = func[0] = -1;
    while (c->p < c->end) {
        uint64_t off = (uint64_t)(c->p - info);
        uint64_t code = uleb(c);
        if (c->bad)
            return false;
        if (code == 0) { /* the end of a list of children */
            if (depth > 0)
                depth--;
            continue;
        }
        const struct abbrev *a = abbrev_find(t, code);
        if (!a)
            return false;
        struct die d = {off, NONE, NONE, 0, NONE, NULL, -1, -1,
                        0,   -1,   0,    0, 0,    a->tag, false, false};
        bool kept = tag_kept(a->tag);
        if (!die_read(c, u, t, a, kept, &d)) {
            free(d.name);
            return false;
        }
        /* A local variable or parameter: by its function, to type what
         * an allocation on its line is assigned to. */
        if (kept && (a->tag == TAG_VARIABLE || a->tag == TAG_PARAMETER) &&
            !d.addr && depth > 1)
            d.func = func[depth];
        int idx = -1;
        if (kept) {
            idx = dt_push(dt, &d);
            /* Members and subranges hang under their struct / array. */
            int p = parent[depth];
            if ((a->tag == TAG_MEMBER || a->tag == TAG_SUBRANGE) && p >= 0) {
                if (last[depth] >= 0)
                    dt->d[last[depth]].next = idx;
                else
                    dt->d[p].child = idx;
                last[depth] = idx;
            }
        }
        if (a->children) {
            if (depth + 1 >= MAX_DEPTH)
                return false;
            depth++;
            parent[depth] = idx;
            last[depth] = -1;
            func[depth] = a->tag == TAG_SUBPROGRAM ? idx : func[depth - 1];
        }
    }
    return true;
}

/* Whether a compilation unit's name (its source file) ends with tail. */
static bool name_ends(const char *name, const char *tail)
{
    size_t n = name ? strlen(name) : 0, t = strlen(tail);

    return n >= t && strcmp(name + n - t, tail) == 0;
}

/* The program's units. A plain C program is linked as rlprt_begin.o, the
 * program's objects, rlprt_end.o, then the runtime (librlprt.a, whose own
 * globals and types must not name the program's memory): with `all`
 * false, only the units between the two markers are walked (the others'
 * first DIE only, for its name); with `all`, every unit (an executable
 * linked without the markers). *found: whether the first marker was seen. */
static bool info_walk(struct rl_dwtypes *dt, const struct sect *info,
                      const struct sect *abbrev, struct unit *proto,
                      bool all, bool *found)
{
    struct abbrevs t = {0};
    struct cur c = {info->p, info->p + info->len, false};
    bool ok = true, inside = all;

    *found = false;
    while (ok && c.p < c.end) {
        struct unit u = *proto;
        u.start_off = (uint64_t)(c.p - info->p);
        uint64_t ulen = rd(&c, 4);
        if (c.bad || ulen >= 0xfffffff0 || ulen > (uint64_t)(c.end - c.p)) {
            ok = false; /* 64-bit DWARF, or cut short */
            break;
        }
        struct cur uc = {c.p, c.p + ulen, false};
        c.p += ulen;
        u.version = (int)rd(&uc, 2);
        uint64_t aoff;
        int ut = 1;
        if (u.version >= 5) {
            ut = (int)rd(&uc, 1);
            u.addr_size = (int)rd(&uc, 1);
            aoff = rd(&uc, 4);
            if (ut == 2 || ut == 6) /* type units: signature, offset */
                skip(&uc, 12);
            else if (ut == 4 || ut == 5) /* skeleton, split: an id */
                skip(&uc, 8);
        } else if (u.version >= 2) {
            aoff = rd(&uc, 4);
            u.addr_size = (int)rd(&uc, 1);
        } else {
            ok = false;
            break;
        }
        if (uc.bad || (u.addr_size != 4 && u.addr_size != 8)) {
            ok = false;
            break;
        }
        /* DWARF 5's default bases: past the sections' headers. */
        u.str_base = 8;
        u.addr_base = 8;
        if (!abbrevs_read(&t, abbrev, aoff)) {
            ok = false;
            break;
        }
        if (!all) {
            /* The unit's own DIE: its name says where we are. */
            struct cur head = uc;
            const struct abbrev *a = abbrev_find(&t, uleb(&head));
            struct cur again = head;
            struct die cu = {0};
            /* Twice: clang gives the name (an index into the unit's
             * strings) before where the unit's strings start. */
            if (!a || !die_read(&head, &u, &t, a, false, &cu) ||
                !die_read(&again, &u, &t, a, true, &cu)) {
                free(cu.name);
                ok = false;
                break;
            }
            bool begin = name_ends(cu.name, "rlprt_begin.c");
            bool end = name_ends(cu.name, "rlprt_end.c");
            free(cu.name);
            if (end)
                break;
            if (begin)
                *found = inside = true;
            if (begin || !inside)
                continue;
        }
        ok = unit_walk(dt, &uc, &u, &t, info->p);
    }
    free(t.a);
    free(t.at);
    return ok;
}

struct rl_dwtypes *rl_dwtypes_load(const unsigned char *img, size_t len)
{
    struct sect info = elf_section(img, len, ".debug_info");
    struct sect abbrev = elf_section(img, len, ".debug_abbrev");
    struct unit proto = {0};

    if (!info.p || !abbrev.p)
        return NULL;
    proto.str = elf_section(img, len, ".debug_str");
    proto.line_str = elf_section(img, len, ".debug_line_str");
    proto.str_off = elf_section(img, len, ".debug_str_offsets");
    proto.addr = elf_section(img, len, ".debug_addr");
    struct rl_dwtypes *dt = rl_xcalloc(1, sizeof *dt);
    bool marked, ok = info_walk(dt, &info, &abbrev, &proto, false, &marked);
    if (ok && !marked)
        ok = info_walk(dt, &info, &abbrev, &proto, true, &marked);
    if (!ok || dt->n == 0) {
        rl_dwtypes_destroy(dt);
        return NULL;
    }
    return dt;
}

void rl_dwtypes_destroy(struct rl_dwtypes *dt)
{
    if (!dt)
        return;
    for (int i = 0; i < dt->n; i++)
        free(dt->d[i].name);
    free(dt->d);
    free(dt);
}

