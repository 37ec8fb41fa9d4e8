/* SPDX-License-Identifier: MIT */
/*
 * rlprt_end.c - the markers after the program's .data and .bss (see
 * rlprt_begin.c).
 */
char rlprt_data_end = 1;
void rlprt_text_end(void);
void rlprt_text_end(void)
{
}
char rlprt_bss_end;
_Thread_local char rlprt_tdata_end = 1;
_Thread_local char rlprt_tbss_end;
