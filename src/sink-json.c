// SPDX-License-Identifier: GPL-2.0
/* sink-json.c - one JSON object per line (cJSON); escaped strings keep every line valid JSON. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "escape.h"
#include "sink-impl.h"

/* Add @s escaped as a string, or null. Returns 0 or -ENOMEM. */
static int add_string(struct tw_sink *s, cJSON *obj, const char *key, const char *str, size_t n)
{
	cJSON *item;

	if (!str)
		return cJSON_AddNullToObject(obj, key) ? 0 : -ENOMEM;
	tw_buf_reset(&s->field);
	if (tw_escape(&s->field, str, n))
		return -ENOMEM;
	item = cJSON_CreateString(s->field.data);
	if (!item)
		return -ENOMEM;
	if (!cJSON_AddItemToObject(obj, key, item)) {
		cJSON_Delete(item);
		return -ENOMEM;
	}
	return 0;
}

/* A number as raw JSON text: 64-bit values stay exact (cJSON numbers are doubles). */
static int add_u64(cJSON *obj, const char *key, uint64_t v, bool known)
{
	char text[32];

	if (!known)
		return cJSON_AddNullToObject(obj, key) ? 0 : -ENOMEM;
	snprintf(text, sizeof(text), "%" PRIu64, v);
	return cJSON_AddRawToObject(obj, key, text) ? 0 : -ENOMEM;
}

static int add_argv(struct tw_sink *s, cJSON *obj, const struct tw_record *rec)
{
	cJSON *arr;
	size_t i = 0;

	if (!rec->argv)
		return cJSON_AddNullToObject(obj, "argv") ? 0 : -ENOMEM;
	arr = cJSON_AddArrayToObject(obj, "argv");
	if (!arr)
		return -ENOMEM;
	while (i < rec->argv_len) {
		size_t n = strnlen(rec->argv + i, rec->argv_len - i);
		cJSON *item;

		tw_buf_reset(&s->field);
		if (tw_escape(&s->field, rec->argv + i, n))
			return -ENOMEM;
		item = cJSON_CreateString(s->field.data);
		if (!item)
			return -ENOMEM;
		if (!cJSON_AddItemToArray(arr, item)) {
			cJSON_Delete(item);
			return -ENOMEM;
		}
		i += n + 1;
	}
	return 0;
}

static int json_write(struct tw_sink *s, const struct tw_record *rec)
{
	cJSON *obj = cJSON_CreateObject();
	char ts[48], *text = NULL;
	int c, ret = 0;

	if (!obj)
		return -ENOMEM;
	for (c = 0; c < TW_COL_NR && !ret; c++) {
		const char *key = tw_column_names[c];
		const char *str;

		switch (c) {
		case TW_COL_TIMESTAMP:
			tw_sink_timestamp(s, rec->ts_ns, ts, sizeof(ts));
			ret = add_string(s, obj, key, ts, strlen(ts));
			break;
		case TW_COL_TS_NS:
			ret = add_u64(obj, key, rec->ts_ns, true);
			break;
		case TW_COL_PID:
			ret = cJSON_AddNumberToObject(obj, key, rec->pid) ? 0 : -ENOMEM;
			break;
		case TW_COL_TID:
			ret = cJSON_AddNumberToObject(obj, key, rec->tid) ? 0 : -ENOMEM;
			break;
		case TW_COL_PPID:
			ret = add_u64(obj, key, (uint64_t)rec->ppid, rec->ppid > 0);
			break;
		case TW_COL_UID:
			ret = add_u64(obj, key, (uint64_t)rec->uid, rec->uid >= 0);
			break;
		case TW_COL_CGROUP_ID:
			ret = add_u64(obj, key, rec->cgroup_id, rec->cgroup_id != 0);
			break;
		case TW_COL_LOST:
			ret = add_u64(obj, key, rec->lost, rec->type == TW_REC_LOST);
			break;
		case TW_COL_CPU:
			ret = add_u64(obj, key, (uint64_t)rec->cpu, rec->type == TW_REC_LOST);
			break;
		case TW_COL_ARGV:
			ret = add_argv(s, obj, rec);
			break;
		default:
			str = tw_sink_column_string(rec, c);
			ret = add_string(s, obj, key, str, str ? strlen(str) : 0);
			break;
		}
	}
	if (!ret) {
		text = cJSON_PrintUnformatted(obj);
		if (!text)
			ret = -ENOMEM;
	}
	if (!ret && (tw_buf_puts(&s->line, text) || tw_buf_putc(&s->line, '\n')))
		ret = -ENOMEM;
	free(text);
	cJSON_Delete(obj);
	return ret;
}

const struct tw_sink_ops tw_sink_json_ops = {
	.write = json_write,
};
