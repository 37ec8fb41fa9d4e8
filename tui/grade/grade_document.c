/* SPDX-License-Identifier: MIT */
/*
 * grade_document.c - the grade report formats written as one document
 * once the grading is done (see grade_report.h): JSON, Gradescope's
 * results.json and JUnit XML, and the roster summaries (CSV, JSON).
 *
 * A submission shapes many of the strings written here (names of files and
 * folders, messages, captured output), so every one goes through the
 * escaping of its format, which keeps any bytes valid:
 * grade_document_json_str for JSON (also TAP's YAML, grade_report.c),
 * xml_str for JUnit, csv_field for CSV.
 * The feedback of a check as plain lines (check_text) is what Gradescope,
 * JUnit and the JSON "text" field show.
 */
#include "grade_report_impl.h"

#include <string.h>

/* The feedback of a check as plain lines (Gradescope, JUnit, JSON). */
static void check_text(const struct grade_report *r,
                       const struct grade_check *c, char *buf, size_t len)
{
    size_t n = 0;
    char replay[8192];
#define ADD(...)                                                               \
    do {                                                                       \
        if (n < len)                                                           \
            n += (size_t)snprintf(buf + n, len - n, __VA_ARGS__);              \
    } while (0)
    buf[0] = '\0';
    if (c->outcome == GRADE_PASS) {
        ADD("passed: %s\n", c->summary);
        if (c->message[0] != '\0')
            ADD("%s\n", c->message);
        if (c->detail[0] != '\0')
            ADD("%s\n", c->detail);
    } else {
        ADD("%s", grade_outcome_name(c->outcome));
        if (c->kind == GRADE_STRESS)
            ADD(" (reported only, not scored)");
        ADD("\n");
        if (c->check[0] != '\0')
            ADD("%s: %s\n", c->check, c->message);
        else if (c->message[0] != '\0')
            ADD("%s\n", c->message);
        if (c->summary[0] != '\0')
            ADD("%s\n", c->summary);
        if (c->cls != GRADE_CLASS_NONE && c->outcome != GRADE_NONDET)
            ADD("the failure %s\n", grade_class_text(c->cls));
        if (c->detail[0] != '\0')
            ADD("%s%s", c->detail,
                c->detail[strlen(c->detail) - 1] == '\n' ? "" : "\n");
        if (c->schedule != NULL) {
            grade_replay_command(r, c, replay, sizeof replay);
            ADD("schedule: %s\nreplay:   %s\n", c->schedule, replay);
        }
    }
    if (grade_report_shows_rule(c))
        ADD("rule (%s): %s\n", grade_rule_name(c->rule),
            grade_rule_text(c->rule));
    if (c->output != NULL && c->output[0] != '\0')
        ADD("output of the code (not a verdict):\n%s%s", c->output,
            c->output[strlen(c->output) - 1] == '\n' ? "" : "\n");
#undef ADD
}

/* ---- JSON --------------------------------------------------------------- */

/* A JSON string: any bytes give valid JSON (invalid UTF-8 becomes
 * U+FFFD, control characters \uXXXX escapes). */
void grade_document_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;
         p++) {
        size_t n = grade_utf8_len((const char *)p);
        if (n == 0) {
            fputs("\\ufffd", f);
            continue;
        }
        if (n > 1) {
            fwrite(p, 1, n, f);
            p += n - 1;
            continue;
        }
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* JSON: one check object. */
static void json_check(FILE *f, const struct grade_report *r,
                       const struct grade_check *c)
{
    char replay[8192], text[16384];
    grade_replay_command(r, c, replay, sizeof replay);
    check_text(r, c, text, sizeof text);
    fprintf(f, "{\"index\": %d, \"name\": ", c->index);
    grade_document_json_str(f, c->name);
    fprintf(f, ", \"kind\": ");
    grade_document_json_str(f, grade_kind_name(c->kind));
    fprintf(f, ", \"scenario\": ");
    grade_document_json_str(f, c->sc != NULL ? c->sc->name : "");
    fprintf(f, ", \"outcome\": ");
    grade_document_json_str(f, grade_outcome_name(c->outcome));
    fprintf(f,
            ", \"passed\": %s, \"scored\": %s, \"points\": %d, "
            "\"max_points\": %d, \"check\": ",
            c->outcome == GRADE_PASS ? "true" : "false",
            c->kind == GRADE_STRESS ? "false" : "true", c->points,
            c->max_points);
    grade_document_json_str(f, c->check);
    fprintf(f, ", \"message\": ");
    grade_document_json_str(f, c->message);
    fprintf(f, ", \"expected\": ");
    grade_document_json_str(f, c->expected);
    fprintf(f, ", \"summary\": ");
    grade_document_json_str(f, c->summary);
    fprintf(f, ", \"difficulty\": ");
    grade_document_json_str(f, grade_class_text(c->cls));
    fprintf(f, ", \"rule\": ");
    grade_document_json_str(f, grade_rule_name(c->rule));
    fprintf(f, ", \"rule_text\": ");
    grade_document_json_str(f, grade_rule_text(c->rule));
    fprintf(f, ", \"preemptions\": %d, \"detail\": ", c->preemptions);
    grade_document_json_str(f, c->detail);
    fprintf(f, ", \"schedule\": ");
    if (c->schedule != NULL)
        grade_document_json_str(f, c->schedule);
    else
        fputs("null", f);
    fprintf(f, ", \"replay\": ");
    if (c->schedule != NULL)
        grade_document_json_str(f, replay);
    else
        fputs("null", f);
    fprintf(f, ", \"output\": ");
    grade_document_json_str(f, c->output);
    fprintf(f, ", \"text\": ");
    grade_document_json_str(f, text);
    fputc('}', f);
}

/* JSON: the whole report. */
void grade_document_json(FILE *f, const struct grade_report *r)
{
    char scoring[1024];
    grade_report_scoring(r, scoring, sizeof scoring);
    fprintf(f, "{\n  \"tool\": \"racelab grade\",\n  \"version\": ");
    grade_document_json_str(f, RL_VERSION);
    fprintf(f, ",\n  \"submission\": ");
    grade_document_json_str(f, r->submission);
    fprintf(f,
            ",\n  \"seed\": %llu,\n  \"points\": %d,\n  \"max_points\": "
            "%d,\n  \"scoring\": ",
            (unsigned long long)r->seed, r->points, r->max_points);
    grade_document_json_str(f, scoring);
    fprintf(f, ",\n  \"partial_credit\": %s",
            r->partial_credit ? "true" : "false");
    fprintf(f, ",\n  \"exercises\": [");
    for (int e = 0; e < r->nex; e++) {
        const struct grade_exercise *ge = &r->ex[e];
        fprintf(f, "%s\n    {\"name\": ", e ? "," : "");
        grade_document_json_str(f, ge->ex->name);
        fprintf(f, ", \"file\": ");
        grade_document_json_str(f, ge->file);
        fprintf(f,
                ", \"points\": %d, \"max_points\": %d, \"warnings\": %d, "
                "\"checks\": [",
                ge->points, ge->max_points, ge->warnings);
        for (int i = 0; i < ge->nchecks; i++) {
            fprintf(f, "%s\n      ", i ? "," : "");
            json_check(f, r, &r->checks[ge->first + i]);
        }
        fprintf(f, "\n    ]}");
    }
    fprintf(f, "\n  ]\n}\n");
}

/* Gradescope: results.json (the top-level score left to the sum). */
void grade_document_gradescope(FILE *f, const struct grade_report *r)
{
    char text[16384], scoring[1024];
    grade_report_scoring(r, scoring, sizeof scoring);
    fprintf(f, "{\n  \"output\": ");
    snprintf(text, sizeof text,
             "racelab grade, seed %llu: %d/%d points.\nScoring: %s\nEvery "
             "failure comes with a schedule: replay it with the command "
             "shown, %s.",
             (unsigned long long)r->seed, r->points, r->max_points, scoring,
             r->replay_submission
                 ? "from a racelab checkout (--submission names the files "
                   "graded: give the path of yours)"
                 : "in racelab built from your exercises/");
    grade_document_json_str(f, text);
    fprintf(f, ",\n  \"visibility\": \"visible\",\n  \"stdout_visibility\": "
               "\"hidden\",\n  \"tests\": [");
    for (int i = 0; i < r->nchecks; i++) {
        const struct grade_check *c = &r->checks[i];
        char name[160];
        snprintf(name, sizeof name, "%s: %s", c->exercise, c->name);
        check_text(r, c, text, sizeof text);
        fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
        grade_document_json_str(f, name);
        fprintf(f,
                ", \"score\": %d, \"max_score\": %d, \"status\": \"%s\", "
                "\"output\": ",
                c->points, c->max_points,
                c->outcome == GRADE_PASS ? "passed" : "failed");
        grade_document_json_str(f, text);
        fprintf(f, ", \"tags\": [");
        grade_document_json_str(f, c->exercise);
        fprintf(f, ", ");
        grade_document_json_str(f, grade_kind_name(c->kind));
        fprintf(f, "], \"visibility\": \"visible\"}");
    }
    fprintf(f, "\n  ]\n}\n");
}

/* ---- JUnit XML ---------------------------------------------------------- */

/* XML text or attribute: any bytes give well-formed XML (markup and
 * quotes as entities, so "]]>" and closing tags are text; invalid UTF-8
 * becomes U+FFFD; control characters '?'). */
static void xml_str(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;
         p++) {
        size_t n = grade_utf8_len((const char *)p);
        if (n == 0) {
            fputs("\xEF\xBF\xBD", f);
            continue;
        }
        if (n > 1) {
            /* U+FFFE and U+FFFF are not XML characters */
            if (n == 3 && p[0] == 0xEF && p[1] == 0xBF && p[2] >= 0xBE)
                fputs("\xEF\xBF\xBD", f);
            else
                fwrite(p, 1, n, f);
            p += n - 1;
            continue;
        }
        switch (*p) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&apos;", f);
            break;
        case '\n':
            fputs("&#10;", f);
            break;
        case '\t':
            fputs("&#9;", f);
            break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fputc('?', f); /* not allowed in XML 1.0 at all */
            else
                fputc(*p, f);
        }
    }
}

/* JUnit: how many failures, errors and skips among n checks. */
static void junit_counts(const struct grade_check *c, int n, int *fail,
                         int *err, int *skip)
{
    *fail = *err = *skip = 0;
    for (int i = 0; i < n; i++) {
        if (c[i].outcome == GRADE_PASS)
            continue;
        if (c[i].outcome == GRADE_SKIPPED)
            (*skip)++;
        else if (grade_report_is_error(c[i].outcome))
            (*err)++;
        else
            (*fail)++;
    }
}

/* JUnit: one testsuite per exercise, one testcase per check. */
void grade_document_junit(FILE *f, const struct grade_report *r)
{
    int fail, err, skip;
    char text[16384], msg[512];
    junit_counts(r->checks, r->nchecks, &fail, &err, &skip);
    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites name=\"racelab grade\" tests=\"%d\" "
            "failures=\"%d\" errors=\"%d\" skipped=\"%d\">\n",
            r->nchecks, fail, err, skip);
    for (int e = 0; e < r->nex; e++) {
        const struct grade_exercise *ge = &r->ex[e];
        const struct grade_check *cs = &r->checks[ge->first];
        junit_counts(cs, ge->nchecks, &fail, &err, &skip);
        fprintf(f, "  <testsuite name=\"");
        xml_str(f, ge->ex->name);
        fprintf(f,
                "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" "
                "skipped=\"%d\">\n",
                ge->nchecks, fail, err, skip);
        fprintf(f,
                "    <properties><property name=\"points\" "
                "value=\"%d\"/><property name=\"max_points\" "
                "value=\"%d\"/></properties>\n",
                ge->points, ge->max_points);
        for (int i = 0; i < ge->nchecks; i++) {
            const struct grade_check *c = &cs[i];
            fprintf(f, "    <testcase classname=\"");
            xml_str(f, c->exercise);
            fprintf(f, "\" name=\"");
            xml_str(f, c->name);
            fprintf(f, "\">\n");
            if (c->check[0] != '\0')
                snprintf(msg, sizeof msg, "%s: %s", c->check, c->message);
            else
                snprintf(msg, sizeof msg, "%s", c->message);
            check_text(r, c, text, sizeof text);
            if (c->outcome == GRADE_SKIPPED) {
                fprintf(f, "      <skipped message=\"");
                xml_str(f, msg);
                fprintf(f, "\"/>\n");
            } else if (c->outcome != GRADE_PASS) {
                const char *el =
                    grade_report_is_error(c->outcome) ? "error" : "failure";
                fprintf(f, "      <%s type=\"", el);
                xml_str(f, grade_outcome_name(c->outcome));
                fprintf(f, "\" message=\"");
                xml_str(f, msg);
                fprintf(f, "\">");
                xml_str(f, text);
                fprintf(f, "</%s>\n", el);
            }
            if (c->outcome == GRADE_PASS) {
                fprintf(f, "      <system-out>");
                xml_str(f, text);
                fprintf(f, "</system-out>\n");
            }
            fprintf(f, "    </testcase>\n");
        }
        fprintf(f, "  </testsuite>\n");
    }
    fprintf(f, "</testsuites>\n");
}

/* ---- roster summaries --------------------------------------------------- */

/* A CSV field, quoted when it needs to be. A field a spreadsheet would
 * take for a formula (=, +, -, @, a tab or a CR first: a student's folder
 * named "=HYPERLINK(...)") starts with an apostrophe, which makes it text. */
static void csv_field(FILE *f, const char *s)
{
    bool formula = s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;

    if (strpbrk(s, ",\"\n\r") == NULL) {
        if (formula)
            fputc('\'', f);
        fputs(s, f);
        return;
    }
    fputc('"', f);
    if (formula)
        fputc('\'', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* The first report of n that was graded (its exercises name the columns),
 * or NULL. */
static const struct grade_report *
first_graded(const struct grade_report *reports, int n)
{
    for (int i = 0; i < n; i++)
        if (reports[i].nex > 0)
            return &reports[i];
    return NULL;
}

/* One CSV line per student: total and per exercise. A student who could
 * not be graded (no exercises in the report) gets empty exercise fields,
 * so that every line has the header's columns. */
void grade_summary_csv(FILE *f, const char *const *students,
                       const struct grade_report *reports, int n)
{
    const struct grade_report *cols = first_graded(reports, n);
    int ncols = cols != NULL ? cols->nex : 0;
    fprintf(f, "student,points,max_points");
    for (int e = 0; e < ncols; e++)
        fprintf(f, ",%s,%s_max", cols->ex[e].ex->name, cols->ex[e].ex->name);
    fprintf(f, ",warnings\n");
    for (int i = 0; i < n; i++) {
        int warnings = 0;
        csv_field(f, students[i]);
        fprintf(f, ",%d,%d", reports[i].points, reports[i].max_points);
        for (int e = 0; e < ncols; e++) {
            if (e < reports[i].nex)
                fprintf(f, ",%d,%d", reports[i].ex[e].points,
                        reports[i].ex[e].max_points);
            else
                fprintf(f, ",,");
        }
        for (int e = 0; e < reports[i].nex; e++)
            warnings += reports[i].ex[e].warnings;
        if (reports[i].nex > 0)
            fprintf(f, ",%d\n", warnings);
        else
            fprintf(f, ",\n");
    }
}

/* One JSON object per student graded (n of total in the roster): total,
 * per exercise, and the report's file name (reports[i]'s in files). The
 * roster is complete when every student of it was graded. */
void grade_summary_json(FILE *f, const char *const *students,
                        const char *const *files,
                        const struct grade_report *reports, int n, int total)
{
    const struct grade_report *cols = first_graded(reports, n);
    bool complete = n == total;
    for (int i = 0; i < n; i++)
        complete = complete && reports[i].nex > 0;
    fprintf(f,
            "{\n  \"tool\": \"racelab grade\",\n  \"seed\": %llu,\n"
            "  \"complete\": %s,\n  \"students_graded\": %d,\n"
            "  \"students_in_roster\": %d,\n  \"students\": [",
            cols != NULL ? (unsigned long long)cols->seed : 0ULL,
            complete ? "true" : "false", n, total);
    for (int i = 0; i < n; i++) {
        const struct grade_report *r = &reports[i];
        fprintf(f, "%s\n    {\"student\": ", i ? "," : "");
        grade_document_json_str(f, students[i]);
        fprintf(f, ", \"report\": ");
        grade_document_json_str(f, files[i]);
        fprintf(f,
                ", \"graded\": %s, \"points\": %d, \"max_points\": %d, "
                "\"exercises\": {",
                r->nex > 0 ? "true" : "false", r->points, r->max_points);
        for (int e = 0; e < r->nex; e++) {
            fprintf(f, "%s", e ? ", " : "");
            grade_document_json_str(f, r->ex[e].ex->name);
            fprintf(f, ": {\"points\": %d, \"max_points\": %d, "
                       "\"warnings\": %d}",
                    r->ex[e].points, r->ex[e].max_points, r->ex[e].warnings);
        }
        fprintf(f, "}}");
    }
    fprintf(f, "\n  ]\n}\n");
}
