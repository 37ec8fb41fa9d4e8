/* SPDX-License-Identifier: MIT */
/*
 * rlprt_begin.c - linked just before the program's own objects (and
 * rlprt_end.c just after them), so that these two markers bracket the
 * program's .data and .bss: the runtime copies that memory at start-up and
 * puts it back before each later run in the same process (prt_main.c).
 */
char rlprt_data_begin = 1;
/* And the program's code (at -O0 all in .text, in link order): a call
 * from there is the program's, not the runtime's (prt_string.c). */
void rlprt_text_begin(void);
void rlprt_text_begin(void)
{
}
char rlprt_bss_begin;
/* The same for the program's thread-local variables (.tdata, .tbss), which
 * the runtime gives each lab thread a copy of. */
_Thread_local char rlprt_tdata_begin = 1;
_Thread_local char rlprt_tbss_begin;
