/*
 * template.c - `bulkrun ops NAME --template FILE.xlsx`: a workbook to
 * start a manifest from.  One sheet with the column op and one column per
 * parameter of the operation; id and text columns formatted as Text (so
 * that the spreadsheet keeps 00123 and 1234567890123456789 as typed),
 * date columns as ISO dates; a comment on each header cell with the
 * parameter's description, type, place and limits; one example row.
 */
#include <stdio.h>
#include <string.h>

#include <xlsxwriter.h>

#include "catalog.h"
#include "strbuf.h"
#include "template.h"

/* The header cell's comment: what the parameter is and may be. */
static void
describe(const struct br_param *p, struct br_strbuf *sb)
{
	char lim[256];

	br_strbuf_reset(sb);
	if (p->description != NULL)
		br_strbuf_addf(sb, "%s\n", p->description);
	br_strbuf_addf(sb, "%s, %s%s", br_ptype_name(p->type),
	    br_ploc_name(p->in), p->required ? ", required" : "");
	br_param_limits_text(p, lim, sizeof(lim));
	if (lim[0] != '\0')
		br_strbuf_addf(sb, "\nlimits: %s", lim);
	if (p->type == BR_T_EPOCH_MS)
		br_strbuf_addstr(sb, "\na date: 2026-11-21, 2026-11-21 22:00, "
		    "ISO 8601 with a zone, or epoch milliseconds");
	if (p->example != NULL)
		br_strbuf_addf(sb, "\nexample: %s", p->example);
}

int
br_catalog_write_template(const struct br_catalog *c, const char *opname,
    const char *path, struct br_err *err)
{
	const struct br_op *op = br_catalog_find(c, opname);
	struct br_strbuf sb = BR_STRBUF_INIT;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *text, *date, *head;
	lxw_error le;
	lxw_col_t col;
	size_t i;

	if (op == NULL)
		return br_errf(err, BR_EINPUT, "bulkrun", 0, "unknown "
		    "operation '%s' (bulkrun ops lists them)", opname);
	if ((wb = workbook_new(path)) == NULL ||
	    (ws = workbook_add_worksheet(wb, "Rows")) == NULL ||
	    (text = workbook_add_format(wb)) == NULL ||
	    (date = workbook_add_format(wb)) == NULL ||
	    (head = workbook_add_format(wb)) == NULL) {
		if (wb != NULL)
			(void)workbook_close(wb);
		return br_errf(err, BR_EIO, path, 0, "cannot make the "
		    "workbook");
	}
	format_set_num_format(text, "@");
	format_set_num_format(date, "yyyy-mm-dd hh:mm");
	format_set_bold(head);
	format_set_num_format(head, "@");
	worksheet_write_string(ws, 0, 0, "op", head);
	worksheet_write_comment(ws, 0, 0, "the operation of the row");
	worksheet_set_column(ws, 0, 0, 32, text);
	worksheet_write_string(ws, 1, 0, op->name, text);
	for (i = 0; i < op->nparams; i++) {
		const struct br_param *p = &op->params[i];

		col = (lxw_col_t)(i + 1);
		worksheet_set_column(ws, col, col, 24,
		    p->type == BR_T_EPOCH_MS ? date : text);
		worksheet_write_string(ws, 0, col, p->name, head);
		describe(p, &sb);
		if (!sb.oom)
			worksheet_write_comment(ws, 0, col, sb.p);
		if (p->example != NULL)
			worksheet_write_string(ws, 1, col, p->example, text);
	}
	worksheet_freeze_panes(ws, 1, 0);
	br_strbuf_release(&sb);
	if ((le = workbook_close(wb)) != LXW_NO_ERROR)
		return br_errf(err, BR_EIO, path, 0, "cannot write the "
		    "workbook: %s", lxw_strerror(le));
	return 0;
}
