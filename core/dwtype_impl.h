/* SPDX-License-Identifier: MIT */
/*
 * dwtype_impl.h - what dwtype.c reads from DWARF and dwtype_name.c answers
 * from: the DIEs kept, in section order.
 */
#ifndef RL_DWTYPE_IMPL_H
#define RL_DWTYPE_IMPL_H

#include <stdbool.h>
#include <stdint.h>

/* The DWARF constants used here (DWARF 5, section 7). */
enum {
    TAG_ARRAY = 0x01,
    TAG_CLASS = 0x02,
    TAG_ENUM = 0x04,
    TAG_MEMBER = 0x0d,
    TAG_POINTER = 0x0f,
    TAG_STRUCT = 0x13,
    TAG_TYPEDEF = 0x16,
    TAG_UNION = 0x17,
    TAG_SUBRANGE = 0x21,
    TAG_BASE = 0x24,
    TAG_CONST = 0x26,
    TAG_VARIABLE = 0x34,
    TAG_VOLATILE = 0x35,
    TAG_RESTRICT = 0x37,
    TAG_ATOMIC = 0x47,
    TAG_PARAMETER = 0x05,
    TAG_SUBPROGRAM = 0x2e,

    AT_LOCATION = 0x02,
    AT_NAME = 0x03,
    AT_LOW_PC = 0x11,
    AT_HIGH_PC = 0x12,
    AT_DECL_LINE = 0x3b,
    AT_BYTE_SIZE = 0x0b,
    AT_BIT_SIZE = 0x0d,
    AT_UPPER_BOUND = 0x2f,
    AT_COUNT = 0x37,
    AT_DECLARATION = 0x3c,
    AT_MEMBER_LOCATION = 0x38,
    AT_SPECIFICATION = 0x47,
    AT_TYPE = 0x49,
    AT_DATA_BIT_OFFSET = 0x6b,
    AT_STR_OFFSETS_BASE = 0x72,
    AT_ADDR_BASE = 0x73,
    AT_FRAME_BASE = 0x40,

    OP_ADDR = 0x03,
    OP_PLUS_UCONST = 0x23,
    OP_ADDRX = 0xa1,
    OP_GNU_ADDR_INDEX = 0xfb,
    OP_REG6 = 0x56,  /* x86-64 rbp */
    OP_BREG6 = 0x76, /* rbp + N */
    OP_FBREG = 0x91, /* the frame base + N */
    OP_CALL_FRAME_CFA = 0x9c,
};

/* Where a function's frame base is (DW_AT_frame_base), and so its locals
 * (DW_OP_fbreg N): known for x86-64's frame-pointer code only. */
enum fb_kind {
    FB_NONE,
    FB_CFA, /* the canonical frame address (gcc) */
    FB_RBP, /* rbp + fb (clang: DW_OP_reg6, fb 0) */
};

#define NONE UINT64_MAX
#define MAX_DEPTH 64 /* DIE nesting kept track of */
#define MAX_HOPS 32  /* type references followed for one answer */

/* A DIE kept: what naming needs of it. */
struct die {
    uint64_t off;   /* its offset in .debug_info: how types refer to it */
    uint64_t type;  /* DW_AT_type (an offset), NONE if absent */
    uint64_t size;  /* DW_AT_byte_size; a member: its offset; a
                       subrange: its element count; NONE if absent */
    uint64_t addr;  /* a variable: its address (DW_OP_addr), else 0 */
    uint64_t spec;  /* a variable: DW_AT_specification, NONE if absent */
    char *name;     /* DW_AT_name, NULL if absent */
    int child;      /* first kept child (member, subrange), -1 if none */
    int next;       /* next kept sibling, -1 if none */
    uint64_t high;  /* a function: the end of its code (addr: its start) */
    int func;       /* a local or parameter: its function's index, else -1 */
    uint32_t line;  /* DW_AT_decl_line, 0 if absent */
    int64_t fb;     /* a function: its frame base's offset (FB_RBP); a
                       local: its offset from the frame base */
    uint8_t fbkind; /* a function: enum fb_kind; a local: 1 if at fb */
    uint16_t tag;
    bool decl; /* DW_AT_declaration: an extern, defined elsewhere */
    bool bits; /* a member: a bit-field (shares its bytes with others) */
};

struct rl_dwtypes {
    struct die *d;
    int n, cap;
};

#endif
