/*
 * test/unit/test_funnel.c
 *
 * Funnel plots (src/core/funnel.c): the exact limits of Spiegelhalter
 * (2005)'s appendix against the same formula written in R with qbinom/pbinom
 * and qpois/ppois (values below printed by R 4.2.2, 17 digits), the
 * over-dispersion estimates against a hand-checkable case computed in R, the
 * parser, and the degenerate partitions.
 */
#include "funnel.h"
#include "distributions.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#define Z_975 1.959963984540054
#define Z_999 3.090232306167814

/* theta, n, then the limits at 0.001, 0.025, 0.975 and 0.999 */
static const double binom_grid[][6] = {
	{0.01, 1, 0, 0, 0, 0.90000000000000002},
	{0.01, 7, 0, 0, 0.093068068425101041, 0.21661068711135309},
	{0.01, 50, 0, 0, 0.03704231190483704, 0.068220334228052792},
	{0.01, 1000, 0.0012366868900506333, 0.003801952806700106, 0.016110764863660532, 0.020587791132776222},
	{0.01, 1000000, 0.009693423404617452, 0.009804951281980983, 0.010194976708846759, 0.010308369267724033},
	{0.01, 1000000000, 0.009990277707523974, 0.0099938330814244025, 0.010006166846802594, 0.010009724085261081},
	{0.10000000000000001, 1, 0, 0, 0.75, 0.98999999999999999},
	{0.10000000000000001, 7, 0, 0, 0.29001614363166361, 0.52532123960695587},
	{0.10000000000000001, 50, 0, 0.013862926957343725, 0.17972272762336444, 0.24012841875238997},
	{0.10000000000000001, 1000, 0.071340846312636014, 0.081278656744660296, 0.11848292653050987, 0.12991784394686309},
	{0.10000000000000001, 1000000, 0.099073570703570812, 0.099411889824649324, 0.10058786795305899, 0.10092770897707441},
	{0.10000000000000001, 1000000000, 0.099970684122215395, 0.099981406027904382, 0.10001859372983556, 0.10002931715766498},
	{0.5, 1, 0, 0, 0.94999999999999996, 0.998},
	{0.5, 7, 0, 0.044897959183673466, 0.81224489795918353, 0.98171428571428565},
	{0.5, 50, 0.27277082766793898, 0.35070229180240409, 0.62929770819759578, 0.70722917233206095},
	{0.5, 1000, 0.45065219599633383, 0.46850209519774988, 0.53049790480225012, 0.54834780400366623},
	{0.5, 1000000, 0.49845438421630917, 0.49901951775042153, 0.50097948224957844, 0.50154461578369081},
	{0.5, 1000000000, 0.49995113863707957, 0.49996900974838043, 0.5000309892516196, 0.5000488603629204},
	{0.90000000000000002, 1, 0, 0, 0.97222222222222221, 0.99888888888888894},
	{0.90000000000000002, 7, 0.33182161753590333, 0.56712671351119337, 0.99253303006682969, 0.99970132120267319},
	{0.90000000000000002, 50, 0.73987158124761054, 0.8002772723766356, 0.96613707304265628, 0.99611934956503478},
	{0.90000000000000002, 1000, 0.86908215605313688, 0.88051707346949015, 0.91772134325533972, 0.92765915368736407},
	{0.90000000000000002, 1000000, 0.8990712910229256, 0.89941113204694112, 0.90058711017535065, 0.90092542929642927},
	{0.90000000000000002, 1000000000, 0.89997068184233509, 0.89998140527016446, 0.90001859297209563, 0.90002931487778459},
};
static const double pois_grid[][6] = {
	{0.002, 1, 0, 0, 0, 0.49999966633312243},
	{0.002, 20, 0, 0, 0.018488131046973104, 0.04971245427274467},
	{0.002, 500, 0, 0, 0.0058038973929708292, 0.0097352511913406659},
	{0.002, 100000, 0.0015723768428759159, 0.0017225329394829725, 0.002276951264067642, 0.0024461877366159764},
	{0.002, 1000000000, 0.0019956306765958999, 0.0019972281659442811, 0.0020027717812311774, 0.002004371173166832},
	{0.5, 1, 0, 0, 1.8600259114609996, 3.4758589809003664},
	{0.5, 20, 0.061026465794806709, 0.18875939738442013, 0.80799753366723936, 1.0331000417997496},
	{0.5, 500, 0.40417665639566358, 0.43798755745039203, 0.56191225869067163, 0.59954532526902482},
	{0.5, 100000, 0.49309929745627123, 0.49561712119101686, 0.50438234922087732, 0.50691920171263427},
	{0.5, 1000000000, 0.49993090122990402, 0.49995617384654906, 0.50004382610060216, 0.50006910061994525},
	{3, 1, 0, 0, 6.3938401648578882, 9.1265049446484401},
	{3, 20, 1.8524037461491674, 2.2396039404763681, 3.7575263392617599, 4.241532527759146},
	{3, 500, 2.7624922715597235, 2.8481340591955555, 3.1517624696345354, 3.2412118336733315},
	{3, 100000, 2.983083352568713, 2.9892645693638022, 3.0107349021933314, 3.0169351466442986},
	{3, 1000000000, 2.9998307419307277, 2.9998926483249524, 3.000107351622201, 3.0001692599191174},
};

/* Ten units, x and n; theta = 0.17972027972027971. */
static const double od_x[] = {12, 30, 8, 45, 20, 3, 60, 25, 14, 40};
static const double od_n[] = {100, 150, 90, 200, 160, 60, 250, 120, 130, 170};
#define OD_PHI 3.1703852924639397		/* winsorised at 10 % (R quantile type 7) */
#define OD_PHI_RAW 3.5719423379817852	/* not winsorised */
#define OD_TAU2 0.0026408309989284068
/* z, z adjusted (additive), lower 99.8 %, upper 95 % (additive) */
static const double od_expect[][4] = {
	{-1.5554007461808008, -0.93096810505793737, 0, 0.30544918145437466},
	{0.64688645806164047, 0.33689116168774341, 0, 0.29770355112957658},
	{-2.2442833562483098, -1.388586343028861, 0, 0.30792711078192403},
	{1.6677816950090678, 0.77907283015038364, 0.00011594876751883088, 0.29363340509672109},
	{-1.802722045780293, -0.91682922866634409, 0, 0.29669929186599353},
	{-2.6170014991127224, -1.8168309522185957, 0, 0.31966014369372187},
	{2.4823424975441104, 1.0605603196186097, 0.0040788422939401769, 0.29111996021076531},
	{0.81634794037861835, 0.45998730506958663, 0, 0.30163789342662961},
	{-2.1389140493975378, -1.1723358131084207, 0, 0.3001398979523362},
	{1.8871886703107847, 0.93829587590428332, 0, 0.29580596614001248},
};

static void
test_exact_limits(void)
{
	static const double probs[4] = {0.001, 0.025, 0.975, 0.999};
	static const double zs[4] = {-Z_999, -Z_975, Z_975, Z_999};
	int			worst_ok = 1;

	for (size_t i = 0; i < sizeof(binom_grid) / sizeof(binom_grid[0]); i++)
		for (int k = 0; k < 4; k++)
		{
			double		got = spc_funnel_exact_limit(SPC_FUNNEL_P, binom_grid[i][0], binom_grid[i][1], probs[k], zs[k]);

			CHECK(fabs(got - binom_grid[i][2 + k]) <= 1e-9 * fmax(1.0, binom_grid[i][0]),
				  "binomial limit theta=%g n=%g prob=%g: got %.15g want %.15g",
				  binom_grid[i][0], binom_grid[i][1], probs[k], got, binom_grid[i][2 + k]);
		}
	for (size_t i = 0; i < sizeof(pois_grid) / sizeof(pois_grid[0]); i++)
		for (int k = 0; k < 4; k++)
		{
			double		got = spc_funnel_exact_limit(SPC_FUNNEL_U, pois_grid[i][0], pois_grid[i][1], probs[k], zs[k]);

			CHECK(fabs(got - pois_grid[i][2 + k]) <= 1e-9 * fmax(1.0, pois_grid[i][0]),
				  "Poisson limit theta=%g n=%g prob=%g: got %.15g want %.15g",
				  pois_grid[i][0], pois_grid[i][1], probs[k], got, pois_grid[i][2 + k]);
		}
	(void) worst_ok;

	/* distribution functions against R's pbinom/ppois */
	CLOSE(spc_binom_cdf(3, 10, 0.3), 0.6496107184, 1e-12, "pbinom(3, 10, 0.3)");
	CLOSE(spc_binom_cdf(300, 1000, 0.3), 0.51559351981412, 1e-11, "pbinom(300, 1000, 0.3)");
	CLOSE(spc_pois_cdf(3, 2.5), 0.757576133133066, 1e-12, "ppois(3, 2.5)");
	CLOSE(spc_pois_cdf(1e9, 1e9), 0.500008410441739, 1e-9, "ppois(1e9, 1e9)");
	/* the upper tail of a huge Poisson mean (a power series would need millions of terms) */
	CLOSE(spc_pois_cdf(7e12 + 3 * sqrt(7e12), 7e12), 0.99865009900929191, 1e-11, "ppois(7e12 + 3 sd, 7e12)");
	CLOSE(spc_funnel_exact_limit(SPC_FUNNEL_U, 1e15, 1, 0.999, Z_999), 1000000097721726.8, 1e-15,
		  "Poisson 99.9 % quantile at 1e15");
	CHECK(spc_binom_cdf(-1, 10, 0.3) == 0 && spc_binom_cdf(10, 10, 0.3) == 1, "binomial cdf bounds");

	/* n beyond 2^52 (found by fuzzing): a tiny target is the Poisson of its mean, the limits stay nested */
	CHECK(spc_funnel_exact_limit(SPC_FUNNEL_P, 6.5e-15, 3.7e19, 0.975, Z_975) ==
		  spc_funnel_exact_limit(SPC_FUNNEL_U, 6.5e-15, 3.7e19, 0.975, Z_975), "binomial of huge n as Poisson");
	CHECK(spc_funnel_exact_limit(SPC_FUNNEL_P, 6.5e-15, 3.7e19, 0.001, -Z_999) <
		  spc_funnel_exact_limit(SPC_FUNNEL_P, 6.5e-15, 3.7e19, 0.025, -Z_975) &&
		  spc_funnel_exact_limit(SPC_FUNNEL_P, 6.5e-15, 3.7e19, 0.025, -Z_975) <
		  spc_funnel_exact_limit(SPC_FUNNEL_P, 6.5e-15, 3.7e19, 0.975, Z_975), "huge n: nested limits");
	CLOSE(spc_funnel_exact_limit(SPC_FUNNEL_P, 0.3, 1e17, 0.975, Z_975),
		  0.3 + Z_975 * sqrt(0.21 / 1e17), 1e-15, "huge n, ordinary target: Cornish-Fisher");

	/* degenerate targets: the limits are the target itself */
	CHECK(spc_funnel_exact_limit(SPC_FUNNEL_P, 0, 50, 0.999, Z_999) == 0, "p target 0");
	CHECK(spc_funnel_exact_limit(SPC_FUNNEL_P, 1, 50, 0.001, -Z_999) == 1, "p target 1");
	CHECK(spc_funnel_exact_limit(SPC_FUNNEL_U, 0, 50, 0.999, Z_999) == 0, "u target 0");
	CHECK(isnan(spc_funnel_exact_limit(SPC_FUNNEL_U, 0.1, 0, 0.999, Z_999)), "n 0: no limit");
}

static void
test_overdispersion(void)
{
	SpcFunnelSpec spec;
	SpcFunnelUnit u[10];
	SpcFunnelSummary sum;
	double		scratch[20];

	CHECK(spc_parse_funnel("p", &spec, NULL, 0) == SPC_PARSE_OK, "parse p");
	spc_funnel_compute(&spec, true, od_x, od_n, 10, u, &sum, scratch);
	CLOSE(sum.target, 0.17972027972027971, 1e-14, "target");
	CLOSE(sum.phi, OD_PHI, 1e-12, "phi (winsorised)");
	CLOSE(sum.tau2, OD_TAU2, 1e-12, "tau2");
	CHECK(sum.adjusted && sum.units == 10, "adjusted, 10 units");
	for (int i = 0; i < 10; i++)
	{
		CLOSE(u[i].z, od_expect[i][0], 1e-12, "z");
		CLOSE(u[i].z_adjusted, od_expect[i][1], 1e-12, "z adjusted");
		CLOSE(u[i].lower998, od_expect[i][2], 1e-10, "lower 99.8 % (additive)");
		CLOSE(u[i].upper95, od_expect[i][3], 1e-12, "upper 95 % (additive)");
	}

	/* without the adjustment: the same phi and tau2, exact limits */
	spc_funnel_compute(&spec, false, od_x, od_n, 10, u, &sum, scratch);
	CHECK(!sum.adjusted, "not adjusted without overdispersion");
	CLOSE(u[0].z_adjusted, u[0].z, 1e-15, "z adjusted = z");
	CLOSE(u[0].upper998, spc_funnel_exact_limit(SPC_FUNNEL_P, sum.target, 100, 0.999, Z_999), 1e-15,
		  "exact upper 99.8 %");

	/* multiplicative, not winsorised: the 0.1.0 facility_comparison */
	CHECK(spc_parse_funnel("P (limits = normal, winsorize = 0, adjust = multiplicative)", &spec, NULL, 0)
		  == SPC_PARSE_OK, "parse options");
	spc_funnel_compute(&spec, true, od_x, od_n, 10, u, &sum, scratch);
	CLOSE(sum.phi, OD_PHI_RAW, 1e-12, "phi (raw)");
	for (int i = 0; i < 10; i++)
	{
		double		se = sqrt(OD_PHI_RAW * sum.target * (1 - sum.target) / od_n[i]);

		CLOSE(u[i].upper998, sum.target + Z_999 * se, 1e-12, "multiplicative upper 99.8 %");
		CLOSE(u[i].lower95, fmax(0, sum.target - Z_975 * se), 1e-12, "multiplicative lower 95 %");
	}

	/* no over-dispersion: I phi <= I - 1 gives tau2 0 and the exact limits */
	{
		double		x[4] = {10, 20, 30, 40},
					n[4] = {100, 200, 300, 400};

		CHECK(spc_parse_funnel("u", &spec, NULL, 0) == SPC_PARSE_OK, "parse u");
		spc_funnel_compute(&spec, true, x, n, 4, u, &sum, scratch);
		CHECK(sum.tau2 == 0 && !sum.adjusted && sum.phi == 0, "identical rates: phi 0, tau2 0");
		CLOSE(u[3].lower95, spc_funnel_exact_limit(SPC_FUNNEL_U, 0.1, 400, 0.025, -Z_975), 1e-15,
			  "unadjusted exact limit");
	}
}

/*
 * scale=arcsine / scale=sqrt: BUGS's "surgical" hospitals (deaths after
 * cardiac surgery in babies) against FunnelPlotR 0.6.0's "PR" funnel
 * (test/conformance/funnel): z of hospital A, phi and tau^2 to 1e-12.
 */
static void
test_scales(void)
{
	SpcFunnelSpec spec;
	SpcFunnelUnit u[12];
	SpcFunnelSummary sum;
	double		scratch[24];
	double		x[12] = {0, 18, 8, 46, 8, 13, 9, 31, 14, 8, 29, 24},
				n[12] = {47, 148, 119, 810, 211, 196, 148, 215, 207, 97, 256, 360};
	char		bad[64];

	CHECK(spc_parse_funnel("p(scale=arcsine, limits=normal)", &spec, NULL, 0) == SPC_PARSE_OK
		  && spec.scale == SPC_FUNNEL_ARCSINE, "parse scale=arcsine");
	spc_funnel_compute(&spec, true, x, n, 12, u, &sum, scratch);
	CLOSE(u[0].z, -3.7752871374608099, 1e-12, "arcsine z of A (FunnelPlotR)");
	CLOSE(sum.phi, 2.3797915037356985, 1e-12, "arcsine phi (FunnelPlotR)");
	CLOSE(sum.tau2, 0.001809570839788549, 1e-12, "arcsine tau2 (FunnelPlotR)");
	CLOSE(u[1].sigma, 0.5 / sqrt(148.0), 1e-15, "sigma on the arcsine scale");
	{
		double		se = sqrt(0.25 / 148.0 + sum.tau2),
					s = sin(asin(sqrt(sum.target)) + Z_975 * se);

		CLOSE(u[1].upper95, s * s, 1e-14, "widened upper 95 % back-transformed");
		CLOSE(u[1].z_adjusted, (asin(sqrt(18.0 / 148)) - asin(sqrt(sum.target))) / se, 1e-12,
			  "z adjusted on the arcsine scale");
	}
	/* past the end of the scale the limit is clipped, not folded back */
	{
		double		x1[2] = {1, 300},
					n1[2] = {1, 1000};

		spc_funnel_compute(&spec, false, x1, n1, 2, u, &sum, scratch);
		CHECK(u[0].upper998 == 1.0 && u[0].lower95 == 0.0 && u[0].upper95 < 1.0, "n = 1: limits clipped to 0 and 1");
	}
	CHECK(spc_parse_funnel("u(scale=sqrt, target=1)", &spec, NULL, 0) == SPC_PARSE_OK
		  && spec.scale == SPC_FUNNEL_SQRT, "parse scale=sqrt");
	{
		double		o[3] = {30, 12, 50},
					e[3] = {25, 20, 40};

		spc_funnel_compute(&spec, true, o, e, 3, u, &sum, scratch);
		CLOSE(u[0].z, (sqrt(30.0 / 25) - 1) * 2 * sqrt(25.0), 1e-13, "sqrt z = (sqrt(O/E) - 1) 2 sqrt(E)");
		CLOSE(u[1].upper998, pow(1 + Z_999 * sqrt(0.25 / 20 + sum.tau2), 2), 1e-13,
			  "sqrt widened limit squared back");
	}
	CHECK(spc_parse_funnel("p(scale=sqrt)", &spec, bad, sizeof(bad)) == SPC_PARSE_BAD_VALUE
		  && strcmp(bad, "sqrt") == 0, "sqrt is for u");
	CHECK(spc_parse_funnel("u(scale=arcsine)", &spec, bad, sizeof(bad)) == SPC_PARSE_BAD_VALUE,
		  "arcsine is for p");
	CHECK(spc_parse_funnel("u(scale=log)", &spec, bad, sizeof(bad)) == SPC_PARSE_BAD_VALUE, "no log scale");
}

static void
test_funnel_degenerate(void)
{
	SpcFunnelSpec spec;
	SpcFunnelUnit u[6];
	SpcFunnelSummary sum;
	double		scratch[12];
	double		x[6] = {NAN, -1, 5, 7, 3, 0};
	double		n[6] = {10, 10, 4, 0, INFINITY, 10};

	/* only the last unit is usable for p: 5 > 4, n 0, n infinite, x negative, x missing */
	spc_parse_funnel("p", &spec, NULL, 0);
	spc_funnel_compute(&spec, true, x, n, 6, u, &sum, scratch);
	CHECK(sum.units == 1 && sum.target == 0, "one usable unit, target 0");
	for (int i = 0; i < 5; i++)
		CHECK(isnan(u[i].y) && isnan(u[i].lower95) && isnan(u[i].z), "unusable unit %d is NULL", i);
	CHECK(u[5].y == 0 && u[5].lower998 == 0 && u[5].upper998 == 0 && isnan(u[5].z),
		  "target 0: limits 0, no z-score");
	CHECK(isnan(sum.phi) && isnan(sum.tau2), "no z-scores: no phi");

	/* nothing usable */
	spc_funnel_compute(&spec, true, x, n, 2, u, &sum, scratch);
	CHECK(sum.units == 0 && isnan(sum.target) && isnan(u[1].target), "no usable unit");
	spc_funnel_compute(&spec, true, x, n, 0, u, &sum, scratch);
	CHECK(sum.units == 0, "empty partition");

	/* a fixed target */
	CHECK(spc_parse_funnel("p(target=0.25)", &spec, NULL, 0) == SPC_PARSE_OK && spec.target == 0.25, "target=");
	{
		double		xx[2] = {1, 50},
					nn[2] = {10, 100};

		spc_funnel_compute(&spec, false, xx, nn, 2, u, &sum, scratch);
		CHECK(sum.target == 0.25 && u[1].z > 5, "fixed target used");
	}
}

static void
test_funnel_parser(void)
{
	SpcFunnelSpec spec;
	char		bad[SPC_PARSE_ERR_LEN];

	CHECK(spc_parse_funnel("i", &spec, bad, sizeof(bad)) == SPC_PARSE_UNKNOWN_NAME && strcmp(bad, "i") == 0,
		  "unknown chart");
	CHECK(spc_parse_funnel("p(foo=1)", &spec, bad, sizeof(bad)) == SPC_PARSE_UNKNOWN_OPTION, "unknown option");
	CHECK(spc_parse_funnel("p(winsorize=0.5)", &spec, bad, sizeof(bad)) == SPC_PARSE_BAD_VALUE, "winsorize 0.5");
	CHECK(spc_parse_funnel("p(target=1.5)", &spec, bad, sizeof(bad)) == SPC_PARSE_BAD_VALUE, "p target > 1");
	CHECK(spc_parse_funnel("u(target=1.5)", &spec, bad, sizeof(bad)) == SPC_PARSE_OK, "u target > 1");
	CHECK(spc_parse_funnel("p(limits=nan)", &spec, bad, sizeof(bad)) == SPC_PARSE_BAD_VALUE, "limits=nan");
	CHECK(spc_parse_funnel("p(target=nan)", &spec, bad, sizeof(bad)) == SPC_PARSE_BAD_VALUE, "target=nan");
	CHECK(spc_parse_funnel("p(", &spec, bad, sizeof(bad)) == SPC_PARSE_SYNTAX, "open parenthesis");
	CHECK(spc_parse_funnel("p()", &spec, bad, sizeof(bad)) == SPC_PARSE_SYNTAX, "empty options");
	CHECK(spc_parse_funnel("p(limits)", &spec, bad, sizeof(bad)) == SPC_PARSE_SYNTAX, "option without value");
	CHECK(spc_parse_funnel("p)x", &spec, bad, sizeof(bad)) == SPC_PARSE_UNKNOWN_NAME, "stray parenthesis");
	CHECK(spc_parse_funnel("", &spec, bad, sizeof(bad)) == SPC_PARSE_SYNTAX, "empty");
	CHECK(spc_parse_funnel("u(adjust=multiplicative,limits=normal)", &spec, bad, sizeof(bad)) == SPC_PARSE_OK
		  && spec.type == SPC_FUNNEL_U && !spec.exact && spec.adjust == SPC_FUNNEL_MULTIPLICATIVE, "u options");
}

void
test_funnel(void)
{
	test_exact_limits();
	test_overdispersion();
	test_scales();
	test_funnel_degenerate();
	test_funnel_parser();
}
