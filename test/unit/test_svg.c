/*
 * test/unit/test_svg.c
 *
 * The SVG writer without a server: calendar ticks on natural boundaries,
 * per-cent labels, the annotation key, ids from the content or the caller,
 * shapes for signals, runs signals on the centre line, the check callback
 * on long renders, small multiples and the icons.
 */
#include "svg.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

static void *
grow(void *ctx, void *old, size_t size)
{
	(void) ctx;
	return realloc(old, size);
}

static void
release(void *ctx, void *block)
{
	(void) ctx;
	free(block);
}

static int	checks_called;

static void
count_checks(void *ctx)
{
	(void) ctx;
	checks_called++;
}

static size_t
occurrences(const char *text, const char *what)
{
	size_t		n = 0;

	for (const char *at = strstr(text, what); at; at = strstr(at + 1, what))
		n++;
	return n;
}

/* count daily points from day `first` (PostgreSQL days), a value each */
static SpcSvgPoint *
daily(size_t count, double first)
{
	SpcSvgPoint *p = calloc(count, sizeof(SpcSvgPoint));

	for (size_t i = 0; i < count; i++)
	{
		p[i].t = first + (double) i;
		p[i].y = 0.5 + 0.1 * sin((double) i);
		p[i].cl = 0.5;
		p[i].lcl = 0.3;
		p[i].ucl = 0.7;
		p[i].sigma = 0.2 / 3;
		p[i].variation = SPC_VARIATION_COMMON_CAUSE;
	}
	return p;
}

void
test_svg(void)
{
	/* 2025-01-01 is PostgreSQL day 9132 */
	SpcSvgPoint *p = daily(333, 9132);
	SpcSvgChart chart = {.title = "Daily <chart>", .unit = "Per cent", .goal = NAN};
	SpcStr		out = {NULL, 0, 0, grow, NULL, false, release};
	SpcStr		again = {NULL, 0, 0, grow, NULL, false, release};

	chart.scale = 100;
	chart.percent = true;
	p[40].annotation = "PDSA 1: a checklist";
	p[41].annotation = "PDSA 2: a second, much longer change whose description needs more than one line in the key below the chart, because it goes on and on about what the team tried, who took part and what they measured";
	p[100].signal = true;
	p[100].signals = "ihi1";
	p[100].variation = SPC_VARIATION_IMPROVEMENT;
	CHECK(spc_svg_render(&chart, p, 333, &out), "a 333-day daily chart renders");
	CHECK(strstr(out.data, ">Mar 2025<") != NULL, "month ticks read \"Mar 2025\"");
	CHECK(strstr(out.data, ">2025-") == NULL, "no ISO dates on the axis");
	CHECK(strstr(out.data, ">CL 50.0%<") != NULL, "centre line labelled per cent at the edge");
	CHECK(strstr(out.data, ">PDSA 1: a checklist<") != NULL, "annotation text in the key");
	CHECK(occurrences(out.data, "class=\"annotation-text\"") >= 3, "a long annotation wraps over lines");
	CHECK(occurrences(out.data, "class=\"signal improvement\"") == 1, "an improvement is a diamond of its own class");
	CHECK(strstr(out.data, "id=\"spc-") != NULL && strstr(out.data, "chart-title") == NULL, "ids come from the content");
	CHECK(strstr(out.data, "&lt;chart&gt;") != NULL, "title escaped");
	CHECK(strstr(out.data, "nan") == NULL && strstr(out.data, "inf") == NULL, "no nan or inf");

	/* the same input, the same bytes; another title, other ids */
	CHECK(spc_svg_render(&chart, p, 333, &again) && again.len == out.len &&
		  memcmp(again.data, out.data, out.len) == 0, "deterministic");
	chart.title = "Another chart";
	again.len = 0;
	CHECK(spc_svg_render(&chart, p, 333, &again), "renders again");
	{
		char		a[64] = {0},
					b[64] = {0};

		memcpy(a, strstr(out.data, "id=\""), 25);
		memcpy(b, strstr(again.data, "id=\""), 25);
		CHECK(strcmp(a, b) != 0, "another chart, another id (%s, %s)", a, b);
	}
	chart.id = "my chart";
	again.len = 0;
	CHECK(spc_svg_render(&chart, p, 333, &again) && strstr(again.data, "id=\"my_chart\"") != NULL &&
		  strstr(again.data, "id=\"my_chart-title\"") != NULL, "the caller's id, made a valid name");
	chart.id = NULL;

	/* a runs signal is drawn on the centre line, not on the points */
	for (int i = 200; i < 230; i++)
	{
		p[i].signal = true;
		p[i].signals = "anhoej_run";
		p[i].variation = SPC_VARIATION_IMPROVEMENT;
	}
	again.len = 0;
	CHECK(spc_svg_render(&chart, p, 333, &again), "renders with a runs signal");
	CHECK(strstr(again.data, "class=\"centre runs-signal\"") != NULL, "runs signal on the centre line");
	CHECK(occurrences(again.data, "class=\"signal") == 1, "runs-signal points keep the common marker");

	/* the check callback is called on a long render, and can stop it */
	{
		SpcSvgPoint *big = daily(200000, 0);

		checks_called = 0;
		chart.check = count_checks;
		again.len = 0;
		CHECK(spc_svg_render(&chart, big, 200000, &again), "200,000 points render");
		CHECK(checks_called >= 200000 / 4096, "the check function was called %d times", checks_called);
		chart.check = NULL;
		free(big);
	}

	/* weekly Sunday data over weeks: ticks on Sundays; numbers; times */
	{
		SpcSvgPoint *w = daily(8, 9132 + 4);	/* 2025-01-05, a Sunday */
		SpcSvgChart plain = {.title = "Weeks", .goal = NAN};

		for (int i = 0; i < 8; i++)
			w[i].t = 9132 + 4 + 7 * i;
		again.len = 0;
		CHECK(spc_svg_render(&plain, w, 8, &again) && strstr(again.data, ">5 Jan 2025<") != NULL,
			  "weekly ticks on the data's Sundays");
		plain.axis = SPC_SVG_AXIS_NUMBER;
		for (int i = 0; i < 8; i++)
			w[i].t = i + 1;
		again.len = 0;
		CHECK(spc_svg_render(&plain, w, 8, &again) && strstr(again.data, ">Sample<") != NULL &&
			  strstr(again.data, ">4<") != NULL, "a sample-number axis");
		plain.axis = SPC_SVG_AXIS_TIME;
		for (int i = 0; i < 8; i++)
			w[i].t = 9132 + i / 24.0;
		again.len = 0;
		CHECK(spc_svg_render(&plain, w, 8, &again) && strstr(again.data, ">1 Jan 02:00<") != NULL,
			  "an hourly axis");
		free(w);
	}

	/* small multiples: a panel per facet, one legend */
	{
		SpcSvgFacet facets[3] = {
			{"North", p, 100, 0.6}, {"South", p + 100, 100, NAN}, {"West <3>", p + 200, 100, NAN}
		};

		again.len = 0;
		CHECK(spc_svg_render_grid(&chart, facets, 3, 2, true, &again), "a grid renders");
		CHECK(occurrences(again.data, "class=\"facet\"") == 3, "three panels");
		CHECK(occurrences(again.data, ">Centre line<") == 1, "one legend");
		CHECK(strstr(again.data, "West &lt;3&gt;") != NULL, "facet labels escaped");
	}

	/* icons */
	again.len = 0;
	CHECK(spc_svg_variation_icon(SPC_VARIATION_IMPROVEMENT, SPC_IMPROVEMENT_UP, 32, NULL, &again) &&
		  strstr(again.data, ">H</text>") != NULL, "improvement upwards: H");
	again.len = 0;
	CHECK(spc_svg_assurance_icon(SPC_ASSURANCE_FAIL, 32, "x", &again) && strstr(again.data, ">F</text>") != NULL,
		  "assurance fail: F");
	CHECK(!spc_svg_assurance_icon(SPC_ASSURANCE_NONE, 32, NULL, &again), "no icon without assurance");

	free(out.data);
	free(again.data);
	free(p);
}
