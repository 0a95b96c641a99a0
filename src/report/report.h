/*
 * report.h: a computed report (metric/engine.h) as JSON, text or CSV.
 *
 * All three append to a caller's buffer and never fail (the buffer's
 * ceiling is checked by the caller with buf_check).
 */
#ifndef RT_REPORT_H
#define RT_REPORT_H

#include "../base/buf.h"
#include "../metric/engine.h"

/* The JSON document of metrics spec section 12, one line, '\n' ended. */
void	report_json(const struct report *r, struct buf *out);
/* A table for people: per group, replies, first reply, awaiting,
 * volumes, with durations written as "3h 12m". */
void	report_text(const struct report *r, struct buf *out);
/* One row per group, with a header row. */
void	report_csv(const struct report *r, struct buf *out);

/* "3h 12m", "2d 4h", "45s", "0s" into out (at least 32 bytes). */
void	report_duration(int64_t secs, char *out, size_t size);
/* A share rounded to 4 decimals as text: "1.0", "0.5", "0.6667". */
void	report_share(int64_t num, int64_t den, char *out, size_t size);

#endif
