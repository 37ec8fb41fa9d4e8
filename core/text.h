/* SPDX-License-Identifier: MIT */
/*
 * text.h - text that came from a user, made safe to show: a message that
 * echoes an argument must not move the cursor, clear the screen or break
 * the one-line error across lines, and must not cut a UTF-8 character in
 * half.
 *
 * Valid UTF-8 goes through whole. A control character becomes an escape a
 * reader can type back: \n \r \t \e, else \xNN (C0 and DEL) or \uNNNN
 * (C1, U+0080..U+009F). A byte that is not part of valid UTF-8 (a stray
 * continuation byte, a truncated or overlong sequence, a surrogate) becomes
 * \xNN, so the output is always valid UTF-8 and always one line.
 */
#ifndef RL_TEXT_H
#define RL_TEXT_H

#include <stddef.h>

/* Copy in (inlen bytes) to out (len bytes, NUL-terminated), escaped as
 * above. Stops before an escape or a character that would not fit whole.
 * Returns the bytes written, without the NUL. */
size_t rl_text_escape(char *out, size_t len, const char *in, size_t inlen);

/* The length of the valid UTF-8 character at s (1..4; 1 for an ASCII
 * byte), or 0 if s does not start one (or at the NUL). n bounds the read. */
size_t rl_text_char_len(const char *s, size_t n);

/* The longest prefix of s (n bytes) of at most max bytes that does not end
 * inside a UTF-8 character. */
size_t rl_text_prefix(const char *s, size_t n, size_t max);

/* in as one word a POSIX shell reads back as in (a path in a command a
 * report prints): as is when every byte is a letter, a digit or one of
 * _ . / - + , : = @ %, else in single quotes with each ' as '\''; a
 * leading '-' gets "./" so that it is not read as an option. A word with
 * a control character or a byte of invalid UTF-8 is written $'...' (bash,
 * zsh, ksh: \n, \t, \xNN, \' and \\ escapes), so that it is still one
 * line of valid UTF-8. Returns the length the whole word needs (as
 * snprintf); out is cut to fit len. */
size_t rl_text_shell_word(char *out, size_t len, const char *in);

#endif
