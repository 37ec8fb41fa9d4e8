/* SPDX-License-Identifier: MIT */
/*
 * check_text.c - escaping user text for messages (core/text.h): control
 * characters become escapes, valid UTF-8 stays whole, invalid bytes are
 * replaced by \xNN, and nothing is ever cut inside a character.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/text.h"

/* Escape s into a buffer of len bytes and return it (static). */
static const char *esc(const char *s, size_t len)
{
    static char out[256];

    ck_assert_uint_le(len, sizeof out);
    rl_text_escape(out, len, s, strlen(s));
    return out;
}

START_TEST(test_controls_escaped)
{
    ck_assert_str_eq(esc("a\nb\rc\td\x1b[2J", 64), "a\\nb\\rc\\td\\e[2J");
    ck_assert_str_eq(esc("\x01\x7f", 64), "\\x01\\x7F");
    /* C1 controls (U+0080..U+009F) are escaped as code points */
    ck_assert_str_eq(esc("x\xc2\x85y\xc2\x9b", 64), "x\\u0085y\\u009B");
    ck_assert_str_eq(esc("plain ASCII, with \\ and 'quotes'", 64),
                     "plain ASCII, with \\ and 'quotes'");
}
END_TEST

START_TEST(test_utf8_whole_invalid_replaced)
{
    ck_assert_str_eq(esc("caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x94\x92", 64),
                     "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x94\x92");
    /* a stray continuation byte, a truncated sequence, a lone lead byte */
    ck_assert_str_eq(esc("\x80", 64), "\\x80");
    ck_assert_str_eq(esc("a\xe2\x86", 64), "a\\xE2\\x86");
    ck_assert_str_eq(esc("\xff\xfe", 64), "\\xFF\\xFE");
    /* overlong '/', a surrogate, past U+10FFFF */
    ck_assert_str_eq(esc("\xc0\xaf", 64), "\\xC0\\xAF");
    ck_assert_str_eq(esc("\xed\xa0\x80", 64), "\\xED\\xA0\\x80");
    ck_assert_str_eq(esc("\xf4\x90\x80\x80", 64), "\\xF4\\x90\\x80\\x80");
}
END_TEST

START_TEST(test_never_cut_inside)
{
    /* "é" needs 2 bytes + NUL: a 3-byte buffer after "a" holds only "a" */
    ck_assert_str_eq(esc("a\xc3\xa9", 3), "a");
    ck_assert_str_eq(esc("a\xc3\xa9", 4), "a\xc3\xa9");
    /* an escape is never cut either */
    ck_assert_str_eq(esc("a\n", 3), "a");
    ck_assert_uint_eq(rl_text_prefix("0\xc3\xa9\xc3\xa9", 5, 4), 3);
    ck_assert_uint_eq(rl_text_prefix("0\xc3\xa9\xc3\xa9", 5, 5), 5);
    ck_assert_uint_eq(rl_text_prefix("ab\xff", 3, 3), 3);
    ck_assert_uint_eq(rl_text_char_len("\xe2\x86\x92", 3), 3);
    ck_assert_uint_eq(rl_text_char_len("\xe2\x86\x92", 2), 0);
    ck_assert_uint_eq(rl_text_char_len("", 1), 0);
}
END_TEST

/* Random bytes: the output is always valid UTF-8 without a control
 * character, and fits its buffer. */
START_TEST(test_random_bytes_always_safe)
{
    unsigned r = 12345;

    for (int n = 0; n < 20000; n++) {
        char in[24], out[64];
        size_t len = 1 + n % (sizeof in - 1);

        for (size_t i = 0; i < len; i++) {
            r = r * 1103515245u + 12345u;
            in[i] = (char)(1 + (r >> 16) % 255);
        }
        in[len] = '\0';
        size_t w = rl_text_escape(out, sizeof out, in, len);

        /* plain checks in the loop: a Check assertion per byte is slow */
        if (w >= sizeof out || strlen(out) != w)
            ck_abort_msg("case %d: length %zu", n, w);
        for (size_t i = 0; i < w;) {
            size_t k = rl_text_char_len(out + i, w - i);
            unsigned char c = (unsigned char)out[i];

            if (k == 0)
                ck_abort_msg("case %d: invalid UTF-8 at %zu", n, i);
            if (k == 1 && (c < 0x20 || c == 0x7f))
                ck_abort_msg("case %d: control byte 0x%02x", n, c);
            if (k == 2 && c == 0xc2 && (unsigned char)out[i + 1] < 0xa0)
                ck_abort_msg("case %d: C1 control", n);
            i += k;
        }
    }
}
END_TEST

/* A path as one shell word: bare when safe, else single-quoted with each
 * quote as '\'', a leading '-' behind "./", cut to fit like snprintf; with
 * a control character or an invalid byte, $'...'. */
START_TEST(test_shell_word)
{
    char out[64];

    ck_assert_uint_eq(rl_text_shell_word(out, sizeof out, "hw/alice_1.c"), 12);
    ck_assert_str_eq(out, "hw/alice_1.c");
    rl_text_shell_word(out, sizeof out, "my hw");
    ck_assert_str_eq(out, "'my hw'");
    rl_text_shell_word(out, sizeof out, "o'brien");
    ck_assert_str_eq(out, "'o'\\''brien'");
    rl_text_shell_word(out, sizeof out, "$(rm -rf x)`;\"");
    ck_assert_str_eq(out, "'$(rm -rf x)`;\"'");
    rl_text_shell_word(out, sizeof out, "-x");
    ck_assert_str_eq(out, "./-x");
    rl_text_shell_word(out, sizeof out, "");
    ck_assert_str_eq(out, "''");
    ck_assert_uint_eq(rl_text_shell_word(out, 4, "a b c"), 7);
    ck_assert_str_eq(out, "'a ");
    /* a newline, a tab, an invalid byte, a C1 control: $'...' on one
     * line; a quote, a backslash, UTF-8 as they are */
    rl_text_shell_word(out, sizeof out, "r/ra\ncy\t\xff\xc2\x85'\\\xc3\xa9");
    ck_assert_str_eq(out, "$'r/ra\\ncy\\t\\xff\\xc2\\x85\\'\\\\\xc3\xa9'");
    rl_text_shell_word(out, sizeof out, "-\x01");
    ck_assert_str_eq(out, "./$'-\\x01'");
}
END_TEST

static Suite *text_suite(void)
{
    Suite *s = suite_create("text");
    TCase *tc = tcase_create("text");

    tcase_add_test(tc, test_controls_escaped);
    tcase_add_test(tc, test_utf8_whole_invalid_replaced);
    tcase_add_test(tc, test_never_cut_inside);
    tcase_add_test(tc, test_random_bytes_always_safe);
    tcase_add_test(tc, test_shell_word);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(text_suite());

    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
