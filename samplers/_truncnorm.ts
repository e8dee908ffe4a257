// The truncated normal distribution of optuna/samplers/_tpe/_truncnorm.py (itself from SciPy),
// element for element and in the same grouping: the Newton iterations of `_ndtri_exp` run
// over a whole group until every element has converged, and `erf` switches to its vectorized
// form from 2,000 values, as Optuna's do, so the results are Python's to the last bits where
// the platform's exp and log agree.
import { erf, erfc } from "./_erf.ts";
import { logaddexp } from "./_numpy.ts";
import { erfMany } from "./_erf_many.ts";

const SQRT2 = 2 ** 0.5;
const HALF_SQRT2 = 1 / SQRT2;
const NORM_PDF_LOG_C = Math.log(Math.sqrt(2 * Math.PI));
const NDTRI_EXP_APPROX_C = Math.sqrt(3) / Math.PI;
const EPSILON = 2.220446049250313e-16;

function ndtrSingle(a: number): number {
  const x = a / SQRT2;
  if (x < -HALF_SQRT2) return 0.5 * erfc(-x);
  if (x < HALF_SQRT2) return 0.5 + 0.5 * erf(x);
  return 1.0 - 0.5 * erfc(x);
}

/** `_ndtr` of an array: `0.5 + 0.5 * erf(a / sqrt(2))`. */
function ndtr(a: number[]): number[] {
  return erfMany(a.map((v) => v / SQRT2)).map((e) => 0.5 + 0.5 * e);
}

/** `_log_ndtr_single`: log of the standard normal CDF, with its asymptotic series below -20. */
export function logNdtr(a: number): number {
  if (a > 6) return -ndtrSingle(-a);
  if (a > -20) return Math.log(ndtrSingle(a));
  const logLhs = -0.5 * a * a - Math.log(-a) - 0.5 * Math.log(2 * Math.PI);
  let lastTotal = 0.0;
  let rightHandSide = 1.0;
  let numerator = 1.0;
  let denomFactor = 1.0;
  const denomCons = 1 / (a * a);
  let sign = 1;
  let i = 0;
  while (Math.abs(lastTotal - rightHandSide) > EPSILON) {
    i += 1;
    lastTotal = rightHandSide;
    sign = -sign;
    denomFactor *= denomCons;
    numerator *= 2 * i - 1;
    rightHandSide += sign * numerator * denomFactor;
  }
  return logLhs + Math.log(rightHandSide);
}

function logDiff(logP: number, logQ: number): number {
  return logP + Math.log1p(-Math.exp(logQ - logP));
}

/** `_log_gauss_mass`: log of the standard normal mass in [a, b], element by element. */
export function logGaussMass(a: number[], b: number[]): number[] {
  const out = new Array<number>(a.length);
  const central: number[] = [];
  for (let i = 0; i < a.length; i++) {
    if (b[i] <= 0) out[i] = logDiff(logNdtr(b[i]), logNdtr(a[i]));
    else if (a[i] > 0) out[i] = logDiff(logNdtr(-a[i]), logNdtr(-b[i]));
    else central.push(i);
  }
  if (central.length > 0) {
    const left = ndtr(central.map((i) => a[i]));
    const right = ndtr(central.map((i) => -b[i]));
    central.forEach((i, k) => out[i] = Math.log1p(-left[k] - right[k]));
  }
  return out;
}

/** `_ndtri_exp`: the x with `log_ndtr(x) = y`, by Newton's method over the whole group. */
function ndtriExp(y: number[]): number[] {
  const flipped = y.map((v) => v > -1e-2);
  const z = y.map((v, i) => flipped[i] ? Math.log(-Math.expm1(v)) : v);
  const x = z.map((v) =>
    v < -5
      ? -Math.sqrt(-2.0 * (v + NORM_PDF_LOG_C))
      : -NDTRI_EXP_APPROX_C * Math.log(Math.expm1(-v))
  );
  for (let iteration = 0; iteration < 100; iteration++) {
    let converged = true;
    for (let i = 0; i < x.length; i++) {
      const logNdtrX = logNdtr(x[i]);
      const logNormPdfX = -0.5 * x[i] * x[i] - NORM_PDF_LOG_C;
      const dx = (logNdtrX - z[i]) * Math.exp(logNdtrX - logNormPdfX);
      x[i] -= dx;
      if (!(Math.abs(dx) < 1e-8 * Math.abs(x[i]))) converged = false;
    }
    if (converged) break;
  }
  return x.map((v, i) => flipped[i] ? -v : v);
}

/** `ppf`: the quantile `q` of the standard normal truncated to [a, b]. */
export function ppf(q: number[], a: number[], b: number[]): number[] {
  const logMass = logGaussMass(a, b);
  const out = new Array<number>(q.length);
  const left: number[] = [];
  const right: number[] = [];
  for (let i = 0; i < q.length; i++) (a[i] < 0 ? left : right).push(i);
  if (left.length > 0) {
    const x = ndtriExp(left.map((i) => logaddexp(logNdtr(a[i]), Math.log(q[i]) + logMass[i])));
    left.forEach((i, k) => out[i] = x[k]);
  }
  if (right.length > 0) {
    const x = ndtriExp(
      right.map((i) => logaddexp(logNdtr(-b[i]), Math.log1p(-q[i]) + logMass[i])),
    );
    right.forEach((i, k) => out[i] = -x[k]);
  }
  for (let i = 0; i < q.length; i++) {
    if (q[i] === 0) out[i] = a[i];
    if (q[i] === 1) out[i] = b[i];
    if (a[i] === b[i]) out[i] = NaN;
  }
  return out;
}

/** `logpdf` of x under normals (loc, scale) truncated to [a, b] (standardized bounds). */
export function logpdf(
  x: number,
  a: number,
  b: number,
  loc: number,
  scale: number,
  logMass: number,
): number {
  if (a === b) return NaN;
  const standard = (x - loc) / scale;
  if (standard < a || standard > b) return -Infinity;
  return (-(standard * standard) / 2.0 - NORM_PDF_LOG_C) - logMass - Math.log(scale);
}
