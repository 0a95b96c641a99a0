/*
 * static.c: the files served from memory: the style sheet and the
 * OpenAPI document, compiled in from src/web/static (scripts/embed.cmake).
 */
#include "web.h"

extern const char	web_style_css[];
extern const size_t	web_style_css_len;
extern const char	web_openapi_json[];
extern const size_t	web_openapi_json_len;

int
page_style(struct web_req *q, struct web_resp *r)
{
	r->type = "text/css; charset=utf-8";
	r->cacheable = 1;
	buf_add(&r->body, web_style_css, web_style_css_len);
	return 0;
}

int
api_openapi(struct web_req *q, struct web_resp *r)
{
	r->type = "application/json";
	buf_add(&r->body, web_openapi_json, web_openapi_json_len);
	return 0;
}
