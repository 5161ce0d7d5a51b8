/*
 * src/core/svg.c
 *
 * A standalone SVG control chart: values, centre line, limits, 1- and
 * 2-sigma zones, signal points coloured by improvement or concern, phase
 * breaks, a goal line, annotation markers, title, axes with dates, and an
 * accessible <title>/<desc>.  Text is XML-escaped; output grows through the
 * caller's allocator.
 */
#include "spc_core.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define WIDTH 800.0
#define HEIGHT 400.0
#define LEFT 64.0
#define RIGHT 24.0
#define TOP 48.0
#define BOTTOM 56.0

/* PostgreSQL dates count days from 2000-01-01; civil dates from 1970. */
#define PG_EPOCH_DAYS 10957

static void
put(SpcStr *s, const char *text, size_t len)
{
	if (s->failed)
		return;
	if (s->len + len + 1 > s->cap)
	{
		size_t		cap = s->cap ? s->cap : 4096;
		char	   *data;

		while (s->len + len + 1 > cap)
			cap *= 2;
		data = s->grow(s->ctx, s->data, cap);
		if (data == NULL)
		{
			s->failed = true;
			return;
		}
		s->data = data;
		s->cap = cap;
	}
	memcpy(s->data + s->len, text, len);
	s->len += len;
	s->data[s->len] = '\0';
}

#define put_literal(s, lit) put((s), (lit), sizeof(lit) - 1)

#if defined(__GNUC__)
static void putf(SpcStr *s, const char *fmt,...) __attribute__((format(printf, 2, 3)));
#endif

static void
putf(SpcStr *s, const char *fmt,...)
{
	char		buf[256];
	va_list		args;
	int			n;

	va_start(args, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	if (n > 0)
		put(s, buf, (size_t) n < sizeof(buf) ? (size_t) n : sizeof(buf) - 1);
}

/* Text as XML character data or attribute value; control characters dropped. */
static void
put_escaped(SpcStr *s, const char *text)
{
	for (const char *c = text ? text : ""; *c; c++)
	{
		switch (*c)
		{
			case '&':
				put_literal(s, "&amp;");
				break;
			case '<':
				put_literal(s, "&lt;");
				break;
			case '>':
				put_literal(s, "&gt;");
				break;
			case '"':
				put_literal(s, "&quot;");
				break;
			case '\'':
				put_literal(s, "&apos;");
				break;
			default:
				if ((unsigned char) *c >= 0x20 || *c == '\t' || *c == '\n')
					put(s, c, 1);
		}
	}
}

/* Days since 1970-01-01 to year, month, day (Hinnant's civil_from_days). */
static void
civil_from_days(long z, int *y, int *m, int *d)
{
	long		era,
				doe,
				yoe,
				doy,
				mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int) (doy - (153 * mp + 2) / 5 + 1);
	*m = (int) (mp < 10 ? mp + 3 : mp - 9);
	*y = (int) (yoe + era * 400 + (*m <= 2));
}

static void
put_date(SpcStr *s, double pg_days)
{
	int			y,
				m,
				d;

	if (!isfinite(pg_days) || fabs(pg_days) > 1e7)
	{
		putf(s, "%.0f", pg_days);
		return;
	}
	civil_from_days((long) pg_days + PG_EPOCH_DAYS, &y, &m, &d);
	putf(s, "%04d-%02d-%02d", y, m, d);
}

typedef struct Scale
{
	double		t0,
				t1,
				v0,
				v1;
} Scale;

static double
sx(const Scale *sc, double t)
{
	return LEFT + (t - sc->t0) / (sc->t1 - sc->t0) * (WIDTH - LEFT - RIGHT);
}

static double
sy(const Scale *sc, double v)
{
	return HEIGHT - BOTTOM - (v - sc->v0) / (sc->v1 - sc->v0) * (HEIGHT - TOP - BOTTOM);
}

/* Values beyond this magnitude are not drawn: the scale must stay finite. */
#define MAX_DRAWN 1e150

static bool
drawable(double v)
{
	return isfinite(v) && fabs(v) <= MAX_DRAWN;
}

static void
widen(double *lo, double *hi, double v)
{
	if (drawable(v))
	{
		if (v < *lo)
			*lo = v;
		if (v > *hi)
			*hi = v;
	}
}

static Scale
make_scale(const SpcSvgChart *chart, const SpcSvgPoint *p, size_t n)
{
	Scale		sc = {INFINITY, -INFINITY, INFINITY, -INFINITY};

	for (size_t i = 0; i < n; i++)
	{
		widen(&sc.t0, &sc.t1, p[i].t);
		widen(&sc.v0, &sc.v1, p[i].y);
		widen(&sc.v0, &sc.v1, p[i].cl);
		widen(&sc.v0, &sc.v1, p[i].lcl);
		widen(&sc.v0, &sc.v1, p[i].ucl);
	}
	widen(&sc.v0, &sc.v1, chart->goal);
	if (!(sc.t1 > sc.t0))
	{
		sc.t0 = isfinite(sc.t0) ? sc.t0 - 3.5 : 0.0;
		sc.t1 = sc.t0 + 7.0;
	}
	if (!(sc.v1 > sc.v0))
	{
		/* one value: a band around it, wide enough to survive rounding */
		double		centre = isfinite(sc.v0) ? sc.v0 : 0.0;
		double		pad = fmax(1.0, fabs(centre) * 1e-6);

		sc.v0 = centre - pad;
		sc.v1 = centre + pad;
	}
	else
	{
		double		pad = (sc.v1 - sc.v0) * 0.06;

		sc.v0 -= pad;
		sc.v1 += pad;
	}
	return sc;
}

/*
 * A line through points[from..to) of one phase, through the double field at
 * byte offset `field` of each point; a value that cannot be drawn breaks it.
 */
static double
field_of(const SpcSvgPoint *p, size_t field)
{
	double		v;

	memcpy(&v, (const char *) p + field, sizeof(double));
	return v;
}

static void
put_path(SpcStr *s, const Scale *sc, const SpcSvgPoint *p, size_t from, size_t to,
		 size_t field, const char *attrs)
{
	bool		pen = false,
				any = false;

	for (size_t i = from; i < to; i++)
	{
		double		v = field_of(&p[i], field);

		if (!drawable(v))
		{
			pen = false;
			continue;
		}
		if (!any)
			put_literal(s, "<path d=\"");
		putf(s, "%s%.1f %.1f ", pen ? "L" : "M", sx(sc, p[i].t), sy(sc, v));
		pen = any = true;
	}
	if (any)
		putf(s, "\" fill=\"none\" %s/>\n", attrs);
}

/* The band between cl - k sigma and cl + k sigma (within the limits). */
static void
put_band(SpcStr *s, const Scale *sc, const SpcSvgPoint *p, size_t from, size_t to,
		 double k, const char *fill)
{
	size_t		i = from;

	while (i < to)
	{
		size_t		j = i;

		while (j < to && drawable(p[j].sigma) && drawable(p[j].cl) &&
			   drawable(p[j].cl + 2 * p[j].sigma) && drawable(p[j].cl - 2 * p[j].sigma))
			j++;
		if (j > i)
		{
			put_literal(s, "<path d=\"");
			for (size_t q = i; q < j; q++)
			{
				double		hi = p[q].cl + k * p[q].sigma;

				if (drawable(p[q].ucl) && hi > p[q].ucl)
					hi = p[q].ucl;
				putf(s, "%s%.1f %.1f ", q == i ? "M" : "L", sx(sc, p[q].t), sy(sc, hi));
			}
			for (size_t q = j; q-- > i;)
			{
				double		lo = p[q].cl - k * p[q].sigma;

				if (drawable(p[q].lcl) && lo < p[q].lcl)
					lo = p[q].lcl;
				putf(s, "L%.1f %.1f ", sx(sc, p[q].t), sy(sc, lo));
			}
			putf(s, "Z\" fill=\"%s\" stroke=\"none\"/>\n", fill);
		}
		i = j + 1;
	}
}

static const char *
point_colour(const SpcSvgPoint *p)
{
	if (!p->signal)
		return "#6b7280";
	switch (p->variation)
	{
		case SPC_VARIATION_IMPROVEMENT:
			return "#1f6fb4";
		case SPC_VARIATION_CONCERN:
			return "#e8710a";
		case SPC_VARIATION_NEUTRAL_HIGH:
		case SPC_VARIATION_NEUTRAL_LOW:
			return "#7b3294";
		default:
			return "#d62728";
	}
}

static void
put_axes(SpcStr *s, const Scale *sc, const SpcSvgChart *chart)
{
	double		step,
				magnitude;

	putf(s, "<g stroke=\"#9ca3af\" stroke-width=\"1\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
		 "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/></g>\n",
		 LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM, LEFT, TOP, LEFT, HEIGHT - BOTTOM);
	/* value ticks at round steps */
	magnitude = pow(10.0, floor(log10((sc->v1 - sc->v0) / 5.0)));
	step = magnitude;
	if ((sc->v1 - sc->v0) / step > 10)
		step = magnitude * 2;
	if ((sc->v1 - sc->v0) / step > 10)
		step = magnitude * 5;
	put_literal(s, "<g font-size=\"11\" fill=\"#374151\" text-anchor=\"end\">");
	/* counted, not accumulated: at large offsets v + step can round to v */
	for (int k = 0; k <= 12 && isfinite(step) && step > 0; k++)
	{
		double		v = ceil(sc->v0 / step) * step + k * step;

		if (v > sc->v1)
			break;
		putf(s, "<text x=\"%.1f\" y=\"%.1f\">%.4g</text>", LEFT - 6, sy(sc, v) + 4, fabs(v) < step / 1e6 ? 0.0 : v);
	}
	put_literal(s, "</g>\n");
	/* six dates along the time axis */
	put_literal(s, "<g font-size=\"11\" fill=\"#374151\" text-anchor=\"middle\">");
	for (int k = 0; k <= 5; k++)
	{
		double		t = sc->t0 + (sc->t1 - sc->t0) * k / 5.0;

		/* the end labels stay inside the picture */
		putf(s, "<text x=\"%.1f\" y=\"%.1f\"%s>", sx(sc, t), HEIGHT - BOTTOM + 18,
			 k == 0 ? " text-anchor=\"start\"" : (k == 5 ? " text-anchor=\"end\"" : ""));
		put_date(s, floor(t + 0.5));
		put_literal(s, "</text>");
	}
	put_literal(s, "</g>\n");
	if (chart->unit && *chart->unit)
	{
		putf(s, "<text x=\"14\" y=\"%.1f\" font-size=\"11\" fill=\"#374151\" transform=\"rotate(-90 14 %.1f)\" text-anchor=\"middle\">",
			 (TOP + HEIGHT - BOTTOM) / 2, (TOP + HEIGHT - BOTTOM) / 2);
		put_escaped(s, chart->unit);
		put_literal(s, "</text>\n");
	}
}

bool
spc_svg_render(const SpcSvgChart *chart, const SpcSvgPoint *p, size_t n, SpcStr *s)
{
	Scale		sc = make_scale(chart, p, n);
	size_t		signals = 0,
				shown = 0;
	double		first_cl = NAN;

	for (size_t i = 0; i < n; i++)
	{
		signals += p[i].signal;
		shown += drawable(p[i].y);
		if (isnan(first_cl) && drawable(p[i].cl))
			first_cl = p[i].cl;
	}

	putf(s, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" "
		 "role=\"img\" aria-labelledby=\"chart-title chart-desc\" font-family=\"sans-serif\">\n",
		 WIDTH, HEIGHT, WIDTH, HEIGHT);
	put_literal(s, "<title id=\"chart-title\">");
	put_escaped(s, chart->title && *chart->title ? chart->title : "Control chart");
	put_literal(s, "</title>\n<desc id=\"chart-desc\">");
	putf(s, "Control chart of %zu points with a value", shown);
	if (n > 0)
	{
		put_literal(s, ", from ");
		put_date(s, p[0].t);
		put_literal(s, " to ");
		put_date(s, p[n - 1].t);
	}
	if (drawable(first_cl))
		putf(s, "; first centre line %.4g", first_cl);
	if (drawable(chart->goal))
		putf(s, "; goal %.4g", chart->goal);
	putf(s, "; %zu special-cause signal%s.</desc>\n", signals, signals == 1 ? "" : "s");
	putf(s, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n", WIDTH, HEIGHT);
	put_literal(s, "<text x=\"64\" y=\"26\" font-size=\"13\" font-weight=\"bold\" fill=\"#111827\">");
	put_escaped(s, chart->title && *chart->title ? chart->title : "Control chart");
	put_literal(s, "</text>\n");
	put_axes(s, &sc, chart);

	/* phase by phase: zones, limits, centre line; a break between phases */
	for (size_t from = 0; from < n;)
	{
		size_t		to = from + 1;

		while (to < n && p[to].phase == p[from].phase)
			to++;
		put_band(s, &sc, p, from, to, 2.0, "#eef2f7");
		put_band(s, &sc, p, from, to, 1.0, "#e2e8f0");
		put_path(s, &sc, p, from, to, offsetof(SpcSvgPoint, lcl), "stroke=\"#b91c1c\" stroke-width=\"1.2\" stroke-dasharray=\"5 3\"");
		put_path(s, &sc, p, from, to, offsetof(SpcSvgPoint, ucl), "stroke=\"#b91c1c\" stroke-width=\"1.2\" stroke-dasharray=\"5 3\"");
		put_path(s, &sc, p, from, to, offsetof(SpcSvgPoint, cl), "stroke=\"#111827\" stroke-width=\"1.4\"");
		if (from > 0)
		{
			double		x = (sx(&sc, p[from - 1].t) + sx(&sc, p[from].t)) / 2;

			putf(s, "<line class=\"phase-break\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#6b7280\" stroke-dasharray=\"2 3\"/>\n",
				 x, TOP, x, HEIGHT - BOTTOM);
		}
		if (p[from].phase_label && *p[from].phase_label)
		{
			putf(s, "<text class=\"phase-label\" x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#374151\">",
				 sx(&sc, p[from].t) + 3, TOP + 12);
			put_escaped(s, p[from].phase_label);
			put_literal(s, "</text>\n");
		}
		from = to;
	}
	if (drawable(chart->goal))
	{
		putf(s, "<line class=\"goal\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#15803d\" stroke-width=\"1.4\" stroke-dasharray=\"8 3 2 3\"/>\n",
			 LEFT, sy(&sc, chart->goal), WIDTH - RIGHT, sy(&sc, chart->goal));
		putf(s, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#15803d\" text-anchor=\"end\">Goal %.4g</text>\n",
			 WIDTH - RIGHT - 2, sy(&sc, chart->goal) - 4, chart->goal);
	}
	put_path(s, &sc, p, 0, n, offsetof(SpcSvgPoint, y), "stroke=\"#6b7280\" stroke-width=\"1.2\"");

	for (size_t i = 0; i < n; i++)
	{
		if (drawable(p[i].y))
		{
			putf(s, "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\"><title>",
				 p[i].signal ? "signal" : "point", sx(&sc, p[i].t), sy(&sc, p[i].y),
				 p[i].signal ? "4" : "2.8", point_colour(&p[i]));
			put_date(s, p[i].t);
			putf(s, ": %.4g", p[i].y);
			if (p[i].signals && *p[i].signals)
			{
				put_literal(s, " (");
				put_escaped(s, p[i].signals);
				put_literal(s, ")");
			}
			put_literal(s, "</title></circle>\n");
		}
		if (p[i].annotation && *p[i].annotation)
		{
			double		x = sx(&sc, p[i].t);

			putf(s, "<path class=\"annotation\" d=\"M%.1f %.1f l-5 -8 h10 z\" fill=\"#0f766e\"><title>",
				 x, HEIGHT - BOTTOM - 2);
			put_date(s, p[i].t);
			put_literal(s, ": ");
			put_escaped(s, p[i].annotation);
			put_literal(s, "</title></path>\n");
		}
	}
	put_literal(s, "</svg>\n");
	return !s->failed;
}
