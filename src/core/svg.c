/*
 * src/core/svg.c
 *
 * Standalone SVG control charts for print and slides: values, centre line,
 * limits and 1- and 2-sigma zones per phase, signal points coloured by
 * improvement or concern and shaped so they read without colour, a runs
 * signal shown on the centre line (as qicharts2), phase labels in rows of
 * their own above the plot, the last phase's centre line and limits (and
 * the goal) labelled with their values at the right edge, numbered
 * annotation markers with a key below the chart, calendar ticks on month or
 * week starts, axis titles, a legend and an accessible <title>/<desc>.
 *
 * Every label is placed from an estimate of its width in DejaVu Sans (the
 * widest of the fonts named), so labels never overlap each other, the data
 * markers or the edge of the picture.  Ids start with a prefix derived from
 * the content (or given), so many charts can share one page.  Output is a
 * function of the input alone and grows through the caller's allocator;
 * long renders call the caller's check function now and then.
 *
 * Why one file of this length: the layout of a panel is one computation over
 * shared placement state (Panel, Labels, Rows, PanelPlan): scales, ticks,
 * lines, value labels, header rows, key and legend each read what the steps
 * before them placed.  Split across files, that state and some forty helpers
 * would become a cross-file interface and exported symbols of spc.so (which
 * PostgreSQL loads with RTLD_GLOBAL) for no reader's benefit.  The sections
 * below follow the order of the layout.
 */
#include "svg.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* PostgreSQL dates count days from 2000-01-01; civil dates from 1970. */
#define PG_EPOCH_DAYS 10957

#define FONT "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif"
#define INK "#1a1a1a"
#define MUTED "#4d4d4d"
#define GRID "#b3b3b3"
/* Okabe-Ito colours: told apart with any colour vision */
#define BLUE "#0072B2"
#define ORANGE "#E69F00"
#define VERMILLION "#D55E00"
#define PURPLE "#CC79A7"
#define GREEN "#009E73"
#define ZONE1 "#dde4ec"
#define ZONE2 "#eef2f6"

/* Bold DejaVu Sans is at most this much wider than the regular face. */
#define BOLD 1.16

/* How often (in points) a long loop calls the caller's check function. */
#define CHECK_EVERY 4096

/* Labels placed by collision checks; beyond this many, inner labels are skipped. */
#define MAX_LABELS 256

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
	char		buf[512];
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
put_escaped_len(SpcStr *s, const char *text, size_t len)
{
	const char *c = text ? text : "";

	for (size_t i = 0; i < len && c[i]; i++)
	{
		switch (c[i])
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
				if ((unsigned char) c[i] >= 0x20)
					put(s, &c[i], 1);
				else if (c[i] == '\t' || c[i] == '\n')
					put_literal(s, " ");
		}
	}
}

static void
put_escaped(SpcStr *s, const char *text)
{
	put_escaped_len(s, text, (size_t) -1);
}

/*
 * Advance widths of DejaVu Sans (units of 1/2048 em) for ASCII 32..126;
 * other characters count as 1 em, more than any of them takes.
 */
static const unsigned short ascii_width[95] = {
	651, 821, 942, 1716, 1303, 1946, 1597, 563, 799, 799, 1024, 1716, 651, 739, 651, 690,
	1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 690, 690, 1716, 1716, 1716, 1087,
	2048, 1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 604, 604, 1343, 1141, 1767, 1532, 1612,
	1235, 1612, 1423, 1300, 1251, 1499, 1401, 2025, 1403, 1251, 1403, 799, 690, 799, 1716, 1024,
	1024, 1255, 1300, 1126, 1300, 1260, 721, 1300, 1298, 569, 569, 1186, 569, 1995, 1298, 1253,
	1300, 1300, 842, 1067, 803, 1298, 1212, 1675, 1212, 1212, 1075, 1303, 690, 1303, 1716
};

/* Width of len bytes of UTF-8 text at a font size, with a safety margin. */
static double
text_width_len(const char *text, size_t len, double size)
{
	double		em = 0;

	for (size_t i = 0; text && i < len && text[i]; i++)
	{
		unsigned char c = (unsigned char) text[i];

		if (c >= 32 && c < 127)
			em += ascii_width[c - 32] / 2048.0;
		else if (c < 0x80 || c >= 0xc0)	/* a character, not a continuation byte */
			em += 1.0;
	}
	return em * size * 1.04 + 1.0;
}

static double
text_width(const char *text, double size)
{
	return text_width_len(text, text ? strlen(text) : 0, size);
}

/* Bytes of text that fit in width, cut at a character boundary. */
static size_t
fitting_bytes(const char *text, double size, double width)
{
	size_t		len = strlen(text);

	while (len > 0 && text_width_len(text, len, size) > width)
	{
		len--;
		while (len > 0 && ((unsigned char) text[len] & 0xc0) == 0x80)
			len--;
	}
	return len;
}

/* Text cut with an ellipsis to fit width. */
static void
put_fitted(SpcStr *s, const char *text, double size, double width)
{
	size_t		len = strlen(text ? text : "");

	if (len == 0 || text_width_len(text, len, size) <= width)
	{
		put_escaped(s, text);
		return;
	}
	put_escaped_len(s, text, fitting_bytes(text, size, width - size));
	put_literal(s, "\xe2\x80\xa6");
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

/* Year, month, day to days since 1970-01-01 (Hinnant's days_from_civil). */
static long
days_from_civil(long y, int m, int d)
{
	long		era,
				yoe,
				doy,
				doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static const char *const month_names[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

/* Days this far from 2000 are drawn as numbers: the calendar stays exact. */
#define MAX_CALENDAR_DAYS 3.6e6

typedef enum DateStyle
{
	DATE_ISO,					/* 2025-03-02 */
	DATE_DAY,					/* 2 Mar 2025 */
	DATE_MONTH,					/* Mar 2025 */
	DATE_YEAR,					/* 2025 */
	DATE_HOUR					/* 2 Mar 14:00 */
} DateStyle;

static void
format_date(char *buf, size_t size, double pg_days, DateStyle style)
{
	int			y,
				m,
				d;
	double		day;

	if (!isfinite(pg_days) || fabs(pg_days) > MAX_CALENDAR_DAYS)
	{
		snprintf(buf, size, "%.0f", isfinite(pg_days) ? pg_days : 0.0);
		return;
	}
	day = floor(pg_days);
	civil_from_days((long) day + PG_EPOCH_DAYS, &y, &m, &d);
	switch (style)
	{
		case DATE_ISO:
			snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
			break;
		case DATE_DAY:
			snprintf(buf, size, "%d %s %d", d, month_names[m - 1], y);
			break;
		case DATE_MONTH:
			snprintf(buf, size, "%s %d", month_names[m - 1], y);
			break;
		case DATE_YEAR:
			snprintf(buf, size, "%d", y);
			break;
		case DATE_HOUR:
			{
				long		minutes = lround((pg_days - day) * 1440.0);

				if (minutes >= 1440)
					minutes = 1439;
				snprintf(buf, size, "%d %s %02ld:%02ld", d, month_names[m - 1], minutes / 60, minutes % 60);
			}
			break;
	}
}

/*
 * A number with a fixed count of decimals, never "-0", with thousands
 * separators from 10,000 on.
 */
static void
format_number(char *buf, size_t size, double v, int decimals)
{
	char		plain[400];
	size_t		digits = 0,
				start,
				j = 0;

	if (fabs(v) >= 1e15)
	{
		snprintf(buf, size, "%.3g", v);
		return;
	}
	snprintf(plain, sizeof(plain), "%.*f", decimals, v);
	if (plain[0] == '-')
	{
		bool		zero = true;

		for (const char *c = plain + 1; *c; c++)
			if (*c >= '1' && *c <= '9')
				zero = false;
		if (zero)
			memmove(plain, plain + 1, strlen(plain));
	}
	start = plain[0] == '-';
	while (plain[start + digits] >= '0' && plain[start + digits] <= '9')
		digits++;
	for (size_t i = 0; plain[i] && j + 2 < size; i++)
	{
		buf[j++] = plain[i];
		if (digits > 4 && i >= start && i < start + digits - 1 && (start + digits - 1 - i) % 3 == 0)
			buf[j++] = ',';
	}
	buf[j] = '\0';
}

/* An x value as the axis shows it in text (descriptions, keys). */
static void
format_x(char *buf, size_t size, SpcSvgAxis axis, double t)
{
	if (axis == SPC_SVG_AXIS_NUMBER)
	{
		if (fabs(t) < 1e15 && t == floor(t))
			snprintf(buf, size, "%.0f", t);
		else
			snprintf(buf, size, "%.6g", t);
	}
	else if (axis == SPC_SVG_AXIS_TIME && t != floor(t))
		format_date(buf, size, t, DATE_HOUR);
	else
		format_date(buf, size, t, DATE_DAY);
}

/* Values beyond this magnitude are not drawn: the scale must stay finite. */
#define MAX_DRAWN 1e150

static bool
drawable(double v)
{
	return isfinite(v) && fabs(v) <= MAX_DRAWN;
}

/* A signal shown on the point (runs signals are shown on the centre line). */
static bool
point_signal(const SpcSvgPoint *p)
{
	const char *c = p->signals;

	if (!p->signal)
		return false;
	if (c == NULL || *c == '\0')
		return true;
	while (*c)
	{
		const char *end = strchr(c, ',');
		size_t		len = end ? (size_t) (end - c) : strlen(c);

		if (!(len >= 6 && strncmp(c, "anhoej", 6) == 0))
			return true;
		c += len + (end != NULL);
	}
	return false;
}

static bool
runs_signal(const SpcSvgPoint *p)
{
	return p->signal && p->signals && strstr(p->signals, "anhoej") != NULL;
}

/* ---- layout ---- */

typedef struct Box
{
	double		x0,
				y0,
				x1,
				y1;
} Box;

typedef struct Labels
{
	Box			box[MAX_LABELS];
	int			count;
} Labels;

static bool
boxes_meet(const Box *a, const Box *b)
{
	return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

/* The box of a text at (x, baseline y): the font's ascent and descent. */
static Box
text_box(double x, double y, double width, double size, char anchor)
{
	Box			b;

	b.x0 = anchor == 'e' ? x - width : anchor == 'm' ? x - width / 2 : x;
	b.x1 = b.x0 + width;
	b.y0 = y - 0.96 * size;
	b.y1 = y + 0.27 * size;
	return b;
}

static bool
labels_free(const Labels *labels, const Box *b)
{
	for (int i = 0; i < labels->count; i++)
		if (boxes_meet(&labels->box[i], b))
			return false;
	return true;
}

static void
labels_add(Labels *labels, Box b)
{
	if (labels->count < MAX_LABELS)
	{
		b.x0 -= 2;
		b.x1 += 2;
		b.y0 -= 1;
		b.y1 += 1;
		labels->box[labels->count++] = b;
	}
}

/* Everything one chart panel needs to map and label values. */
typedef struct Panel
{
	const SpcSvgChart *chart;
	const SpcSvgPoint *p;
	size_t		n;
	const char *id;				/* id prefix of this panel */
	bool		compact;		/* a panel of a grid */
	double		font;			/* label font size */
	double		x0,
				x1,
				y0,
				y1;				/* plot area */
	double		left_edge,
				right_edge;		/* of the panel: no text beyond */
	double		t0,
				t1,
				v0,
				v1;				/* data ranges, values as shown */
	double		scale;
	double		ystep;
	int			tick_decimals;
	int			value_decimals;
	Labels		labels;
	size_t		work;			/* points since the last check */
} Panel;

static void
tick(Panel *pn, size_t points)
{
	pn->work += points;
	if (pn->work >= CHECK_EVERY)
	{
		pn->work = 0;
		if (pn->chart->check)
			pn->chart->check(pn->chart->check_ctx);
	}
}

/* A coordinate kept finite: far outside the plot is clipped anyway. */
static double
clamp_coordinate(double c)
{
	return isnan(c) ? 0.0 : c < -1e6 ? -1e6 : c > 1e6 ? 1e6 : c;
}

static double
sx(const Panel *pn, double t)
{
	return clamp_coordinate(pn->x0 + (t - pn->t0) / (pn->t1 - pn->t0) * (pn->x1 - pn->x0));
}

static double
sy(const Panel *pn, double v)
{
	return clamp_coordinate(pn->y1 - (v * pn->scale - pn->v0) / (pn->v1 - pn->v0) * (pn->y1 - pn->y0));
}

static void
format_value(const Panel *pn, char *buf, size_t size, double v, int decimals)
{
	char		num[48];

	format_number(num, sizeof(num), v * pn->scale, decimals);
	snprintf(buf, size, "%s%s", num, pn->chart->percent ? "%" : "");
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

/* The range of the values (times scale) of points and goal. */
static void
value_range(const SpcSvgPoint *p, size_t n, double goal, double scale, double *lo, double *hi)
{
	for (size_t i = 0; i < n; i++)
	{
		widen(lo, hi, p[i].y * scale);
		widen(lo, hi, p[i].cl * scale);
		widen(lo, hi, p[i].lcl * scale);
		widen(lo, hi, p[i].ucl * scale);
	}
	widen(lo, hi, goal * scale);
}

/* A tick step of 1, 2 or 5 times a power of ten giving at most max_ticks. */
static double
nice_step(double span, int max_ticks)
{
	double		raw = span / (max_ticks > 1 ? max_ticks : 1);
	double		magnitude = pow(10.0, floor(log10(raw)));

	if (!isfinite(magnitude) || magnitude <= 0)
		return 1.0;
	if (raw <= magnitude)
		return magnitude;
	if (raw <= 2 * magnitude)
		return 2 * magnitude;
	if (raw <= 5 * magnitude)
		return 5 * magnitude;
	return 10 * magnitude;
}

static int
decimals_for(double step)
{
	int			d = (int) -floor(log10(step) + 1e-9);

	return d < 0 ? 0 : d > 6 ? 6 : d;
}

/* Value ranges padded, ticks chosen, for a plot max_ticks ticks high. */
static void
set_value_scale(Panel *pn, double lo, double hi, int max_ticks)
{
	if (!(hi - lo > fmax(fabs(lo), fabs(hi)) * 1e-12))
	{
		/* one value: a band around it, wide enough to survive rounding */
		double		centre = isfinite(lo) ? lo : 0.0;
		double		pad = fmax(1.0, fabs(centre) * 1e-6);

		lo = centre - pad;
		hi = centre + pad;
	}
	else
	{
		double		pad = (hi - lo) * 0.05;

		lo -= pad;
		hi += pad;
	}
	pn->v0 = lo;
	pn->v1 = hi;
	pn->ystep = nice_step(hi - lo, max_ticks);
	pn->tick_decimals = decimals_for(pn->ystep);
	/* one decimal more than the ticks, but none for large steps */
	pn->value_decimals = pn->tick_decimals + (pn->ystep <= 100 ? 1 : 0);
	if (pn->value_decimals > 6)
		pn->value_decimals = 6;
}

/* The x range of the points, or the one given (a grid's, for all panels). */
static void
set_time_range(Panel *pn, const double *shared)
{
	double		lo = INFINITY,
				hi = -INFINITY,
				pad;

	if (shared)
	{
		lo = shared[0];
		hi = shared[1];
	}
	else
		for (size_t i = 0; i < pn->n; i++)
			widen(&lo, &hi, pn->p[i].t);
	if (!(hi > lo))
	{
		double		centre = isfinite(lo) ? lo : 0.0;
		double		half = pn->chart->axis == SPC_SVG_AXIS_NUMBER ? 1.0 : 3.5;

		half = fmax(half, fabs(centre) * 1e-9);
		lo = centre - half;
		hi = centre + half;
	}
	pad = (hi - lo) * 0.02;
	pn->t0 = lo - pad;
	pn->t1 = hi + pad;
}

/* ---- x ticks ---- */

typedef struct Ticks
{
	double		t[64];
	char		label[64][32];
	int			count;
	double		widest;
} Ticks;

typedef enum CalendarUnit
{
	UNIT_HOUR,
	UNIT_DAY,
	UNIT_WEEK,
	UNIT_MONTH,
	UNIT_YEAR
} CalendarUnit;

/* Ticks on natural boundaries of unit * step within [t0, t1]; false if > 64. */
static bool
calendar_ticks(Ticks *tk, double t0, double t1, CalendarUnit unit, int step, int week_start, double font)
{
	int			y,
				m,
				d;
	long		day0 = (long) floor(t0);

	tk->count = 0;
	tk->widest = 0;
	civil_from_days(day0 + PG_EPOCH_DAYS, &y, &m, &d);
	for (long k = 0;; k++)
	{
		double		t;
		DateStyle	style;

		switch (unit)
		{
			case UNIT_HOUR:
				t = floor(t0 * 24.0 / step) * step / 24.0 + (double) k * step / 24.0;
				style = DATE_HOUR;
				break;
			case UNIT_DAY:
				t = (double) (day0 + k * step);
				style = DATE_DAY;
				break;
			case UNIT_WEEK:
				{
					/* pg day 0 (2000-01-01) was a Saturday: weekday 6 */
					long		first = day0 + (((week_start - (day0 + 6) % 7) % 7) + 7) % 7;

					t = (double) (first + k * 7 * step);
					style = DATE_DAY;
				}
				break;
			case UNIT_MONTH:
				{
					long		index = (long) y * 12 + (m - 1);

					index = (index + step - 1) / step * step + k * step;
					t = (double) (days_from_civil(index / 12, (int) (index % 12) + 1, 1) - PG_EPOCH_DAYS);
					style = DATE_MONTH;
				}
				break;
			default:
				{
					long		year = ((long) y + step - 1) / step * step + k * step;

					t = (double) (days_from_civil(year, 1, 1) - PG_EPOCH_DAYS);
					style = DATE_YEAR;
				}
				break;
		}
		if (t < t0 - 1e-9)
			continue;
		if (t > t1 || k > 200)
			break;
		if (tk->count == 64)
			return false;
		tk->t[tk->count] = t;
		format_date(tk->label[tk->count], sizeof(tk->label[0]), t, style);
		tk->widest = fmax(tk->widest, text_width(tk->label[tk->count], font));
		tk->count++;
	}
	return true;
}

static void
number_ticks(Ticks *tk, double t0, double t1, int max_ticks, double font)
{
	double		step = nice_step(t1 - t0, max_ticks < 1 ? 1 : max_ticks);
	int			decimals;

	if (step < 1 && t1 - t0 >= 2)
		step = 1;
	decimals = decimals_for(step);
	tk->count = 0;
	tk->widest = 0;
	for (int k = 0; tk->count < 64; k++)
	{
		double		t = ceil(t0 / step) * step + k * step;

		if (t > t1 || !isfinite(t))
			break;
		tk->t[tk->count] = t;
		format_number(tk->label[tk->count], sizeof(tk->label[0]), t, decimals);
		tk->widest = fmax(tk->widest, text_width(tk->label[tk->count], font));
		tk->count++;
	}
}

/* The finest natural ticks whose labels fit along the axis. */
static void
choose_x_ticks(const Panel *pn, Ticks *tk)
{
	static const struct
	{
		CalendarUnit unit;
		int			step;
	}			units[] = {
		{UNIT_HOUR, 1}, {UNIT_HOUR, 2}, {UNIT_HOUR, 3}, {UNIT_HOUR, 6}, {UNIT_HOUR, 12},
		{UNIT_DAY, 1}, {UNIT_DAY, 2}, {UNIT_WEEK, 1}, {UNIT_WEEK, 2},
		{UNIT_MONTH, 1}, {UNIT_MONTH, 2}, {UNIT_MONTH, 3}, {UNIT_MONTH, 6},
		{UNIT_YEAR, 1}, {UNIT_YEAR, 2}, {UNIT_YEAR, 5}, {UNIT_YEAR, 10}, {UNIT_YEAR, 20},
		{UNIT_YEAR, 50}, {UNIT_YEAR, 100}, {UNIT_YEAR, 200}, {UNIT_YEAR, 500}, {UNIT_YEAR, 1000}
	};
	double		width = pn->x1 - pn->x0;
	int			week_start = 1;

	if (pn->chart->axis == SPC_SVG_AXIS_NUMBER ||
		fabs(pn->t0) > MAX_CALENDAR_DAYS || fabs(pn->t1) > MAX_CALENDAR_DAYS)
	{
		int			max_ticks = (int) (width / (text_width("-0000000", pn->font) + 16));

		number_ticks(tk, pn->t0, pn->t1, max_ticks, pn->font);
		while (tk->count > 1 && tk->count * (tk->widest + 12) > width && max_ticks > 1)
			number_ticks(tk, pn->t0, pn->t1, --max_ticks, pn->font);
		return;
	}
	/* weekly ticks on the data's weekday when it starts a week (Sunday), else Monday */
	if (pn->n > 0 && drawable(pn->p[0].t))
	{
		long		first = (long) floor(pn->p[0].t);

		if ((((first + 6) % 7) + 7) % 7 == 0)
			week_start = 0;
	}
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++)
	{
		if (units[u].unit == UNIT_HOUR &&
			(pn->chart->axis != SPC_SVG_AXIS_TIME || pn->t1 - pn->t0 > 8))
			continue;
		if (!calendar_ticks(tk, pn->t0, pn->t1, units[u].unit, units[u].step, week_start, pn->font))
			continue;
		if (tk->count * (tk->widest + 14) <= width)
			return;
	}
	/* nothing fits: the first and the last day */
	tk->count = 0;
	calendar_ticks(tk, pn->t0, pn->t1, UNIT_YEAR, 1000, week_start, pn->font);
}

/* ---- drawing ---- */

static double
field_of(const SpcSvgPoint *p, size_t field)
{
	double		v;

	memcpy(&v, (const char *) p + field, sizeof(double));
	return v;
}

/*
 * A line through points[from..to) through the double field at byte offset
 * `field` of each point; a value that cannot be drawn breaks it.  A step
 * line (limits) runs flat to the middle between points.
 */
static void
put_path(SpcStr *s, Panel *pn, size_t from, size_t to, size_t field, bool steps, const char *attrs)
{
	bool		pen = false,
				any = false;

	for (size_t i = from; i < to; i++)
	{
		double		v = field_of(&pn->p[i], field);

		tick(pn, 1);
		if (!drawable(v))
		{
			pen = false;
			continue;
		}
		if (!any)
			put_literal(s, "<path d=\"");
		if (steps && pen)
			putf(s, "V%.1f", sy(pn, v));
		else if (steps)
			putf(s, "M%.1f %.1f", i == from ? sx(pn, pn->p[i].t) - (i > 0 ? (sx(pn, pn->p[i].t) - sx(pn, pn->p[i - 1].t)) / 2 : 0) : sx(pn, pn->p[i].t), sy(pn, v));
		else
			putf(s, "%s%.1f %.1f", pen ? "L" : "M", sx(pn, pn->p[i].t), sy(pn, v));
		if (steps)
		{
			bool		next = i + 1 < to && drawable(field_of(&pn->p[i + 1], field));
			double		xr = next ? (sx(pn, pn->p[i].t) + sx(pn, pn->p[i + 1].t)) / 2
				: i + 1 < pn->n ? (sx(pn, pn->p[i].t) + sx(pn, pn->p[i + 1].t)) / 2 : sx(pn, pn->p[i].t);

			putf(s, "H%.1f", xr);
		}
		pen = any = true;
	}
	if (any)
		putf(s, "\" fill=\"none\" %s/>\n", attrs);
}

/* The band between cl - k sigma and cl + k sigma (within the limits). */
static void
put_band(SpcStr *s, Panel *pn, size_t from, size_t to, double k, const char *fill)
{
	const SpcSvgPoint *p = pn->p;
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

				tick(pn, 2);
				if (drawable(p[q].ucl) && hi > p[q].ucl)
					hi = p[q].ucl;
				putf(s, "%s%.1f %.1f ", q == i ? "M" : "L", sx(pn, p[q].t), sy(pn, hi));
			}
			for (size_t q = j; q-- > i;)
			{
				double		lo = p[q].cl - k * p[q].sigma;

				if (drawable(p[q].lcl) && lo < p[q].lcl)
					lo = p[q].lcl;
				putf(s, "L%.1f %.1f ", sx(pn, p[q].t), sy(pn, lo));
			}
			putf(s, "Z\" fill=\"%s\" stroke=\"none\"/>\n", fill);
		}
		i = j + 1;
	}
}

typedef enum Marker
{
	MARK_COMMON,
	MARK_IMPROVEMENT,
	MARK_CONCERN,
	MARK_NEUTRAL_HIGH,
	MARK_NEUTRAL_LOW,
	MARK_SIGNAL,
	MARK_COUNT
} Marker;

static const char *const marker_names[MARK_COUNT] = {
	"Common cause", "Improvement", "Concern", "Neutral, high", "Neutral, low", "Special cause"
};

static Marker
marker_of(const SpcSvgPoint *p)
{
	if (!point_signal(p))
		return MARK_COMMON;
	switch (p->variation)
	{
		case SPC_VARIATION_IMPROVEMENT:
			return MARK_IMPROVEMENT;
		case SPC_VARIATION_CONCERN:
			return MARK_CONCERN;
		case SPC_VARIATION_NEUTRAL_HIGH:
			return MARK_NEUTRAL_HIGH;
		case SPC_VARIATION_NEUTRAL_LOW:
			return MARK_NEUTRAL_LOW;
		default:
			return MARK_SIGNAL;
	}
}

/* Half the size of each marker: its box for collision checks. */
static double
marker_radius(Marker m)
{
	return m == MARK_COMMON ? 2.8 : 5.2;
}

/*
 * One marker: a small dark circle for common cause; for signals a blue
 * diamond (improvement), an orange square (concern), a purple triangle
 * pointing up or down (neutral), a vermillion square (no direction given).
 */
static void
put_marker(SpcStr *s, Marker m, double x, double y, const char *cls)
{
	switch (m)
	{
		case MARK_COMMON:
			putf(s, "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.6\" fill=\"" MUTED "\"", cls, x, y);
			break;
		case MARK_IMPROVEMENT:
			putf(s, "<path class=\"%s improvement\" d=\"M%.1f %.1fl5.2 5.2l-5.2 5.2l-5.2 -5.2z\" fill=\"" BLUE "\" stroke=\"#00466e\" stroke-width=\"0.8\"",
				 cls, x, y - 5.2);
			break;
		case MARK_CONCERN:
			putf(s, "<path class=\"%s concern\" d=\"M%.1f %.1fh8.6v8.6h-8.6z\" fill=\"" ORANGE "\" stroke=\"#6b4a00\" stroke-width=\"0.8\"",
				 cls, x - 4.3, y - 4.3);
			break;
		case MARK_NEUTRAL_HIGH:
			putf(s, "<path class=\"%s neutral\" d=\"M%.1f %.1fl5.4 9.2h-10.8z\" fill=\"" PURPLE "\" stroke=\"#6e2e55\" stroke-width=\"0.8\"",
				 cls, x, y - 5.2);
			break;
		case MARK_NEUTRAL_LOW:
			putf(s, "<path class=\"%s neutral\" d=\"M%.1f %.1fl5.4 -9.2h-10.8z\" fill=\"" PURPLE "\" stroke=\"#6e2e55\" stroke-width=\"0.8\"",
				 cls, x, y + 5.2);
			break;
		default:
			putf(s, "<path class=\"%s\" d=\"M%.1f %.1fh8.6v8.6h-8.6z\" fill=\"" VERMILLION "\" stroke=\"#5c2600\" stroke-width=\"0.8\"",
				 cls, x - 4.3, y - 4.3);
			break;
	}
}

/* A text element; size in px, anchor 's', 'm' or 'e'; a white halo. */
static void
open_text_halo(SpcStr *s, const char *cls, double x, double y, double size, char anchor, const char *fill,
			   bool halo)
{
	putf(s, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\" font-size=\"%.0f\" fill=\"%s\"%s%s>", cls, x, y, size, fill,
		 anchor == 'e' ? " text-anchor=\"end\"" : anchor == 'm' ? " text-anchor=\"middle\"" : "",
		 halo ? " paint-order=\"stroke\" stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\"" : "");
}

static void
open_text(SpcStr *s, const char *cls, double x, double y, double size, char anchor, const char *fill)
{
	open_text_halo(s, cls, x, y, size, anchor, fill, false);
}

/* Is a label box clear of the data markers of points whose x lies near it? */
static bool
clear_of_data(Panel *pn, const Box *b)
{
	const SpcSvgPoint *p = pn->p;
	size_t		lo = 0,
				hi = pn->n;
	double		t_left = pn->t0 + (b->x0 - 6 - pn->x0) / (pn->x1 - pn->x0) * (pn->t1 - pn->t0);

	/* the first point at or right of the box's left edge (points in x order) */
	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;

		if (p[mid].t < t_left)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < pn->n; i++)
	{
		double		x = sx(pn, p[i].t),
					r;
		Box			m;

		if (x - 6 > b->x1)
			break;
		if (!drawable(p[i].y))
			continue;
		r = marker_radius(marker_of(&p[i])) + 1;
		m.x0 = x - r;
		m.x1 = x + r;
		m.y0 = sy(pn, p[i].y) - r;
		m.y1 = sy(pn, p[i].y) + r;
		if (boxes_meet(&m, b))
			return false;
	}
	return true;
}

/* A phase: points [from, to). */
typedef struct Phase
{
	size_t		from,
				to;
	bool		runs;			/* a runs signal: the centre line shows it */
} Phase;

/* The last drawable value of a field in a phase (NaN if none). */
static double
last_value(const Panel *pn, const Phase *ph, size_t field, size_t *at)
{
	for (size_t i = ph->to; i-- > ph->from;)
	{
		double		v = field_of(&pn->p[i], field);

		if (drawable(v) && drawable(v * pn->scale))
		{
			if (at)
				*at = i;
			return v;
		}
	}
	return NAN;
}

/*
 * The value labels of an earlier phase, inside the plot at its right end:
 * each is placed where it meets no other label and no data marker, or left
 * out (the description lists every phase's values).
 */
static void
put_inner_value_labels(SpcStr *s, Panel *pn, const Phase *ph, double right)
{
	static const struct
	{
		const char *name;
		size_t		field;
	}			lines[3] = {
		{"UCL", offsetof(SpcSvgPoint, ucl)},
		{"CL", offsetof(SpcSvgPoint, cl)},
		{"LCL", offsetof(SpcSvgPoint, lcl)}
	};
	double		size = pn->font - 1;

	for (int l = 0; l < 3; l++)
	{
		char		value[64],
					text[80];
		double		v = last_value(pn, ph, lines[l].field, NULL),
					y,
					w;
		bool		placed = false;

		if (!drawable(v))
			continue;
		format_value(pn, value, sizeof(value), v, pn->value_decimals);
		snprintf(text, sizeof(text), "%s %s", lines[l].name, value);
		w = text_width(text, size);
		y = sy(pn, v);
		if (right - w < pn->x0 + 2)
			continue;
		/* outside the band first: UCL above its line, LCL below it */
		for (int c = 0; c < 2 && !placed; c++)
		{
			bool		above = (c == 0) != (l == 2);
			double		base = above ? y - 3 : y + size + 1;
			Box			b = text_box(right - 2, base, w, size, 'e');

			if (b.y0 < pn->y0 + 1 || b.y1 > pn->y1 - 1)
				continue;
			if (!labels_free(&pn->labels, &b) || !clear_of_data(pn, &b))
				continue;
			/* a white halo keeps it legible over lines */
			open_text_halo(s, "value-label", right - 2, base, size, 'e', l == 1 ? INK : "#8a3c00", true);
			put_escaped(s, text);
			put_literal(s, "</text>\n");
			labels_add(&pn->labels, b);
			placed = true;
		}
	}
}

/* One right-edge label: its wanted baseline and its text. */
typedef struct EdgeLabel
{
	double		y;
	char		text[80];
	const char *fill;
	const char *cls;
} EdgeLabel;

/*
 * The last phase's limits and centre line, and the goal, at the right edge:
 * in value order, pushed apart where they would touch, kept beside the plot.
 */
static void
put_edge_labels(SpcStr *s, Panel *pn, EdgeLabel *e, int count)
{
	double		gap = 1.25 * pn->font + 3;	/* a text box and its padding */
	double		top = pn->y0 + pn->font,
				bottom = pn->y1 - 2;

	/* sort by wanted position (a handful: insertion sort) */
	for (int i = 1; i < count; i++)
		for (int j = i; j > 0 && e[j].y < e[j - 1].y; j--)
		{
			EdgeLabel	tmp = e[j];

			e[j] = e[j - 1];
			e[j - 1] = tmp;
		}
	for (int i = 0; i < count; i++)
	{
		if (e[i].y < top)
			e[i].y = top;
		if (i > 0 && e[i].y < e[i - 1].y + gap)
			e[i].y = e[i - 1].y + gap;
	}
	for (int i = count; i-- > 0;)
	{
		if (e[i].y > bottom)
			e[i].y = bottom;
		if (i + 1 < count && e[i].y > e[i + 1].y - gap)
			e[i].y = e[i + 1].y - gap;
	}
	for (int i = 0; i < count; i++)
	{
		Box			b = text_box(pn->x1 + 5, e[i].y, text_width(e[i].text, pn->font), pn->font, 's');

		if (!labels_free(&pn->labels, &b))
			continue;			/* too many for the plot's height */
		open_text(s, e[i].cls, pn->x1 + 5, e[i].y, pn->font, 's', e[i].fill);
		put_escaped(s, e[i].text);
		put_literal(s, "</text>\n");
		labels_add(&pn->labels, b);
	}
}

static int
edge_labels_of(Panel *pn, const Phase *last, double goal, EdgeLabel *e)
{
	static const struct
	{
		const char *name;
		size_t		field;
	}			lines[3] = {
		{"UCL", offsetof(SpcSvgPoint, ucl)},
		{"CL", offsetof(SpcSvgPoint, cl)},
		{"LCL", offsetof(SpcSvgPoint, lcl)}
	};
	int			count = 0;
	char		value[64];

	for (int l = 0; last && l < 3; l++)
	{
		double		v = last_value(pn, last, lines[l].field, NULL);

		if (!drawable(v))
			continue;
		format_value(pn, value, sizeof(value), v, pn->value_decimals);
		snprintf(e[count].text, sizeof(e[count].text), "%s %s", lines[l].name, value);
		e[count].y = sy(pn, v) + pn->font * 0.35;
		e[count].fill = l == 1 ? INK : "#8a3c00";
		e[count].cls = "value-label";
		count++;
	}
	if (drawable(goal) && drawable(goal * pn->scale))
	{
		int			decimals = 0;

		/* a goal is a round number: as few decimals as show it */
		while (decimals < pn->value_decimals &&
			   fabs(goal * pn->scale * pow(10, decimals) - round(goal * pn->scale * pow(10, decimals))) > 1e-6)
			decimals++;
		format_value(pn, value, sizeof(value), goal, decimals);
		snprintf(e[count].text, sizeof(e[count].text), "Goal %s", value);
		e[count].y = sy(pn, goal) + pn->font * 0.35;
		e[count].fill = "#00684c";
		e[count].cls = "goal-label";
		count++;
	}
	return count;
}

/* Rows of labels above the plot: greedy, each in the first row with room. */
typedef struct Rows
{
	double		right[16];
	int			count;
} Rows;

static int
take_row(Rows *rows, double left, double right, int max_rows)
{
	for (int r = 0; r < rows->count; r++)
		if (left >= rows->right[r] + 8)
		{
			rows->right[r] = right;
			return r;
		}
	if (rows->count < max_rows)
	{
		rows->right[rows->count] = right;
		return rows->count++;
	}
	return -1;
}

typedef struct Placed
{
	double		x;				/* left edge (phase) or centre (marker) */
	double		width;			/* room for the text (cut with an ellipsis) */
	int			row;
	size_t		index;			/* the phase's first point or the annotated point */
	int			number;			/* annotation number */
} Placed;

/* ---- the panel ---- */

typedef struct PanelPlan
{
	Phase	   *phases;
	size_t		nphases;
	Placed	   *phase_labels;
	Placed	   *markers;
	size_t		nmarkers;
	int			phase_rows;
	int			marker_rows;
} PanelPlan;

/* Hash of the content: a stable id prefix for a document without one. */
static uint64_t
hash_bytes(uint64_t h, const void *data, size_t len)
{
	const unsigned char *b = data;

	for (size_t i = 0; i < len; i++)
	{
		h ^= b[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static uint64_t
hash_text(uint64_t h, const char *text)
{
	return hash_bytes(h, text ? text : "", text ? strlen(text) + 1 : 1);
}

static uint64_t
hash_points(uint64_t h, const SpcSvgPoint *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
	{
		double		v[6] = {p[i].t, p[i].y, p[i].cl, p[i].lcl, p[i].ucl, p[i].sigma};

		for (int k = 0; k < 6; k++)
			if (isnan(v[k]))
				v[k] = 0.0;		/* every NaN hashes alike */
		h = hash_bytes(h, v, sizeof(v));
		h = hash_bytes(h, &p[i].signal, 1);
		h = hash_text(h, p[i].annotation);
		h = hash_text(h, p[i].phase_label);
	}
	return h;
}

/* The id prefix: the caller's (made safe for XML names) or from the content. */
static void
make_id(char *buf, size_t size, const SpcSvgChart *chart, uint64_t content)
{
	if (chart->id && *chart->id)
	{
		size_t		j = 0;

		if (!((chart->id[0] >= 'A' && chart->id[0] <= 'Z') || (chart->id[0] >= 'a' && chart->id[0] <= 'z')))
			buf[j++] = 'c';
		for (const char *c = chart->id; *c && j + 1 < size && j < 64; c++)
		{
			bool		ok = (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
				(*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.';

			buf[j++] = ok ? *c : '_';
		}
		buf[j] = '\0';
	}
	else
		snprintf(buf, size, "spc-%016llx", (unsigned long long) content);
}

/* Phases of the points, and which of them carry a runs signal. */
static size_t
split_phases(const SpcSvgPoint *p, size_t n, Phase *phases)
{
	size_t		count = 0;

	for (size_t from = 0; from < n;)
	{
		size_t		to = from + 1;
		bool		runs = runs_signal(&p[from]);

		while (to < n && p[to].phase == p[from].phase)
			runs |= runs_signal(&p[to++]);
		phases[count].from = from;
		phases[count].to = to;
		phases[count].runs = runs;
		count++;
		from = to;
	}
	return count;
}

static double
phase_left(const Panel *pn, const Phase *ph)
{
	if (ph->from == 0)			/* where its data starts (a grid's x is shared) */
		return fmax(pn->x0, drawable(pn->p[0].t) ? sx(pn, pn->p[0].t) - 4 : pn->x0);
	return (sx(pn, pn->p[ph->from - 1].t) + sx(pn, pn->p[ph->from].t)) / 2;
}

static double
phase_right(const Panel *pn, const Phase *ph)
{
	if (ph->to >= pn->n)
		return pn->x1;
	return (sx(pn, pn->p[ph->to - 1].t) + sx(pn, pn->p[ph->to].t)) / 2;
}

/* Rows for the phase labels and the annotation markers (x scale known). */
static void
plan_header(Panel *pn, PanelPlan *plan, int max_rows)
{
	Rows		rows = {{0}, 0};
	int			number = 0;
	bool		crowded = false;

	plan->phase_rows = 0;
	for (size_t k = 0; k < plan->nphases; k++)
	{
		const SpcSvgPoint *first = &pn->p[plan->phases[k].from];
		double		left = phase_left(pn, &plan->phases[k]) + 3,
					w;
		Placed	   *pl = &plan->phase_labels[k];

		pl->row = -1;
		if (!first->phase_label || !*first->phase_label || pn->compact)
			continue;
		w = fmin(text_width(first->phase_label, pn->font), pn->x1 - pn->x0);
		if (left + w > pn->x1)
			left = fmax(pn->x0, pn->x1 - w);
		pl->x = left;
		pl->width = w;
		pl->index = plan->phases[k].from;
		pl->row = take_row(&rows, left, left + w, max_rows);
		if (pl->row < 0)
			crowded = true;
	}
	if (crowded)
	{
		/*
		 * Too many to show whole: two rows, phases alternating, each label
		 * cut to end before the next label of its row (two phases on).
		 */
		rows.count = 0;
		for (size_t k = 0; k < plan->nphases; k++)
		{
			Placed	   *pl = &plan->phase_labels[k];
			double		left = phase_left(pn, &plan->phases[k]) + 3,
						right = k + 2 < plan->nphases ? phase_left(pn, &plan->phases[k + 2]) - 5 : pn->x1;

			const char *label = pn->p[plan->phases[k].from].phase_label;

			if (!label || !*label || pn->compact)
				continue;
			pl->x = left;
			pl->width = fmin(text_width(pn->p[pl->index].phase_label, pn->font), right - left);
			pl->row = pl->width >= text_width("Ab\xe2\x80\xa6", pn->font) ? (int) (k % 2) : -2;
			if (pl->row >= 0 && pl->row + 1 > rows.count)
				rows.count = pl->row + 1;
		}
	}
	plan->phase_rows = rows.count;
	rows.count = 0;
	plan->nmarkers = 0;
	for (size_t i = 0; i < pn->n; i++)
	{
		char		num[16];
		double		x = sx(pn, pn->p[i].t),
					w;
		Placed	   *m;

		if (!pn->p[i].annotation || !*pn->p[i].annotation || pn->compact)
			continue;
		snprintf(num, sizeof(num), "%d", ++number);
		w = text_width(num, pn->font) + 6;
		m = &plan->markers[plan->nmarkers++];
		m->x = fmin(fmax(x, pn->x0 + w / 2), pn->x1 - w / 2);
		m->index = i;
		m->number = number;
		m->row = take_row(&rows, m->x - w / 2, m->x + w / 2, 16);
	}
	plan->marker_rows = rows.count;
}

/* Wrapped lines of text in width: the byte offsets where each line starts. */
static int
wrap_text(const char *text, double size, double width, size_t *starts, size_t *lens, int max_lines)
{
	size_t		len = strlen(text),
				at = 0;
	int			lines = 0;

	while (at < len && lines < max_lines)
	{
		size_t		fit = fitting_bytes(text + at, size, width),
					cut = fit;

		if (fit == 0)
			fit = cut = 1;
		if (at + fit < len)
		{
			/* break at the last blank that fits, if any */
			size_t		b = fit;

			while (b > 0 && text[at + b] != ' ')
				b--;
			if (b > 0)
				cut = b;
		}
		else
			cut = len - at;
		starts[lines] = at;
		lens[lines] = cut;
		lines++;
		at += cut;
		while (at < len && text[at] == ' ')
			at++;
	}
	return lines;
}

#define MAX_KEY_LINES 40		/* lines of one annotation in the key */

/* What the legend shows: which markers and lines the chart has. */
typedef struct LegendFlags
{
	bool		marker[MARK_COUNT];
	bool		limits;
	bool		goal;
	bool		runs;
	bool		zones;
} LegendFlags;

static void
legend_flags(const SpcSvgPoint *p, size_t n, double goal, LegendFlags *f)
{
	for (size_t i = 0; i < n; i++)
	{
		if (drawable(p[i].y))
			f->marker[marker_of(&p[i])] = true;
		if (drawable(p[i].lcl) || drawable(p[i].ucl))
			f->limits = true;
		if (drawable(p[i].sigma))
			f->zones = true;
		if (runs_signal(&p[i]))
			f->runs = true;
	}
	if (drawable(goal))
		f->goal = true;
}

/* Legend items left to right, wrapping; returns the rows used (draws if s). */
static int
put_legend(SpcStr *s, const LegendFlags *f, double x0, double x1, double y, double font)
{
	const char *names[MARK_COUNT + 5];
	int			kinds[MARK_COUNT + 5];
	int			count = 0,
				rows = 1;
	double		x = x0;

	names[count] = "Centre line";
	kinds[count++] = 100;
	if (f->runs)
	{
		names[count] = "Centre line with a runs signal";
		kinds[count++] = 101;
	}
	if (f->limits)
	{
		names[count] = "Control limits";
		kinds[count++] = 102;
	}
	if (f->zones)
	{
		names[count] = "1 and 2 sigma";
		kinds[count++] = 104;
	}
	if (f->goal)
	{
		names[count] = "Goal";
		kinds[count++] = 103;
	}
	for (int m = 0; m < MARK_COUNT; m++)
		if (f->marker[m])
		{
			names[count] = marker_names[m];
			kinds[count++] = m;
		}
	for (int i = 0; i < count; i++)
	{
		double		w = 22 + text_width(names[i], font) + 14;

		if (x + w > x1 && x > x0)
		{
			x = x0;
			y += font + 6;
			rows++;
		}
		if (s)
		{
			double		cy = y - font * 0.35;

			switch (kinds[i])
			{
				case 100:
					putf(s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" INK "\" stroke-width=\"1.4\"/>", x, cy, x + 18, cy);
					break;
				case 101:
					putf(s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" VERMILLION "\" stroke-width=\"2.4\" stroke-dasharray=\"1.5 2.5\"/>", x, cy, x + 18, cy);
					break;
				case 102:
					putf(s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" VERMILLION "\" stroke-width=\"1.2\" stroke-dasharray=\"6 3\"/>", x, cy, x + 18, cy);
					break;
				case 103:
					putf(s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" GREEN "\" stroke-width=\"1.6\" stroke-dasharray=\"8 3 2 3\"/>", x, cy, x + 18, cy);
					break;
				case 104:
					putf(s, "<rect x=\"%.1f\" y=\"%.1f\" width=\"18\" height=\"4\" fill=\"" ZONE1 "\"/><rect x=\"%.1f\" y=\"%.1f\" width=\"18\" height=\"3\" fill=\"" ZONE2 "\"/>"
						 "<rect x=\"%.1f\" y=\"%.1f\" width=\"18\" height=\"3\" fill=\"" ZONE2 "\"/>",
						 x, cy - 2, x, cy - 5, x, cy + 2);
					break;
				default:
					put_marker(s, (Marker) kinds[i], x + 9, cy, "legend-marker");
					put_literal(s, "/>");
					break;
			}
			open_text(s, "legend", x + 22, y, font, 's', INK);
			put_escaped(s, names[i]);
			put_literal(s, "</text>\n");
		}
		x += w;
	}
	return rows;
}

/* The key below the chart: lines needed (draws when s is not NULL). */
static int
put_key(SpcStr *s, Panel *pn, const PanelPlan *plan, double x0, double width, double y, double font)
{
	int			lines = 0;
	double		line = font + 4;
	double		indent = 0;

	/* the notes start in one column, after the widest number and date */
	for (size_t k = 0; k < plan->nmarkers; k++)
	{
		char		head[96],
					date[48];

		format_x(date, sizeof(date), pn->chart->axis, pn->p[plan->markers[k].index].t);
		snprintf(head, sizeof(head), "%d  %s:", plan->markers[k].number, date);
		indent = fmax(indent, text_width(head, font) + 8);
	}
	if (indent > width / 3)
		indent = width / 3;
	for (size_t k = 0; k < plan->nmarkers; k++)
	{
		const SpcSvgPoint *p = &pn->p[plan->markers[k].index];
		char		head[96],
					date[48];
		size_t		starts[MAX_KEY_LINES],
					lens[MAX_KEY_LINES];
		int			count;

		format_x(date, sizeof(date), pn->chart->axis, p->t);
		snprintf(head, sizeof(head), "%d  %s:", plan->markers[k].number, date);
		count = wrap_text(p->annotation, font, width - indent, starts, lens, MAX_KEY_LINES);
		if (s)
		{
			open_text(s, "annotation-key", x0, y + lines * line, font, 's', INK);
			putf(s, "<tspan font-weight=\"bold\" fill=\"#00684c\">%d</tspan>  ", plan->markers[k].number);
			put_escaped(s, date);
			put_literal(s, ":</text>\n");
			for (int l = 0; l < count; l++)
			{
				open_text(s, "annotation-text", x0 + indent, y + (lines + l) * line, font, 's', INK);
				put_escaped_len(s, p->annotation + starts[l], lens[l]);
				if (l == count - 1 && starts[l] + lens[l] < strlen(p->annotation))
					put_literal(s, "\xe2\x80\xa6");
				put_literal(s, "</text>\n");
			}
		}
		lines += count > 0 ? count : 1;
	}
	return lines;
}

/* The y-axis: ticks, grid lines and labels; returns the widest label. */
static double
y_tick_width(const Panel *pn)
{
	double		widest = 0;

	for (int k = 0; k <= 40; k++)
	{
		char		label[64];
		double		v = ceil(pn->v0 / pn->ystep) * pn->ystep + k * pn->ystep;

		if (v > pn->v1 || !isfinite(v))
			break;
		format_number(label, sizeof(label), v, pn->tick_decimals);
		if (pn->chart->percent)
			strcat(label, "%");
		widest = fmax(widest, text_width(label, pn->font));
	}
	return widest;
}

static void
put_y_axis(SpcStr *s, Panel *pn)
{
	put_literal(s, "<g class=\"y-axis\">");
	for (int k = 0; k <= 40; k++)
	{
		char		label[64];
		double		v = ceil(pn->v0 / pn->ystep) * pn->ystep + k * pn->ystep,
					y;
		Box			b;

		if (v > pn->v1 || !isfinite(v))
			break;
		y = pn->y1 - (v - pn->v0) / (pn->v1 - pn->v0) * (pn->y1 - pn->y0);
		format_number(label, sizeof(label), v, pn->tick_decimals);
		if (pn->chart->percent)
			strcat(label, "%");
		b = text_box(pn->x0 - 6, y + pn->font * 0.35, text_width(label, pn->font), pn->font, 'e');
		if (!labels_free(&pn->labels, &b))
			continue;
		putf(s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e6e6e6\"/>", pn->x0, y, pn->x1, y);
		open_text(s, "tick", pn->x0 - 6, y + pn->font * 0.35, pn->font, 'e', MUTED);
		put_escaped(s, label);
		put_literal(s, "</text>");
		labels_add(&pn->labels, b);
	}
	put_literal(s, "</g>\n");
}

static void
put_x_axis(SpcStr *s, Panel *pn, const Ticks *tk)
{
	double		y = pn->y1 + pn->font + 5;

	put_literal(s, "<g class=\"x-axis\">");
	for (int k = 0; k < tk->count; k++)
	{
		double		x = sx(pn, tk->t[k]),
					w = text_width(tk->label[k], pn->font);
		char		anchor = 'm';
		Box			b;

		if (x < pn->x0 - 0.5 || x > pn->x1 + 0.5)
			continue;
		/* the end labels stay inside the picture */
		if (x - w / 2 < pn->left_edge + 2)
			anchor = 's';
		else if (x + w / 2 > pn->right_edge - 2)
			anchor = 'e';
		if ((anchor == 's' && x + w > pn->right_edge - 2) || (anchor == 'e' && x - w < pn->left_edge + 2))
			continue;
		b = text_box(x, y, w, pn->font, anchor);
		if (!labels_free(&pn->labels, &b))
			continue;
		putf(s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" GRID "\"/>", x, pn->y1, x, pn->y1 + 4);
		open_text(s, "tick", x, y, pn->font, anchor, MUTED);
		put_escaped(s, tk->label[k]);
		put_literal(s, "</text>");
		labels_add(&pn->labels, b);
	}
	put_literal(s, "</g>\n");
}

/* The zones, limits, centre lines and phase breaks of every phase. */
static void
put_phases(SpcStr *s, Panel *pn, const PanelPlan *plan)
{
	for (size_t k = 0; k < plan->nphases; k++)
	{
		const Phase *ph = &plan->phases[k];

		put_band(s, pn, ph->from, ph->to, 2.0, ZONE2);
		put_band(s, pn, ph->from, ph->to, 1.0, ZONE1);
	}
	for (size_t k = 0; k < plan->nphases; k++)
	{
		const Phase *ph = &plan->phases[k];

		put_path(s, pn, ph->from, ph->to, offsetof(SpcSvgPoint, lcl), true,
				 "class=\"limit\" stroke=\"" VERMILLION "\" stroke-width=\"1.2\" stroke-dasharray=\"6 3\"");
		put_path(s, pn, ph->from, ph->to, offsetof(SpcSvgPoint, ucl), true,
				 "class=\"limit\" stroke=\"" VERMILLION "\" stroke-width=\"1.2\" stroke-dasharray=\"6 3\"");
		if (ph->runs)
			put_path(s, pn, ph->from, ph->to, offsetof(SpcSvgPoint, cl), true,
					 "class=\"centre runs-signal\" stroke=\"" VERMILLION "\" stroke-width=\"2.4\" stroke-dasharray=\"1.5 2.5\"");
		else
			put_path(s, pn, ph->from, ph->to, offsetof(SpcSvgPoint, cl), true,
					 "class=\"centre\" stroke=\"" INK "\" stroke-width=\"1.4\"");
		if (k > 0)
		{
			double		x = phase_left(pn, ph);

			putf(s, "<line class=\"phase-break\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#737373\" stroke-dasharray=\"3 3\"/>\n",
				 x, pn->y0, x, pn->y1);
		}
	}
}

/* Data line and markers, each with its value as a tooltip. */
static void
put_data(SpcStr *s, Panel *pn)
{
	const SpcSvgPoint *p = pn->p;

	put_path(s, pn, 0, pn->n, offsetof(SpcSvgPoint, y), false, "class=\"data\" stroke=\"#8c8c8c\" stroke-width=\"1.2\"");
	for (size_t i = 0; i < pn->n; i++)
	{
		char		x[48],
					v[64];
		Marker		m;

		tick(pn, 1);
		if (!drawable(p[i].y) || !drawable(p[i].y * pn->scale))
			continue;
		m = marker_of(&p[i]);
		put_marker(s, m, sx(pn, p[i].t), sy(pn, p[i].y), m == MARK_COMMON ? "point" : "signal");
		format_x(x, sizeof(x), pn->chart->axis, p[i].t);
		format_value(pn, v, sizeof(v), p[i].y, pn->value_decimals);
		put_literal(s, "><title>");
		put_escaped(s, x);
		put_literal(s, ": ");
		put_escaped(s, v);
		if (p[i].signals && *p[i].signals)
		{
			put_literal(s, " (");
			put_escaped(s, p[i].signals);
			put_literal(s, ")");
		}
		if (m == MARK_COMMON)
			put_literal(s, "</title></circle>\n");
		else
			put_literal(s, "</title></path>\n");
	}
}

/* The accessible description: the data summary, every phase, every note. */
static void
put_description(SpcStr *s, Panel *pn, const PanelPlan *plan, double goal)
{
	size_t		signals = 0,
				shown = 0;
	char		a[48],
				b[48],
				v[64];

	for (size_t i = 0; i < pn->n; i++)
	{
		signals += pn->p[i].signal;
		shown += drawable(pn->p[i].y);
	}
	putf(s, "Control chart of %zu points with a value", shown);
	if (pn->n > 0)
	{
		format_x(a, sizeof(a), pn->chart->axis, pn->p[0].t);
		format_x(b, sizeof(b), pn->chart->axis, pn->p[pn->n - 1].t);
		put_literal(s, ", from ");
		put_escaped(s, a);
		put_literal(s, " to ");
		put_escaped(s, b);
	}
	putf(s, "; %zu special-cause signal%s", signals, signals == 1 ? "" : "s");
	if (drawable(goal))
	{
		format_value(pn, v, sizeof(v), goal, pn->value_decimals);
		put_literal(s, "; goal ");
		put_escaped(s, v);
	}
	for (size_t k = 0; k < plan->nphases && k < 1000; k++)
	{
		const Phase *ph = &plan->phases[k];
		double		cl = last_value(pn, ph, offsetof(SpcSvgPoint, cl), NULL),
					lcl = last_value(pn, ph, offsetof(SpcSvgPoint, lcl), NULL),
					ucl = last_value(pn, ph, offsetof(SpcSvgPoint, ucl), NULL);
		const char *label = pn->p[ph->from].phase_label;

		put_literal(s, ". Phase ");
		if (label && *label)
			put_escaped(s, label);
		else
			putf(s, "%zu", k + 1);
		format_x(a, sizeof(a), pn->chart->axis, pn->p[ph->from].t);
		put_literal(s, " from ");
		put_escaped(s, a);
		if (drawable(cl))
		{
			format_value(pn, v, sizeof(v), cl, pn->value_decimals);
			put_literal(s, ": centre line ");
			put_escaped(s, v);
		}
		if (drawable(lcl))
		{
			format_value(pn, v, sizeof(v), lcl, pn->value_decimals);
			put_literal(s, ", lower limit ");
			put_escaped(s, v);
		}
		if (drawable(ucl))
		{
			format_value(pn, v, sizeof(v), ucl, pn->value_decimals);
			put_literal(s, ", upper limit ");
			put_escaped(s, v);
		}
		if (ph->runs)
			put_literal(s, ", runs signal");
	}
	put_literal(s, ".");
}

/*
 * Draw one panel in the box (bx, by, bw, bh) of the document.  With a
 * panel of a grid (compact), the caller draws the legend; *height returns
 * the height used (more than bh when the annotation key needs it).
 */
static void
render_panel(SpcStr *s, Panel *pn, PanelPlan *plan, const char *title, double goal,
			 double bx, double by, double bw, double bh, const double *shared_range,
			 const double *shared_time,
			 double *height)
{
	const SpcSvgChart *chart = pn->chart;
	double		title_size = pn->compact ? pn->font + 1 : 14;
	double		row = pn->font + 4;
	double		lo = INFINITY,
				hi = -INFINITY;
	double		left,
				right,
				top,
				bottom;
	double		edge_width = 0;
	EdgeLabel	edge[4];
	int			nedge;
	Ticks		tk;
	LegendFlags flags;
	int			legend_rows = 0,
				key_lines = 0;
	const char *y_title = chart->unit;
	const char *x_title = chart->x_title;

	memset(&flags, 0, sizeof(flags));
	pn->labels.count = 0;
	if (shared_range)
	{
		lo = shared_range[0];
		hi = shared_range[1];
	}
	else
		value_range(pn->p, pn->n, goal, pn->scale, &lo, &hi);
	set_value_scale(pn, lo, hi, (int) fmax(3, (bh - (pn->compact ? 60 : 120)) / (pn->compact ? 26 : 34)));
	set_time_range(pn, shared_time);
	if (!x_title || !*x_title)
		x_title = chart->axis == SPC_SVG_AXIS_NUMBER ? "Sample" : chart->axis == SPC_SVG_AXIS_TIME ? "Time" : "Date";

	plan->nphases = split_phases(pn->p, pn->n, plan->phases);

	/* horizontal layout: y title and tick labels left, edge labels right */
	left = 8 + (y_title && *y_title && !pn->compact ? pn->font + 8 : 0) + y_tick_width(pn) + 8;
	pn->x0 = bx + left;
	pn->left_edge = bx;
	pn->right_edge = bx + bw;
	pn->y0 = by;
	pn->y1 = by + bh;			/* provisional, for the edge label texts */
	nedge = edge_labels_of(pn, plan->nphases ? &plan->phases[plan->nphases - 1] : NULL, goal, edge);
	for (int i = 0; i < nedge; i++)
		edge_width = fmax(edge_width, text_width(edge[i].text, pn->font));
	right = edge_width + 12;
	if (right < 16)
		right = 16;
	if (left + right > bw - 40)
		right = fmax(8, bw - 40 - left);
	pn->x1 = bx + bw - right;
	choose_x_ticks(pn, &tk);

	/* vertical layout: title, header rows, plot, ticks, x title, legend, key */
	plan_header(pn, plan, 3);
	top = (title_size + 10) + (plan->phase_rows + plan->marker_rows) * row + (pn->compact ? 4 : 8);
	bottom = pn->font + 10;
	if (!pn->compact)
	{
		legend_flags(pn->p, pn->n, goal, &flags);
		legend_rows = put_legend(NULL, &flags, bx + 8, bx + bw - 8, 0, pn->font);
		key_lines = put_key(NULL, pn, plan, bx + 8, bw - 16, 0, pn->font);
		/* to the legend's first baseline, its other rows, the key, a margin */
		bottom = 3 * pn->font + 24 + (legend_rows - 1) * (pn->font + 6) +
			(key_lines > 0 ? (pn->font + 6) + 4 + (key_lines - 1) * (pn->font + 4) : 0) + 0.3 * pn->font + 8;
	}
	/* the key makes the picture taller rather than the plot too small */
	if (bh - top - bottom < fmax(60, 0.45 * bh))
		bh = top + bottom + fmax(60, 0.45 * bh);
	*height = bh;
	pn->y0 = by + top;
	pn->y1 = by + bh - bottom;
	/* the edge labels' wanted places on the final scale */
	nedge = edge_labels_of(pn, plan->nphases ? &plan->phases[plan->nphases - 1] : NULL, goal, edge);

	/* title */
	open_text(s, "title", bx + 8, by + title_size + 4, title_size, 's', INK);
	put_literal(s, "<tspan font-weight=\"bold\">");
	put_fitted(s, title && *title ? title : "Control chart", title_size * BOLD, bw - 16);
	put_literal(s, "</tspan></text>\n");
	{
		Box			b = text_box(bx + 8, by + title_size + 4, fmin(bw - 16, text_width(title, title_size * BOLD)), title_size, 's');

		labels_add(&pn->labels, b);
	}

	/* frame of the plot */
	putf(s, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#ffffff\" stroke=\"" GRID "\"/>\n",
		 pn->x0, pn->y0, pn->x1 - pn->x0, pn->y1 - pn->y0);
	/* the edge labels first: the ticks give way to them */
	put_edge_labels(s, pn, edge, nedge);
	put_y_axis(s, pn);
	put_x_axis(s, pn, &tk);
	if (y_title && *y_title && !pn->compact)
	{
		double		cy = (pn->y0 + pn->y1) / 2,
					cx = bx + 8 + pn->font;

		putf(s, "<text class=\"axis-title\" x=\"%.1f\" y=\"%.1f\" font-size=\"%.0f\" fill=\"" INK "\" text-anchor=\"middle\" transform=\"rotate(-90 %.1f %.1f)\">",
			 cx, cy, pn->font, cx, cy);
		put_fitted(s, y_title, pn->font, pn->y1 - pn->y0);
		put_literal(s, "</text>\n");
	}
	if (!pn->compact)
	{
		open_text(s, "axis-title", (pn->x0 + pn->x1) / 2, pn->y1 + 2 * pn->font + 12, pn->font, 'm', INK);
		put_fitted(s, x_title, pn->font, pn->x1 - pn->x0);
		put_literal(s, "</text>\n");
	}

	/* a clip keeps lines of values outside a shared scale inside the plot */
	putf(s, "<clipPath id=\"%s-plot\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/></clipPath>\n",
		 pn->id, pn->x0 - 6, pn->y0 - 6, pn->x1 - pn->x0 + 12, pn->y1 - pn->y0 + 12);
	putf(s, "<g clip-path=\"url(#%s-plot)\">\n", pn->id);
	put_phases(s, pn, plan);
	if (drawable(goal) && drawable(goal * pn->scale))
		putf(s, "<line class=\"goal\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" GREEN "\" stroke-width=\"1.6\" stroke-dasharray=\"8 3 2 3\"/>\n",
			 pn->x0, sy(pn, goal), pn->x1, sy(pn, goal));
	for (size_t k = 0; k < plan->nmarkers; k++)
	{
		double		x = sx(pn, pn->p[plan->markers[k].index].t);

		putf(s, "<line class=\"annotation-line\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#00684c\" stroke-width=\"0.8\" stroke-dasharray=\"1 2\"/>\n",
			 x, pn->y0, x, pn->y1);
	}
	put_data(s, pn);
	put_literal(s, "</g>\n");

	/* header rows: phase labels, then the annotation numbers */
	for (size_t k = 0; k < plan->nphases; k++)
	{
		const Placed *pl = &plan->phase_labels[k];
		double		y;

		if (pl->row < 0)
			continue;
		y = by + title_size + 10 + (pl->row + 1) * row - 4;
		open_text(s, "phase-label", pl->x, y, pn->font, 's', INK);
		put_fitted(s, pn->p[pl->index].phase_label, pn->font, pl->width);
		put_literal(s, "</text>\n");
	}
	for (size_t k = 0; k < plan->nmarkers; k++)
	{
		const Placed *m = &plan->markers[k];
		double		y = by + title_size + 10 + (plan->phase_rows + m->row + 1) * row - 4;
		char		num[16];
		double		w;

		if (m->row < 0)
			continue;
		snprintf(num, sizeof(num), "%d", m->number);
		w = text_width(num, pn->font) + 6;
		putf(s, "<g class=\"annotation\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"3\" fill=\"#00684c\"/>",
			 m->x - w / 2, y - pn->font, w, pn->font + 3);
		open_text(s, "annotation-number", m->x, y, pn->font, 'm', "#ffffff");
		put(s, num, strlen(num));
		put_literal(s, "</text><title>");
		put_escaped(s, pn->p[m->index].annotation);
		put_literal(s, "</title></g>\n");
	}

	/* earlier phases' values inside the plot, where they are clear */
	for (size_t k = 0; k + 1 < plan->nphases; k++)
		put_inner_value_labels(s, pn, &plan->phases[k], phase_right(pn, &plan->phases[k]));

	if (!pn->compact)
	{
		double		y = pn->y1 + 3 * pn->font + 24;

		put_legend(s, &flags, bx + 8, bx + bw - 8, y, pn->font);
		put_key(s, pn, plan, bx + 8, bw - 16, y + legend_rows * (pn->font + 6) + 4, pn->font);
	}
}

static void
release(SpcStr *s, void *block)
{
	if (block && s->release)
		s->release(s->ctx, block);
}

static void
free_plan(SpcStr *s, PanelPlan *plan)
{
	release(s, plan->phases);
	release(s, plan->phase_labels);
	release(s, plan->markers);
}

static bool
alloc_plan(SpcStr *s, PanelPlan *plan, size_t n)
{
	size_t		count = n > 0 ? n : 1;

	memset(plan, 0, sizeof(*plan));
	plan->phases = s->grow(s->ctx, NULL, count * sizeof(Phase));
	plan->phase_labels = s->grow(s->ctx, NULL, count * sizeof(Placed));
	plan->markers = s->grow(s->ctx, NULL, count * sizeof(Placed));
	return plan->phases && plan->phase_labels && plan->markers;
}

static void
open_document(SpcStr *s, const char *id, double width, double height, const char *title)
{
	putf(s, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"%s\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" "
		 "role=\"img\" aria-labelledby=\"%s-title %s-desc\" font-family=\"" FONT "\">\n",
		 id, width, height, width, height, id, id);
	putf(s, "<title id=\"%s-title\">", id);
	put_escaped(s, title && *title ? title : "Control chart");
	put_literal(s, "</title>\n");
}

/*
 * The document is written twice over: the panel's height (which the key
 * sets) is known only after layout, so the body goes to a second buffer.
 */
bool
spc_svg_render(const SpcSvgChart *chart, const SpcSvgPoint *p, size_t n, SpcStr *s)
{
	Panel		pn;
	PanelPlan	plan;
	SpcStr		body = {NULL, 0, 0, s->grow, s->ctx, false, s->release};
	SpcStr		desc = {NULL, 0, 0, s->grow, s->ctx, false, s->release};
	char		id[80];
	double		width = chart->width > 0 ? chart->width : 800,
				height = chart->height > 0 ? chart->height : 400,
				used;

	memset(&pn, 0, sizeof(pn));
	make_id(id, sizeof(id), chart,
			hash_points(hash_text(hash_text(14695981039346656037ULL, chart->title), chart->unit), p, n));
	pn.chart = chart;
	pn.p = p;
	pn.n = n;
	pn.id = id;
	pn.font = 11;
	pn.scale = chart->scale > 0 ? chart->scale : 1;
	if (!alloc_plan(s, &plan, n))
	{
		free_plan(s, &plan);
		s->failed = true;
		return false;
	}
	render_panel(&body, &pn, &plan, chart->title, chart->goal, 0, 0, width, height, NULL, NULL, &used);
	put_description(&desc, &pn, &plan, chart->goal);
	open_document(s, id, width, used, chart->title);
	putf(s, "<desc id=\"%s-desc\">", id);
	if (desc.data)
		put(s, desc.data, desc.len);
	put_literal(s, "</desc>\n");
	putf(s, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n", width, used);
	if (body.failed || desc.failed)
		s->failed = true;
	else if (body.data)
		put(s, body.data, body.len);
	put_literal(s, "</svg>\n");
	release(s, body.data);
	release(s, desc.data);
	free_plan(s, &plan);
	return !s->failed;
}

bool
spc_svg_render_grid(const SpcSvgChart *chart, const SpcSvgFacet *facets, size_t count,
					int columns, bool shared_y, SpcStr *s)
{
	SpcStr		body = {NULL, 0, 0, s->grow, s->ctx, false, s->release};
	char		id[80];
	double		width = chart->width > 0 ? chart->width : 960,
				panel_height = chart->height > 0 ? chart->height : 240,
				range[2] = {INFINITY, -INFINITY},
				time_range[2] = {INFINITY, -INFINITY},
				scale = chart->scale > 0 ? chart->scale : 1,
				head = 34,
				panel_width,
				y;
	size_t		most = 1;
	uint64_t	h = hash_text(hash_text(14695981039346656037ULL, chart->title), chart->unit);
	LegendFlags flags;
	PanelPlan	plan;
	int			legend_rows;

	memset(&flags, 0, sizeof(flags));
	for (size_t f = 0; f < count; f++)
	{
		h = hash_points(hash_text(h, facets[f].label), facets[f].points, facets[f].count);
		value_range(facets[f].points, facets[f].count, facets[f].goal, scale, &range[0], &range[1]);
		/* one time axis for all panels, so they read side by side */
		for (size_t i = 0; i < facets[f].count; i++)
			widen(&time_range[0], &time_range[1], facets[f].points[i].t);
		legend_flags(facets[f].points, facets[f].count, facets[f].goal, &flags);
		if (facets[f].count > most)
			most = facets[f].count;
	}
	make_id(id, sizeof(id), chart, h);
	if (columns <= 0)
		columns = width >= 1200 ? 4 : width >= 700 ? 3 : width >= 420 ? 2 : 1;
	if ((size_t) columns > count && count > 0)
		columns = (int) count;
	panel_width = width / columns;
	legend_rows = put_legend(NULL, &flags, 8, width - 8, 0, 11);
	if (!alloc_plan(s, &plan, most))
	{
		free_plan(s, &plan);
		s->failed = true;
		return false;
	}

	open_text(&body, "title", 8, 22, 14, 's', INK);
	put_literal(&body, "<tspan font-weight=\"bold\">");
	put_fitted(&body, chart->title && *chart->title ? chart->title : "Control charts", 14 * BOLD, width - 16);
	put_literal(&body, "</tspan></text>\n");
	if (chart->unit && *chart->unit)
	{
		char		note[200];

		snprintf(note, sizeof(note), "%s; %s y scale", chart->unit, shared_y ? "one" : "each chart its own");
		open_text(&body, "axis-title", 8, 22 + 17, 11, 's', MUTED);
		put_fitted(&body, note, 11, width - 16);
		put_literal(&body, "</text>\n");
		head += 10;
	}
	y = head;
	for (size_t f = 0; f < count; f++)
	{
		Panel		pn;
		char		panel_id[100];
		double		used;
		int			c = (int) (f % columns);

		if (c == 0 && f > 0)
			y += panel_height;
		memset(&pn, 0, sizeof(pn));
		snprintf(panel_id, sizeof(panel_id), "%s-%zu", id, f + 1);
		pn.chart = chart;
		pn.p = facets[f].points;
		pn.n = facets[f].count;
		pn.id = panel_id;
		pn.compact = true;
		pn.font = 10;
		pn.scale = scale;
		putf(&body, "<g class=\"facet\" id=\"%s\">\n", panel_id);
		render_panel(&body, &pn, &plan, facets[f].label, facets[f].goal, c * panel_width, y,
					 panel_width, panel_height, shared_y ? range : NULL, time_range, &used);
		put_literal(&body, "</g>\n");
	}
	if (count > 0)
		y += panel_height;
	put_legend(&body, &flags, 8, width - 8, y + 16, 11);
	y += 16 + legend_rows * 17;

	open_document(s, id, width, y, chart->title);
	putf(s, "<desc id=\"%s-desc\">Small multiples: %zu control chart%s in %d column%s, %s y scale.</desc>\n",
		 id, count, count == 1 ? "" : "s", columns, columns == 1 ? "" : "s", shared_y ? "one shared" : "a free");
	putf(s, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n", width, y);
	if (body.failed)
		s->failed = true;
	else if (body.data)
		put(s, body.data, body.len);
	put_literal(s, "</svg>\n");
	release(s, body.data);
	free_plan(s, &plan);
	return !s->failed;
}

/* ---- NHS Making Data Count style icons ---- */

/*
 * Variation: a circle in the signal's colour (grey for common cause) with a
 * small run of dots, the last ones raised or lowered, and H or L for a
 * signal high or low.
 */
bool
spc_svg_variation_icon(SpcVariation variation, SpcImprovement improvement, double size,
					   const char *id, SpcStr *s)
{
	const char *fill = "#7f7f7f",
			   *label = "Common cause variation",
			   *letter = NULL;
	bool		high = false;
	char		ident[80];
	SpcSvgChart chart = {0};

	chart.id = id;
	switch (variation)
	{
		case SPC_VARIATION_IMPROVEMENT:
			fill = BLUE;
			high = improvement != SPC_IMPROVEMENT_DOWN;
			letter = improvement == SPC_IMPROVEMENT_UP ? "H" : improvement == SPC_IMPROVEMENT_DOWN ? "L" : NULL;
			label = high ? "Special cause variation: improvement, high values" : "Special cause variation: improvement, low values";
			break;
		case SPC_VARIATION_CONCERN:
			fill = ORANGE;
			high = improvement == SPC_IMPROVEMENT_DOWN;
			letter = improvement == SPC_IMPROVEMENT_UP ? "L" : improvement == SPC_IMPROVEMENT_DOWN ? "H" : NULL;
			label = high ? "Special cause variation: concern, high values" : "Special cause variation: concern, low values";
			break;
		case SPC_VARIATION_NEUTRAL_HIGH:
			fill = PURPLE;
			high = true;
			letter = "H";
			label = "Special cause variation: neither improvement nor concern, high values";
			break;
		case SPC_VARIATION_NEUTRAL_LOW:
			fill = PURPLE;
			letter = "L";
			label = "Special cause variation: neither improvement nor concern, low values";
			break;
		default:
			break;
	}
	make_id(ident, sizeof(ident), &chart,
			hash_text(hash_bytes(14695981039346656037ULL, &variation, sizeof(variation)), label));
	if (!(size > 0))
		size = 32;
	putf(s, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"%s\" viewBox=\"0 0 40 40\" width=\"%.0f\" height=\"%.0f\" role=\"img\" aria-labelledby=\"%s-title\">",
		 ident, size, size, ident);
	putf(s, "<title id=\"%s-title\">", ident);
	put_escaped(s, label);
	putf(s, "</title><circle cx=\"20\" cy=\"20\" r=\"18\" fill=\"#ffffff\" stroke=\"%s\" stroke-width=\"3\"/>", fill);
	/* seven dots: level for common cause, the last four shifted for a signal */
	for (int i = 0; i < 7; i++)
	{
		bool		common = variation == SPC_VARIATION_COMMON_CAUSE || variation == SPC_VARIATION_NONE;
		double		x = 8 + i * 4,
					y = common ? (i % 2 ? 22 : 18) : i < 3 ? 20 : high ? 14 : 26;

		putf(s, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"1.9\" fill=\"%s\"/>", x, y,
			 (variation == SPC_VARIATION_COMMON_CAUSE || variation == SPC_VARIATION_NONE || i < 3) ? "#7f7f7f" : fill);
	}
	if (letter)
		putf(s, "<text x=\"20\" y=\"%d\" font-family=\"" FONT "\" font-size=\"10\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"%s\">%s</text>",
			 high ? 33 : 15, fill, letter);
	put_literal(s, "</svg>\n");
	return !s->failed;
}

/*
 * Assurance: a circle with P (blue: the process will consistently pass the
 * goal), F (orange: will consistently fail it) or ? (grey: hit and miss),
 * and the goal as a dashed line.
 */
bool
spc_svg_assurance_icon(SpcAssurance assurance, double size, const char *id, SpcStr *s)
{
	const char *fill,
			   *label,
			   *letter;
	char		ident[80];
	SpcSvgChart chart = {0};

	switch (assurance)
	{
		case SPC_ASSURANCE_PASS:
			fill = BLUE;
			letter = "P";
			label = "Assurance: the process will consistently meet the goal";
			break;
		case SPC_ASSURANCE_FAIL:
			fill = ORANGE;
			letter = "F";
			label = "Assurance: the process will consistently miss the goal";
			break;
		case SPC_ASSURANCE_HIT_AND_MISS:
			fill = "#7f7f7f";
			letter = "?";
			label = "Assurance: the process will meet and miss the goal by chance";
			break;
		default:
			return false;
	}
	chart.id = id;
	make_id(ident, sizeof(ident), &chart, hash_text(14695981039346656037ULL, label));
	if (!(size > 0))
		size = 32;
	putf(s, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"%s\" viewBox=\"0 0 40 40\" width=\"%.0f\" height=\"%.0f\" role=\"img\" aria-labelledby=\"%s-title\">",
		 ident, size, size, ident);
	putf(s, "<title id=\"%s-title\">", ident);
	put_escaped(s, label);
	putf(s, "</title><circle cx=\"20\" cy=\"20\" r=\"18\" fill=\"#ffffff\" stroke=\"%s\" stroke-width=\"3\"/>"
		 "<line x1=\"7\" y1=\"29\" x2=\"33\" y2=\"29\" stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"3 2\"/>"
		 "<text x=\"20\" y=\"24\" font-family=\"" FONT "\" font-size=\"16\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"%s\">%s</text>",
		 fill, fill, fill, letter);
	put_literal(s, "</svg>\n");
	return !s->failed;
}
