/* SPDX-License-Identifier: MIT */
/*
 * prt_main.c - the plain-C runtime's core: the program's main as thread
 * T0 of a sim run, threads, the map from addresses to engine objects,
 * names for them, and what is reset between two runs in one process.
 *
 * Addresses. Every shared location and every pthread object is found by
 * its address in one open-addressing table, created on first use (so
 * PTHREAD_MUTEX_INITIALIZER and friends need nothing) and emptied for
 * each run by bumping a generation number. Names: globals and statics by
 * their ELF symbol (read once from the executable's .symtab, so `static`
 * variables have names too), a member or element inside one as the
 * source names it (`acct.balance`, `grid[1][2]`) from the executable's
 * debug information (dwtype.c), without it as `buffer[3]` when the symbol
 * is larger than the object; heap blocks by allocation: `heap#2@prog.c:14`
 * (a helper's, `void *xmalloc(size_t n)`, by the line that called it);
 * a location on a thread's stack as `T1.stack-40`; anything else by
 * address.
 *
 * Between runs. A process may run the program many times (exploration):
 * the program's own globals are copied at start-up and copied back before
 * each later run, and its heap blocks still allocated are freed. The
 * globals are the .data and .bss of the program's objects, which the link
 * places between rlprt_begin.o and rlprt_end.o (see the build flags); the
 * runtime's and the engine's own data lie outside and are left alone.
 *
 * Thread-locals: all lab threads are fibers of one OS thread, so the
 * program's __thread / _Thread_local variables are copied in and out
 * around each step of a thread (tls_switch): each thread has its own, and
 * its own errno.
 *
 * Before a second thread has started, memory accesses are not scheduling
 * points and make no records: single-threaded set-up stays cheap, and no
 * other thread could interleave with it anyway. From the first
 * pthread_create on, every access to shared memory is one.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../fiber.h"
#include "../srcloc.h"
#include "../analysis.h"
#include "../dwtype.h"
#include "../value.h"
#include "prt.h"

struct prt prt;
struct prt_frames prt_frames[RL_MAX_THREADS];

int __real_main(int argc, char **argv, char **envp);
void *__real_malloc(size_t n);
void __real_free(void *p);
int __real_pthread_create(pthread_t *th, const pthread_attr_t *attr,
                          void *(*fn)(void *), void *arg);
int __real_pthread_join(pthread_t th, void **ret);
_Noreturn void __real_pthread_exit(void *ret);
pthread_t __real_pthread_self(void);
int __real_pthread_detach(pthread_t th);
int __real_pthread_equal(pthread_t a, pthread_t b);

/* ---- the program's globals ----------------------------------------------- */

/* Markers around the program's data (rlprt_begin.c, rlprt_end.c); weak so
 * that a program linked without them still runs (once per process). */
extern char rlprt_data_begin __attribute__((weak));
extern char rlprt_data_end __attribute__((weak));
extern char rlprt_bss_begin __attribute__((weak));
extern char rlprt_bss_end __attribute__((weak));

static char *snap_data, *snap_bss;
static size_t snap_data_len, snap_bss_len;

/* memcpy over a range of several globals: under AddressSanitizer (make
 * SANITIZE=1) the redzones between them are not errors here. */
__attribute__((no_sanitize("address"))) static void
copy_raw(volatile char *to, const volatile char *from, size_t n)
{
    for (size_t i = 0; i < n; i++)
        to[i] = from[i];
}

/* Copy the program's globals as they are at start-up. */
static void globals_snapshot(void)
{
    if (&rlprt_data_begin && &rlprt_data_end > &rlprt_data_begin) {
        snap_data_len = (size_t)(&rlprt_data_end - &rlprt_data_begin);
        snap_data = __real_malloc(snap_data_len);
        copy_raw(snap_data, &rlprt_data_begin, snap_data_len);
    }
    if (&rlprt_bss_begin && &rlprt_bss_end > &rlprt_bss_begin) {
        snap_bss_len = (size_t)(&rlprt_bss_end - &rlprt_bss_begin);
        snap_bss = __real_malloc(snap_bss_len);
        copy_raw(snap_bss, &rlprt_bss_begin, snap_bss_len);
    }
}

/* Put the program's globals back as they were at start-up. */
static void globals_restore(void)
{
    if (snap_data)
        copy_raw(&rlprt_data_begin, snap_data, snap_data_len);
    if (snap_bss)
        copy_raw(&rlprt_bss_begin, snap_bss, snap_bss_len);
}

/* ---- thread-local variables -------------------------------------------- */

/* The program's thread-locals lie between these markers in the TLS block
 * of the one OS thread all lab threads share. Each lab thread keeps its
 * own copy, swapped in and out around its steps (rl_px_switch_hook); a
 * new thread starts from the values of the initial image. */
extern _Thread_local char rlprt_tdata_begin, rlprt_tdata_end;
extern _Thread_local char rlprt_tbss_begin, rlprt_tbss_end;

static char *tls_image;
static size_t tls_data_len, tls_bss_len;

/* Copy the initial values of the program's thread-locals. */
static void tls_snapshot(void)
{
    char *db = &rlprt_tdata_begin, *de = &rlprt_tdata_end;
    char *bb = &rlprt_tbss_begin, *be = &rlprt_tbss_end;
    tls_data_len = de > db ? (size_t)(de - db) : 0;
    tls_bss_len = be > bb ? (size_t)(be - bb) : 0;
    if (tls_data_len + tls_bss_len <= 2) /* just our markers */
        return;
    tls_image = __real_malloc(tls_data_len + tls_bss_len);
    copy_raw(tls_image, db, tls_data_len);
    copy_raw(tls_image + tls_data_len, bb, tls_bss_len);
}

/* Swap thread t's thread-locals and errno in (before its step) or out
 * (after). */
static void tls_switch(struct rl_thread *t, bool in)
{
    struct prt_thread *pt = &prt.th[t->id];
    char *db = &rlprt_tdata_begin, *bb = &rlprt_tbss_begin;
    if (in)
        errno = pt->err;
    else
        pt->err = errno;
    if (!tls_image)
        return;
    if (in) {
        const char *from = pt->tls ? pt->tls : tls_image;
        copy_raw(db, from, tls_data_len);
        copy_raw(bb, from + tls_data_len, tls_bss_len);
        return;
    }
    if (!pt->tls)
        pt->tls = __real_malloc(tls_data_len + tls_bss_len);
    copy_raw(pt->tls, db, tls_data_len);
    copy_raw(pt->tls + tls_data_len, bb, tls_bss_len);
}

/* Free the threads' copies (a new run starts from the image). */
static void tls_reset(void)
{
    for (int i = 0; i < RL_MAX_THREADS; i++) {
        __real_free(prt.th[i].tls);
        prt.th[i].tls = NULL;
    }
}

/* ---- symbols and read-only memory ---------------------------------------- */

struct sym {
    uintptr_t addr;
    size_t size;
    char *name;
};

static struct sym *syms;
static size_t nsyms;
/* The globals' types, from the executable's debug information (NULL
 * without -g): members and elements by their C names. */
static struct rl_dwtypes *dwtypes;
/* Memory no access of which is a scheduling point: the executable's
 * read-only segments, and the C library's variables copied into it
 * (stdout@GLIBC..., environ...), which are its business. */
#define MAX_SKIP 32
static uintptr_t ro_lo[MAX_SKIP], ro_hi[MAX_SKIP];
static int nro;
/* The executable's code, to tell the program's pcs from the libraries'. */
static uintptr_t text_lo[4], text_hi[4];
static int ntext;

/* Order symbols by address. */
static int sym_cmp(const void *a, const void *b)
{
    const struct sym *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Read the data symbols of the executable's .symtab (statics included). */
static void syms_load(void)
{
    int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
        close(fd);
        return;
    }
    size_t len = (size_t)st.st_size;
    const unsigned char *img = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (img == MAP_FAILED)
        return;
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
        eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_shoff == 0 ||
        eh->e_shoff + (size_t)eh->e_shnum * sizeof(Elf64_Shdr) > len) {
        munmap((void *)img, len);
        return;
    }
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(img + eh->e_shoff);
    for (int i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum)
            continue;
        const Elf64_Sym *sym = (const Elf64_Sym *)(img + sh[i].sh_offset);
        size_t n = sh[i].sh_size / sizeof(Elf64_Sym);
        const char *str = (const char *)img + sh[sh[i].sh_link].sh_offset;
        syms = __real_malloc((n ? n : 1) * sizeof(*syms));
        for (size_t k = 0; k < n; k++) {
            if (ELF64_ST_TYPE(sym[k].st_info) != STT_OBJECT ||
                sym[k].st_size == 0 || sym[k].st_value == 0)
                continue;
            const char *nm = str + sym[k].st_name;
            if (strncmp(nm, "rlprt_", 6) == 0)
                continue;
            if (strchr(nm, '@')) {
                if (nro < MAX_SKIP) {
                    ro_lo[nro] = sym[k].st_value;
                    ro_hi[nro++] = sym[k].st_value + sym[k].st_size;
                }
                continue;
            }
            /* A function's static: gcc's "calls.0", clang's
             * "worker.calls". */
            const char *dot = strrchr(nm, '.');
            if (dot && dot > nm && dot[1] && !(dot[1] >= '0' && dot[1] <= '9'))
                nm = dot + 1;
            size_t l = strcspn(nm, ".");
            if (l == 0)
                l = strlen(nm);
            char *copy = __real_malloc(l + 1);
            memcpy(copy, nm, l);
            copy[l] = '\0';
            syms[nsyms++] = (struct sym){sym[k].st_value, sym[k].st_size, copy};
        }
        qsort(syms, nsyms, sizeof(*syms), sym_cmp);
        break;
    }
    dwtypes = rl_dwtypes_load(img, len);
    munmap((void *)img, len);
}

/* Note the read-only segments and the code of the executable, and the
 * thread-local blocks of every module (all lab threads are fibers of one
 * OS thread: they share one copy, and an access to it is not a step). */
static int ro_note(struct dl_phdr_info *info, size_t size, void *ctx)
{
    (void)size;
    int *module = ctx;
    bool exe = (*module)++ == 0;
    for (int i = 0; i < info->dlpi_phnum && nro < MAX_SKIP; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
        if (ph->p_type == PT_TLS && info->dlpi_tls_data) {
            ro_lo[nro] = (uintptr_t)info->dlpi_tls_data;
            ro_hi[nro++] = (uintptr_t)info->dlpi_tls_data + ph->p_memsz;
        }
        if (!exe || ph->p_type != PT_LOAD)
            continue;
        if ((ph->p_flags & PF_X) && ntext < 4) {
            text_lo[ntext] = lo;
            text_hi[ntext++] = lo + ph->p_memsz;
        }
        if (!(ph->p_flags & PF_W)) {
            ro_lo[nro] = lo;
            ro_hi[nro++] = lo + ph->p_memsz;
        }
    }
    return 0;
}

/* The symbol containing addr, or NULL. */
static const struct sym *sym_find(uintptr_t addr)
{
    size_t lo = 0, hi = nsyms;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (syms[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    const struct sym *s = &syms[lo - 1];
    return addr < s->addr + s->size ? s : NULL;
}

/* ---- the heap ------------------------------------------------------------ */

struct heap_block {
    uintptr_t p; /* 0: empty, 1: deleted */
    size_t size;
    uintptr_t site;  /* the allocation's call (malloc's) */
    uintptr_t at;    /* the line its name gives: site, or a caller's call
                        of the helper that allocated it (heap_resolve) */
    uintptr_t up[2]; /* the calls of the allocating function and of its
                        caller, in the program's code; 0: none */
    unsigned serial;
    int nobj;   /* objects named inside it */
    int region; /* its region of the run's memory (value.h), or -1 */
    bool typed;    /* type is known (looked up when first named) */
    uint64_t type; /* what it holds (dwtype.h), 0 if unknown */
};

static struct heap_block *heap;
static size_t heap_cap, heap_used;
static unsigned heap_serial;

/* The slot of block p (or an empty slot for it). */
static struct heap_block *heap_slot(uintptr_t p)
{
    size_t i = (p >> 4) * 0x9E3779B97F4A7C15u >> 8 & (heap_cap - 1);
    struct heap_block *del = NULL;
    while (heap[i].p && heap[i].p != p) {
        if (heap[i].p == 1 && !del)
            del = &heap[i];
        i = (i + 1) & (heap_cap - 1);
    }
    return heap[i].p == p || !del ? &heap[i] : del;
}

/* Around the engine's bookkeeping of regions from a lab thread: the
 * allocations it makes are the runtime's, not the program's. */
static void region_begin(void)
{
    struct rl_thread *t = prt.active ? rl_px_self() : NULL;
    if (t)
        prt.th[t->id].inside++;
}

/* The end of region_begin. */
static void region_end(void)
{
    struct rl_thread *t = prt.active ? rl_px_self() : NULL;
    if (t)
        prt.th[t->id].inside--;
}

/* "heap#2@prog.c:14": block b by its allocation. */
static void heap_name(const struct heap_block *b, char *buf, size_t len)
{
    char where[64];
    prt_where(b->at, where, sizeof(where));
    snprintf(buf, len, "heap#%u@%.24s", b->serial, where);
}

static void heap_resolve(struct heap_block *b);

/* Note the calls that led to block b's allocation: of the function
 * that called malloc and of its caller (the running thread's frames). */
static void heap_callers(struct heap_block *b)
{
    struct rl_thread *t = rl_px_self();
    if (!t)
        return;
    const struct prt_frames *fs = &prt_frames[t->id];
    for (int k = 0; k < 2; k++) {
        int i = fs->n - 1 - k;
        if (i < 0 || i >= PRT_FRAMES || !prt_pc_in_program(fs->f[i].ret))
            break;
        b->up[k] = fs->f[i].ret;
    }
}

/* A new block of the program (see prt.h). */
void prt_heap_note(void *p, size_t size, uintptr_t site)
{
    if (2 * (heap_used + 1) > heap_cap) {
        struct heap_block *old = heap;
        size_t n = heap_cap;
        heap_cap = heap_cap ? heap_cap * 2 : 256;
        heap = __real_malloc(heap_cap * sizeof(*heap));
        memset(heap, 0, heap_cap * sizeof(*heap));
        heap_used = 0;
        for (size_t i = 0; i < n; i++)
            if (old[i].p > 1) {
                *heap_slot(old[i].p) = old[i];
                heap_used++;
            }
        __real_free(old);
    }
    struct heap_block *b = heap_slot((uintptr_t)p);
    if (b->p != (uintptr_t)p)
        heap_used++;
    *b = (struct heap_block){.p = (uintptr_t)p,
                             .size = size,
                             .site = site,
                             .at = site,
                             .serial = ++heap_serial,
                             .region = -1};
    struct rl_run *run = rl_current;
    if (prt.active && run) {
        char name[RL_NAME_MAX];
        region_begin();
        heap_callers(b);
        if (b->up[0])
            heap_resolve(b); /* a helper's block: named by its caller */
        heap_name(b, name, sizeof(name));
        b->region = rl_value_region_add(run, (uintptr_t)p, size, RL_REGION_DATA,
                                        name, run->rec_last);
        region_end();
    }
}

/* A block freed: its objects are forgotten (the address may come back). */
void prt_heap_forget(void *p)
{
    if (!heap || !p)
        return;
    struct heap_block *b = heap_slot((uintptr_t)p);
    if (b->p != (uintptr_t)p)
        return;
    if (prt.active && rl_current) {
        region_begin();
        rl_value_region_end(rl_current, b->region, rl_current->rec_last);
        region_end();
    }
    if (b->nobj && prt.active && rl_current) {
        struct rl_run *run = rl_current;
        for (int i = 0; i < run->nobjs; i++) {
            uintptr_t a = (uintptr_t)run->objs[i]->addr;
            if (a >= b->p && a < b->p + b->size)
                prt_obj_forget(run->objs[i]->addr);
        }
    }
    b->p = 1;
}

/* The live block containing addr, or NULL (a scan: names only). */
static struct heap_block *heap_find(uintptr_t addr)
{
    for (size_t i = 0; i < heap_cap; i++)
        if (heap[i].p > 1 && addr >= heap[i].p &&
            addr < heap[i].p + heap[i].size)
            return &heap[i];
    return NULL;
}

/* Free what the previous run left allocated. */
static void heap_reset(void)
{
    for (size_t i = 0; i < heap_cap; i++)
        if (heap[i].p > 1)
            __real_free((void *)heap[i].p);
    if (heap)
        memset(heap, 0, heap_cap * sizeof(*heap));
    heap_used = 0;
    heap_serial = 0;
}

/* ---- names --------------------------------------------------------------- */

static struct rl_srcloc *srcloc;
static bool srcloc_tried;

/* The executable's source locations (started on first use; NULL if
 * addr2line cannot run). */
static struct rl_srcloc *srcloc_get(void)
{
    if (!srcloc_tried) {
        srcloc_tried = true;
        prt.spawning = true; /* its fork() is ours, not the program's */
        srcloc = rl_srcloc_open("/proc/self/exe");
        prt.spawning = false;
    }
    return srcloc;
}

/* "file:line" of pc (see prt.h). */
const char *prt_where(uintptr_t pc, char *buf, size_t len)
{
    return rl_srcloc_format(srcloc_get(), pc, buf, len);
}

/* What blocks allocated along the same calls hold, and the line that
 * says so: resolved once per (site, callers), not per block. */
#define TYPE_CACHE 64
static struct type_memo {
    uintptr_t site, up0, up1;
    uintptr_t at;
    uint64_t type;
} type_cache[TYPE_CACHE];

/* What block b holds and the line its name gives (b->type, b->at), from
 * the line that allocated it (dwtype.h): `struct node *n = malloc(...)`.
 * A line that hands the block on untyped (`void *p = malloc(n);` in a
 * helper that returns p, `return malloc(n);`) leaves it to the line
 * that called the function, at most two calls up: `struct node *n =
 * xmalloc(sizeof *n);` types the block, and names it. 0 if unknown;
 * then the block keeps its allocation's line. */
static void heap_resolve(struct heap_block *b)
{
    struct rl_loc loc;
    b->typed = true;
    b->type = 0;
    b->at = b->site;
    if (!dwtypes || !srcloc_get())
        return;
    size_t h =
        (b->site ^ b->up[0] * 31 ^ b->up[1] * 17) >> 2 & (TYPE_CACHE - 1);
    struct type_memo *m = &type_cache[h];
    if (m->site == b->site && m->up0 == b->up[0] && m->up1 == b->up[1]) {
        b->type = m->type;
        b->at = m->at;
        return;
    }
    uintptr_t pc = b->site;
    const char *callee = NULL; /* NULL: malloc and the like */
    for (int k = 0; k <= 2; k++) {
        bool passed;
        if (rl_srcloc_lookup(srcloc, pc, &loc) != 0 || !loc.file)
            break;
        uint64_t type = rl_dwtypes_call_type(
            dwtypes, pc, loc.line, rl_srcloc_line(srcloc, loc.file, loc.line),
            callee, &passed);
        if (type) {
            b->type = type;
            b->at = pc;
            break;
        }
        /* Up only into the program's own functions (not the runtime's
         * call of main or of a thread's function). */
        if (!passed || k == 2 || !b->up[k] ||
            !rl_dwtypes_func_name(dwtypes, b->up[k]))
            break;
        callee = rl_dwtypes_func_name(dwtypes, pc);
        if (!callee)
            break;
        pc = b->up[k];
    }
    *m = (struct type_memo){b->site, b->up[0], b->up[1], b->at, b->type};
}

/* What block b holds (heap_resolve), 0 if unknown: looked up once, when
 * it is allocated by a function of the program's or when something in
 * it is first named. */
static uint64_t heap_type(struct heap_block *b)
{
    if (!b->typed)
        heap_resolve(b);
    return b->type;
}

/* Whether an object of the current run already has the name. */
static bool name_taken(const char *name)
{
    struct rl_run *run = rl_current;
    for (int i = 0; run && i < run->nobjs; i++)
        if (strcmp(run->objs[i]->name, name) == 0)
            return true;
    return false;
}

/* Append "[i]" for an element of a larger object that is an array of
 * such elements (i from the offset), else "+offset" (a field of a
 * struct: the mutex of `struct account x` is "x", its balance "x+40"
 * when "x[5]" would name another object too, accessed at another
 * width). */
static void name_elem(char *buf, size_t len, size_t off, size_t total,
                      size_t elem)
{
    size_t n = strlen(buf);
    if (n >= len)
        return;
    if (elem && total > elem && total % elem == 0 && off % elem == 0) {
        snprintf(buf + n, len - n, "[%zu]", off / elem);
        if (!name_taken(buf))
            return;
    }
    buf[n] = '\0';
    if (off)
        snprintf(buf + n, len - n, "+%zu", off);
}

/* A name for the object at addr of elem bytes (see the file comment). */
static void name_of(uintptr_t addr, size_t elem, char *buf, size_t len)
{
    buf[0] = '\0';
    const struct sym *s = sym_find(addr);
    if (s) {
        snprintf(buf, len, "%s", s->name);
        if (!rl_dwtypes_path(dwtypes, s->addr, s->name, s->size,
                             addr - s->addr, elem, buf, len))
            name_elem(buf, len, addr - s->addr, s->size, elem);
        return;
    }
    struct heap_block *b = heap_find(addr);
    if (b) {
        heap_name(b, buf, len);
        if (!rl_dwtypes_block_path(dwtypes, heap_type(b), b->size,
                                   addr - b->p, elem, buf, len))
            name_elem(buf, len, addr - b->p, b->size, elem);
        b->nobj++;
        return;
    }
    struct rl_run *run = rl_current;
    for (int i = 0; run && i < run->nthreads; i++) {
        const struct prt_thread *pt = &prt.th[i];
        if (addr >= pt->lo && addr < pt->hi) {
            /* A variable of one of its live frames, innermost first. */
            const struct prt_frames *fs = &prt_frames[i];
            for (int k = (fs->n < PRT_FRAMES ? fs->n : PRT_FRAMES) - 1;
                 k >= 0; k--)
                if (rl_dwtypes_frame_path(dwtypes, fs->f[k].pc, fs->f[k].cfa,
                                          addr, elem, buf, len))
                    return;
            snprintf(buf, len, "%.16s.stack-%zu", run->threads[i]->name,
                     (size_t)(pt->hi - addr));
            return;
        }
    }
}

/* ---- the address map ----------------------------------------------------- */

struct map_entry {
    uintptr_t addr;
    uint64_t gen; /* the run it belongs to; another: empty */
    struct rl_obj *obj;
};

static struct map_entry *map;
static size_t map_cap, map_used;
static uint64_t map_gen = 1;

/* The slot of addr in this run (found, or the empty one to fill). */
static inline struct map_entry *map_slot(uintptr_t addr)
{
    size_t i = (addr * 0x9E3779B97F4A7C15u >> 20) & (map_cap - 1);
    while (map[i].gen == map_gen && map[i].addr != addr)
        i = (i + 1) & (map_cap - 1);
    return &map[i];
}

/* Double the table, keeping this run's entries. */
static void map_grow(void)
{
    struct map_entry *old = map;
    size_t n = map_cap;
    map_cap = map_cap ? map_cap * 2 : 1024;
    map = __real_malloc(map_cap * sizeof(*map));
    memset(map, 0, map_cap * sizeof(*map));
    for (size_t i = 0; i < n; i++)
        if (old[i].gen == map_gen && old[i].obj)
            *map_slot(old[i].addr) = old[i];
    __real_free(old);
}

/* The object at addr if there is one. */
struct rl_obj *prt_obj_find(void *addr)
{
    if (!map)
        return NULL;
    struct map_entry *e = map_slot((uintptr_t)addr);
    return e->gen == map_gen ? e->obj : NULL;
}

/* Forget the object at addr: a tombstone, so probing goes on past it. */
void prt_obj_forget(void *addr)
{
    if (!map)
        return;
    struct map_entry *e = map_slot((uintptr_t)addr);
    if (e->gen == map_gen)
        e->obj = NULL;
}

/* The object at addr, created on first use and named as an element of
 * unit bytes (see prt_obj). */
static struct rl_obj *obj_at(void *addr, enum rl_obj_kind kind, long value,
                             long limit, size_t elem, size_t unit)
{
    if (2 * (map_used + 1) > map_cap)
        map_grow();
    struct map_entry *e = map_slot((uintptr_t)addr);
    if (e->gen == map_gen && e->obj && e->obj->kind == kind)
        return e->obj;
    char name[RL_NAME_MAX];
    name_of((uintptr_t)addr, unit, name, sizeof(name));
    struct rl_obj *o;
    if (kind == RL_OBJ_VAR)
        o = rl_px_mem_create(name[0] ? name : NULL, addr, (int)elem);
    else
        o = rl_px_create(kind, name[0] ? name : NULL, value, limit);
    if (e->gen != map_gen)
        map_used++;
    e->addr = (uintptr_t)addr;
    e->gen = map_gen;
    e->obj = o;
    return o;
}

/* The object at addr, created on first use (see prt.h). */
struct rl_obj *prt_obj(void *addr, enum rl_obj_kind kind, long value,
                       long limit, size_t elem)
{
    return obj_at(addr, kind, value, limit, elem, elem);
}

/* The memory variable at the start of a range (see prt.h). */
struct rl_obj *prt_obj_bytes(void *addr, size_t elem)
{
    return obj_at(addr, RL_OBJ_VAR, 0, 0, elem, 1);
}

/* Whether pc is in the executable's code (see prt.h). */
bool prt_pc_in_program(uintptr_t pc)
{
    for (int i = 0; i < ntext; i++)
        if (pc >= text_lo[i] && pc < text_hi[i])
            return true;
    return false;
}

/* Whether an access to addr by t is a scheduling point (see prt.h). */
bool prt_shared(const struct rl_thread *t, uintptr_t addr)
{
    const struct prt_thread *pt = &prt.th[t->id];
    if (addr >= pt->lo && addr < pt->hi) {
        /* Its own stack, unless another thread has used this location
         * (main passed &i to a thread): then it is shared like any. */
        const struct rl_obj *o = prt_obj_find((void *)addr);
        return o && o->kind == RL_OBJ_VAR;
    }
    for (int i = 0; i < nro; i++)
        if (addr >= ro_lo[i] && addr < ro_hi[i])
            return false;
    return addr >= 4096; /* a NULL dereference crashes, it is not shared */
}

/* ---- threads ------------------------------------------------------------- */

struct start {
    void *(*fn)(void *);
    void *arg;
};

/* Note the running thread's stack (and its region of the run's memory,
 * for values that point into it). */
static void thread_begin(struct rl_thread *t)
{
    struct prt_thread *pt = &prt.th[t->id];
    char name[RL_NAME_MAX];
    prt_frames[t->id].n = 0;
    fiber_stack_bounds(t->backend, &pt->lo, &pt->hi);
    snprintf(name, sizeof(name), "%.16s.stack", t->name);
    pt->inside++;
    pt->stack_region =
        rl_value_region_add(t->run, pt->lo, pt->hi - pt->lo, RL_REGION_STACK,
                            name, t->run->rec_last);
    pt->inside--;
}

/* Thread t's stack is gone (inside the runtime: t->inside > 0). */
static void thread_end(struct rl_thread *t)
{
    rl_value_region_end(t->run, prt.th[t->id].stack_region, t->run->rec_last);
}

/* The body of a thread made by pthread_create. */
static void thread_body(void *arg)
{
    struct rl_thread *t = rl_px_self();
    struct start st = *(struct start *)arg;
    __real_free(arg);
    struct prt_thread *pt = &prt.th[t->id];
    thread_begin(t);
    pt->fn = st.fn;
    pt->arg = st.arg;
    pt->ret = st.fn(st.arg);
    prt_keys_destroy(t);
    pt->inside++; /* its finish record is the engine's */
    thread_end(t);
}

/* Whether every thread but t has finished. */
static bool others_done(const struct rl_thread *t, char *list, size_t len)
{
    struct rl_run *run = t->run;
    bool done = true;
    size_t n = 0;
    list[0] = '\0';
    for (int i = 0; i < run->nthreads; i++) {
        if (i == t->id || atomic_load(&run->threads[i]->state) == RL_T_DONE)
            continue;
        done = false;
        if (n < len)
            n += (size_t)snprintf(list + n, len - n, "%s%s", n ? ", " : "",
                                  run->threads[i]->name);
    }
    return done;
}

/* The program ends (see prt.h). */
void prt_program_end(struct rl_thread *t, int status, const char *how)
{
    char others[128], where[64], msg[256];
    prt.th[t->id].inside++;
    bool alone = others_done(t, others, sizeof(others));
    if (status == 0 && alone)
        rl_px_thread_exit(); /* as if every thread finished: run done */
    int n;
    if (t->pc) {
        prt_where(t->pc, where, sizeof(where));
        n = snprintf(msg, sizeof(msg), "%s called %s(%d) at %s", t->name, how,
                     status, where);
    } else {
        n = snprintf(msg, sizeof(msg), "%s returned %d", how, status);
    }
    if (!alone && n > 0 && (size_t)n < sizeof(msg))
        snprintf(msg + n, sizeof(msg) - (size_t)n,
                 "; still running, not waited for: %s", others);
    rl_px_end(RL_END_EXIT, status, msg);
}

/* Thread T0: the program's main. */
static void main_body(void *arg)
{
    (void)arg;
    struct rl_thread *t = rl_px_self();
    thread_begin(t);
    int rc = __real_main(prt.argc, prt.argv, prt.envp);
    prt.th[t->id].inside++;
    t->pc = 0;
    prt_program_end(t, rc, "main");
}

/* Whether addr lies in the program's own data (between the markers of
 * rlprt_begin.o and rlprt_end.o; anywhere when it was linked without). */
static bool in_program_data(uintptr_t addr)
{
    if (!&rlprt_data_begin || !&rlprt_bss_begin)
        return true;
    return (addr >= (uintptr_t)&rlprt_data_begin &&
            addr < (uintptr_t)&rlprt_data_end) ||
           (addr >= (uintptr_t)&rlprt_bss_begin &&
            addr < (uintptr_t)&rlprt_bss_end);
}

/* The path of the address off bytes into region g, a global or a heap
 * block, as a pointer's value names it (value.h's namer): "&acct.balance",
 * "&heap#1@prog.c:25.next", from the executable's debug information. */
static bool value_path(void *ctx, const struct rl_region *g, uint64_t off,
                       char *buf, size_t len)
{
    (void)ctx;
    bool ok = false;
    if (!dwtypes || !prt.active)
        return false;
    region_begin();
    const struct sym *s = sym_find((uintptr_t)g->lo);
    if (s && s->addr == g->lo && s->size == g->size) {
        ok = rl_dwtypes_ptr_path(dwtypes, s->addr, s->name, s->size, off, buf,
                                 len);
    } else if (heap) {
        struct heap_block *b = heap_slot((uintptr_t)g->lo);
        if (b->p == g->lo && b->size == g->size)
            ok = rl_dwtypes_block_ptr_path(dwtypes, heap_type(b), b->size, off,
                                           buf, len);
    }
    region_end();
    return ok;
}

/* The program's globals as regions of the run's memory (value.h). */
static void globals_note(struct rl_run *run)
{
    for (size_t i = 0; i < nsyms; i++)
        if (in_program_data(syms[i].addr))
            rl_value_region_add(run, syms[i].addr, syms[i].size, RL_REGION_DATA,
                                syms[i].name, 0);
}

/* The setup of each run: a clean program, then T0. */
static void prt_setup(void *ctx)
{
    (void)ctx;
    if (prt.runs++ > 0) {
        globals_restore();
        heap_reset();
        /* Its input again from the start (a file racelab gave it, or
         * /dev/null): every run reads the same. */
        fseek(stdin, 0, SEEK_SET);
    }
    map_gen++;
    map_used = 0;
    tls_reset();
    memset(prt.th, 0, sizeof(prt.th));
    prt.multi = false;
    rl_current->plain = true;
    globals_note(rl_current);
    rl_value_set_namer(rl_current, value_path, NULL);
    const char *echo = getenv("RACELAB_ECHO");
    prt.quiet = echo && strcmp(echo, "0") == 0;
    prt.active = true;
    rl_thread_start(NULL, main_body, NULL);
}

/* The check of a run served to racelab: no data race (the happens-before
 * detector of core/analysis.c over the run's records), so that a race
 * fails a run and an exploration as in ThreadSanitizer. */
static void prt_check(struct rl_run *run, void *ctx)
{
    struct rl_analysis an;
    char text[512];
    (void)ctx;
    if (rl_analyze(run, &an, text, sizeof(text)) != 0)
        return;
    if (an.nraces == 0) {
        rl_check(run, "no data race", true,
                 "every conflicting access is ordered");
        return;
    }
    rl_race_text(run, &an.races[0], text, sizeof(text));
    rl_check(run, "no data race", false, "%s", text);
}

/* The program's entry: main becomes T0 of a run of the child. */
int __wrap_main(int argc, char **argv, char **envp)
{
    prt.argc = argc;
    prt.argv = argv;
    prt.envp = envp;
    /* Threads get stacks as big as a Linux thread's (RACELAB_STACK_KB). */
    const char *kb = getenv("RACELAB_STACK_KB");
    long stack_kb = kb && *kb ? atol(kb) : 8192;
    fiber_set_stack_size((size_t)(stack_kb > 0 ? stack_kb : 8192) * 1024);
    globals_snapshot();
    tls_snapshot();
    rl_px_switch_hook = tls_switch;
    syms_load();
    int module = 0;
    dl_iterate_phdr(ro_note, &module);
    prt_signals_install();
    struct rl_program program = {.setup = prt_setup};
    const char *fd = getenv("RACELAB_CHILD_FD");
    int rc;
    if (fd && *fd) {
        program.check = prt_check;
        rc = rl_child_main(&program, argc, argv);
    } else {
        rc = prt_standalone_main(&program, argc, argv);
    }
    prt.active = false;
    return rc;
}

/* ---- pthread threads ----------------------------------------------------- */

/* pthread_create: a step of the creating thread ("start T1"). */
int __wrap_pthread_create(pthread_t *th, const pthread_attr_t *attr,
                          void *(*fn)(void *), void *arg)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_pthread_create(th, attr, fn, arg);
    if (rl_run_thread_count(t->run) >= RL_MAX_THREADS)
        return EAGAIN;
    int ds = PTHREAD_CREATE_JOINABLE;
    if (attr)
        pthread_attr_getdetachstate(attr, &ds);
    struct start *st = __real_malloc(sizeof(*st));
    st->fn = fn;
    st->arg = arg;
    prt_in(t, PRT_PC());
    struct rl_thread *nt = rl_thread_start(NULL, thread_body, st);
    prt_out(t);
    prt.th[nt->id].detached = ds == PTHREAD_CREATE_DETACHED;
    prt.multi = true;
    *th = (pthread_t)(nt->id + 1);
    return 0;
}

/* pthread_join: wait for the thread, take what it returned. */
int __wrap_pthread_join(pthread_t th, void **ret)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_pthread_join(th, ret);
    long id = (long)th - 1;
    if (id < 0 || id >= rl_run_thread_count(t->run))
        return ESRCH;
    if (prt.th[id].detached)
        return EINVAL;
    if (id == t->id)
        return EDEADLK;
    prt_in(t, PRT_PC());
    rl_thread_join(t->run->threads[id]);
    prt_out(t);
    if (ret)
        *ret = prt.th[id].ret;
    return 0;
}

/* pthread_exit: the calling thread finishes now. */
void __wrap_pthread_exit(void *ret)
{
    struct rl_thread *t = prt_user();
    if (!t)
        __real_pthread_exit(ret);
    prt.th[t->id].ret = ret;
    uintptr_t pc = PRT_PC();
    if (t->id > 0)
        prt_keys_destroy(t); /* main's end is the program's: no destructors */
    prt_in(t, pc);
    thread_end(t);
    rl_px_thread_exit();
}

/* pthread_self: thread Tn is n + 1. */
pthread_t __wrap_pthread_self(void)
{
    struct rl_thread *t = prt_user();
    return t ? (pthread_t)(t->id + 1) : __real_pthread_self();
}

/* pthread_detach: nobody will join it. */
int __wrap_pthread_detach(pthread_t th)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_pthread_detach(th);
    long id = (long)th - 1;
    if (id < 0 || id >= rl_run_thread_count(t->run))
        return ESRCH;
    prt.th[id].detached = true;
    return 0;
}

/* pthread_equal. */
int __wrap_pthread_equal(pthread_t a, pthread_t b)
{
    return a == b;
}
