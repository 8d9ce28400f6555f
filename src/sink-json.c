// SPDX-License-Identifier: GPL-2.0
/* sink-json.c - one JSON object per line (cJSON); escaped strings keep every line valid JSON. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "escape.h"
#include "sink-impl.h"

/*
 * Attach @item (NULL when its creation failed) to @obj under the static @key. The "CS"
 * variant keeps a pointer to the key instead of copying it: our keys are string literals.
 */
static int add(cJSON *obj, const char *key, cJSON *item)
{
	if (!item)
		return -ENOMEM;
	if (!cJSON_AddItemToObjectCS(obj, key, item)) {
		cJSON_Delete(item);
		return -ENOMEM;
	}
	return 0;
}

/*
 * A JSON string holding the escaped form of @n bytes at @str. tw_escape() output is valid
 * UTF-8 without control characters, so cJSON writes it through with only " and \ escaped,
 * and the line is valid JSON whatever the bytes of the name were.
 */
static cJSON *escaped_string(struct tw_sink *s, const char *str, size_t n)
{
	tw_buf_reset(&s->field);
	if (tw_escape(&s->field, str, n))
		return NULL;
	return cJSON_CreateString(s->field.data);
}

/* argv as an array of escaped arguments; a trailing NUL does not add an empty one. */
static cJSON *argv_array(struct tw_sink *s, const struct tw_record *rec)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i = 0;

	if (!arr)
		return NULL;
	while (i < rec->argv_len) {
		size_t n = strnlen(rec->argv + i, rec->argv_len - i);
		cJSON *item = escaped_string(s, rec->argv + i, n);

		if (!item)
			goto out_delete;
		if (!cJSON_AddItemToArray(arr, item)) {
			cJSON_Delete(item);
			goto out_delete;
		}
		i += n + 1;
	}
	return arr;

out_delete:
	cJSON_Delete(arr);
	return NULL;
}

/* The value of column @c, or NULL on allocation failure. */
static cJSON *column_value(struct tw_sink *s, const struct tw_record *rec, enum tw_column c)
{
	char text[TW_SINK_TS_SIZE];
	const char *str;
	size_t n;

	switch (tw_columns[c].kind) {
	case TW_KIND_TIMESTAMP:
		tw_sink_timestamp(s, rec->ts_ns, text);
		return cJSON_CreateString(text);
	case TW_KIND_NUMBER:
		/*
		 * Raw decimal text, not cJSON_CreateNumber(): cJSON numbers are doubles, exact
		 * only to 2^53, and ts_ns (~1e18) or a cgroup id would be rounded.
		 */
		n = tw_sink_column_number(rec, c, text);
		return n ? cJSON_CreateRaw(text) : cJSON_CreateNull();
	case TW_KIND_ARGV:
		return rec->argv ? argv_array(s, rec) : cJSON_CreateNull();
	case TW_KIND_STRING:
		str = tw_sink_column_string(rec, c);
		return str ? escaped_string(s, str, strlen(str)) : cJSON_CreateNull();
	}
	return NULL;
}

static int json_format(struct tw_sink *s, const struct tw_record *rec)
{
	cJSON *obj = cJSON_CreateObject();
	char *text = NULL;
	int c, ret = 0;

	if (!obj)
		return -ENOMEM;
	for (c = 0; c < TW_COL_NR; c++) {
		/* lost and cpu describe lost records only: absent elsewhere, not null. */
		if ((tw_columns[c].lost_only && rec->type != TW_REC_LOST) ||
		    (tw_columns[c].exit_only && rec->type != TW_REC_EXIT))
			continue;
		ret = add(obj, tw_columns[c].name, column_value(s, rec, c));
		if (ret)
			goto out_delete;
	}
	text = cJSON_PrintUnformatted(obj);
	if (!text) {
		ret = -ENOMEM;
		goto out_delete;
	}
	if (tw_buf_puts(&s->line, text) || tw_buf_putc(&s->line, '\n'))
		ret = -ENOMEM;
	free(text);
out_delete:
	cJSON_Delete(obj);
	return ret;
}

const struct tw_sink_ops tw_sink_json_ops = {
	.format = json_format,
};
