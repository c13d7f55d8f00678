/*
 * mdn.c: mixture density output head loss and the KL term (see mdn.h).
 * The density is computed directly, not in log space, as the reference
 * does, so its 1e-6 floor behaves the same.
 */
#include "mdn.h"

/* Per-component terms of one row, component k. */
struct comp {
	real zx, zy, om, Z, w; /* standardised offsets, 1-rho^2, Z, pi N */
};

static void comp_eval(const real *y, const real *t, int M, int k,
		      const real *pi, struct comp *c)
{
	const real *mx = y + 3 + M, *my = mx + M, *sx = my + M, *sy = sx + M;
	const real *rh = sy + M;
	real s1 = r_exp(sx[k]), s2 = r_exp(sy[k]), rho = r_tanh(rh[k]);

	c->zx = (t[0] - mx[k]) / s1;
	c->zy = (t[1] - my[k]) / s2;
	c->om = 1 - rho * rho;
	c->Z = c->zx * c->zx + c->zy * c->zy - 2 * rho * c->zx * c->zy;
	c->w = pi[k] * r_exp(-c->Z / (2 * c->om)) /
	       (real)(2 * 3.14159265358979323846 * s1 * s2 * r_sqrt(c->om));
}

/* softmax of v[n] into out[n]. */
static void softmax(const real *v, int n, real *out)
{
	real mx = v[0], s = 0;

	for (int i = 1; i < n; i++)
		mx = v[i] > mx ? v[i] : mx;
	for (int i = 0; i < n; i++) {
		out[i] = r_exp(v[i] - mx);
		s += out[i];
	}
	for (int i = 0; i < n; i++)
		out[i] /= s;
}

/* pen cross-entropy of one row from its logits, via log-sum-exp. */
static double pen_loss(const real *lg, const real *p)
{
	real mx = lg[0], s = 0, l = 0;

	for (int i = 1; i < 3; i++)
		mx = lg[i] > mx ? lg[i] : mx;
	for (int i = 0; i < 3; i++)
		s += r_exp(lg[i] - mx);
	for (int i = 0; i < 3; i++)
		l -= p[i] * (lg[i] - mx - r_log(s));
	return l;
}

void mdn_loss_forward(const real *y, const real *target, long n, int M,
		      int pen_masked, double *ls, double *lp)
{
	int W = MDN_WIDTH(M);
	double sls = 0, slp = 0;
	real pi[M];

	for (long r = 0; r < n; r++) {
		const real *yr = y + r * W, *t = target + r * 5;
		real mask = 1 - t[4], sum = 0;
		struct comp c;

		if (mask != 0) {
			softmax(yr + 3, M, pi);
			for (int k = 0; k < M; k++) {
				comp_eval(yr, t, M, k, pi, &c);
				sum += c.w;
			}
			sls -= mask * r_log(sum + (real)MDN_EPS);
		}
		slp += (pen_masked ? mask : 1) * pen_loss(yr, t + 2);
	}
	*ls = sls;
	*lp = slp;
}

void mdn_loss_backward(const real *y, const real *target, long n, int M,
		       int pen_masked, real scale, real *dy)
{
	int W = MDN_WIDTH(M);
	real pi[M], q[3];
	struct comp c[M];

	for (long r = 0; r < n; r++) {
		const real *yr = y + r * W, *t = target + r * 5;
		real *d = dy + r * W, mask = 1 - t[4];
		real pm = (pen_masked ? mask : 1) * scale;
		real sum = 0, wsum = 0, psum = t[2] + t[3] + t[4];

		softmax(yr, 3, q);
		for (int i = 0; i < 3; i++)
			d[i] = pm * (q[i] * psum - t[2 + i]);
		for (int k = 3; k < W; k++)
			d[k] = 0;
		if (mask == 0)
			continue;
		softmax(yr + 3, M, pi);
		for (int k = 0; k < M; k++) {
			comp_eval(yr, t, M, k, pi, &c[k]);
			wsum += c[k].w;
		}
		sum = wsum + (real)MDN_EPS;
		for (int k = 0; k < M; k++) {
			/* dLs/dtheta_k = -(w_k / S) dln N_k/dtheta_k */
			real a = -mask * scale * c[k].w / sum;
			real zx = c[k].zx, zy = c[k].zy, om = c[k].om;
			real rho = r_tanh(yr[3 + 5 * M + k]);
			real s1 = r_exp(yr[3 + 3 * M + k]);
			real s2 = r_exp(yr[3 + 4 * M + k]);

			d[3 + k] =
			    -mask * scale * (c[k].w - pi[k] * wsum) / sum;
			d[3 + M + k] = a * (zx - rho * zy) / (om * s1);
			d[3 + 2 * M + k] = a * (zy - rho * zx) / (om * s2);
			d[3 + 3 * M + k] = a * (zx * (zx - rho * zy) / om - 1);
			d[3 + 4 * M + k] = a * (zy * (zy - rho * zx) / om - 1);
			d[3 + 5 * M + k] =
			    a * (zx * zy - c[k].Z * rho / om + rho);
		}
	}
}

double mdn_kl_forward(const real *mu, const real *sh, long n)
{
	double s = 0;

	for (long i = 0; i < n; i++)
		s += 1 + sh[i] - mu[i] * mu[i] - r_exp(sh[i]);
	return -0.5 * s / (double)n;
}

void mdn_kl_backward(const real *mu, const real *sh, long n, real scale,
		     real *dmu, real *dsh)
{
	real a = scale / (real)n;

	for (long i = 0; i < n; i++) {
		dmu[i] += a * mu[i];
		dsh[i] += a * (real)0.5 * (r_exp(sh[i]) - 1);
	}
}
