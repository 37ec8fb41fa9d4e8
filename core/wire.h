/* SPDX-License-Identifier: MIT */
/*
 * wire.h - the byte protocol between racelab (the parent) and a program
 * built apart that runs in a child process (core/child.c serves it,
 * core/mirror.c drives it). Private to those two files.
 *
 * Over a SOCK_STREAM socketpair, each message is a 12-byte header
 *
 *     uint32 magic (WIRE_MAGIC), uint32 type (enum wire_type),
 *     uint32 length of the payload (<= WIRE_MAX_PAYLOAD; a request
 *     <= WIRE_MAX_REQUEST)
 *
 * followed by the payload, in host byte order (both ends are the same
 * machine). A payload is a sequence of fields written by wire_put_* and
 * read back by wire_get_* in the same order; strings are a uint32 length
 * and the bytes. Every read is bounds-checked: a short or lying payload
 * sets the reader's error flag instead of reading past the end, and the
 * parent treats any error (bad magic, unknown type, oversized length,
 * short payload, an id out of range) as a broken protocol that ends the
 * run. The child trusts the parent.
 *
 * A conversation: the parent sends one request (WIRE_REQ_*); the child
 * answers with any number of WIRE_MSG_RECORDS / WIRE_MSG_QUERY /
 * WIRE_MSG_CHOICES messages
 * and then exactly one WIRE_MSG_FRAME, WIRE_MSG_ERROR, WIRE_MSG_OK or
 * WIRE_MSG_EXPLORED; an OBSERVE comes just before the FRAME that ends an
 * exercise's run. A QUERY (explore asks whether a failed check counts)
 * is answered by the parent with WIRE_REQ_ANSWER before the child goes on.
 * See child.h for what each carries.
 */
#ifndef RL_WIRE_H
#define RL_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WIRE_MAGIC 0x48434c52u /* "RLCH" */
#define WIRE_MAX_PAYLOAD ((uint32_t)8 << 20)
/* The largest request the child takes (it trusts the parent): a replay's
 * schedule may be far longer than any message the child sends. */
#define WIRE_MAX_REQUEST ((uint32_t)1 << 30)
#define WIRE_HEADER 12

/* A GASP's code for the watchdog's last resort (then: the reason). */
#define WIRE_GASP_WATCHDOG (-2)

enum wire_type {
    /* parent -> child */
    WIRE_REQ_CREATE = 1, /* sched, max_steps, max_records, backend */
    WIRE_REQ_STEP,       /* - */
    WIRE_REQ_STEP_THREAD,/* i32 tid */
    WIRE_REQ_FINISH,     /* - */
    WIRE_REQ_SET_SCHED,  /* sched */
    WIRE_REQ_EXPLORE,    /* explore options */
    WIRE_REQ_ANSWER,     /* u8: whether the queried check counts */
    /* child -> parent */
    WIRE_MSG_RECORDS = 32, /* u32 n, n * struct rl_record */
    WIRE_MSG_FRAME,        /* the run's state after a request */
    WIRE_MSG_ERROR,        /* str: why the request failed */
    WIRE_MSG_OK,           /* - */
    WIRE_MSG_QUERY,        /* str: a check name (explore) */
    WIRE_MSG_EXPLORED,     /* the explore result */
    WIRE_MSG_GASP,         /* i32 signal, -1 (exit) or WIRE_GASP_WATCHDOG
                              and a string (why): last words */
    WIRE_MSG_OBSERVE,      /* the bytes of an exercise's final state (the
                              payload is the state, nothing else) */
    WIRE_MSG_STATE,        /* the threads and objects created or changed
                              (as in a FRAME), sent before a record that
                              names one the parent has not been told of */
    WIRE_MSG_CHOICES,      /* the choices made since the last ones sent:
                              u32 n chunks, each varint rep (>= 1),
                              varint len, len * (u8 id, varint count) */
    WIRE_MSG_MEMORY,       /* regions of a C program's memory: u32 first
                              index, u32 n, n * (u64 lo, u64 size, u64
                              born, u8 kind, str name), u32 n ends,
                              n * (u32 index, u64 died), then u32 n
                              marks, n * (u32 index, u64 off, str path)
                              (absent: none)
                              (core/value.h) */
};

/* The most items of one CHOICES chunk, and the most bytes of choices the
 * child puts in one message (it sends more messages for more). */
#define WIRE_CHOICE_CHUNK_MAX 4096
#define WIRE_CHOICES_BYTES (1u << 20)

/* A growing output buffer. */
struct wire_buf {
    unsigned char *p;
    size_t n, cap;
};

/* A bounds-checked reader over a received payload. */
struct wire_reader {
    const unsigned char *p;
    size_t n, off;
    bool bad; /* a read went past the end, or a value was out of range */
};

void wire_reset(struct wire_buf *b);
void wire_free(struct wire_buf *b);
/* Start a message of type t (leaves room for the header). */
void wire_begin(struct wire_buf *b, uint32_t type);
/* Fill in the header of the message started at offset start. */
void wire_end(struct wire_buf *b, size_t start);
void wire_put(struct wire_buf *b, const void *data, size_t n);
void wire_put_u8(struct wire_buf *b, uint8_t v);
void wire_put_u32(struct wire_buf *b, uint32_t v);
void wire_put_i32(struct wire_buf *b, int32_t v);
void wire_put_u64(struct wire_buf *b, uint64_t v);
void wire_put_i64(struct wire_buf *b, int64_t v);
void wire_put_str(struct wire_buf *b, const char *s);
void wire_put_varint(struct wire_buf *b, uint64_t v);

bool wire_get(struct wire_reader *r, void *out, size_t n);
uint8_t wire_get_u8(struct wire_reader *r);
uint32_t wire_get_u32(struct wire_reader *r);
int32_t wire_get_i32(struct wire_reader *r);
uint64_t wire_get_u64(struct wire_reader *r);
int64_t wire_get_i64(struct wire_reader *r);
uint64_t wire_get_varint(struct wire_reader *r);
/* An int in lo..hi; out of range sets r->bad and returns lo. */
int wire_get_range(struct wire_reader *r, int lo, int hi);
/* A string into buf (truncated to len - 1, NUL-terminated); a string
 * longer than max bytes on the wire sets r->bad. */
void wire_get_str(struct wire_reader *r, char *buf, size_t len);
/* Make a received text safe to show: each control character (C0, DEL,
 * C1; but newline and tab when lines) and each byte that is not part of
 * well-formed UTF-8 becomes '?', in place. A name or a one-line report
 * then stays one line and cannot steer the terminal. */
void wire_clean_text(char *s, bool lines);
/* wire_get_str, then wire_clean_text (no newline): a name. */
void wire_get_name(struct wire_reader *r, char *buf, size_t len);
/* A malloc'd copy of a string of at most max bytes (NULL on error). */
char *wire_get_strdup(struct wire_reader *r, size_t max);

/* Write all of b to fd (retrying short writes and EINTR); -1 on error. */
int wire_send(int fd, const struct wire_buf *b);

#endif
