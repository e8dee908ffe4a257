// erf and erfc as glibc computes them (sysdeps/ieee754/dbl-64/s_erf.c, from Sun's fdlibm),
// which Python's math.erf and math.erfc call and Optuna's truncated normal builds on; and the
// vectorized erf of optuna/samplers/_tpe/_erf.py, which Optuna uses for 2,000 values or more.

const tiny = 1e-300;
const erx = 8.45062911510467529297e-01;
const efx = 1.28379167095512586316e-01;
const efx8 = 1.02703333676410069053e+00;
const pp0 = 1.28379167095512558561e-01;
const pp1 = -3.25042107247001499370e-01;
const pp2 = -2.84817495755985104766e-02;
const pp3 = -5.77027029648944159157e-03;
const pp4 = -2.37630166566501626084e-05;
const qq1 = 3.97917223959155352819e-01;
const qq2 = 6.50222499887672944485e-02;
const qq3 = 5.08130628187576562776e-03;
const qq4 = 1.32494738004321644526e-04;
const qq5 = -3.96022827877536812320e-06;
const pa0 = -2.36211856075265944077e-03;
const pa1 = 4.14856118683748331666e-01;
const pa2 = -3.72207876035701323847e-01;
const pa3 = 3.18346619901161753674e-01;
const pa4 = -1.10894694282396677476e-01;
const pa5 = 3.54783043256182359371e-02;
const pa6 = -2.16637559486879084300e-03;
const qa1 = 1.06420880400844228286e-01;
const qa2 = 5.40397917702171048937e-01;
const qa3 = 7.18286544141962662868e-02;
const qa4 = 1.26171219808761642112e-01;
const qa5 = 1.36370839120290507362e-02;
const qa6 = 1.19844998467991074170e-02;
const ra0 = -9.86494403484714822705e-03;
const ra1 = -6.93858572707181764372e-01;
const ra2 = -1.05586262253232909814e+01;
const ra3 = -6.23753324503260060396e+01;
const ra4 = -1.62396669462573470355e+02;
const ra5 = -1.84605092906711035994e+02;
const ra6 = -8.12874355063065934246e+01;
const ra7 = -9.81432934416914548592e+00;
const sa1 = 1.96512716674392571292e+01;
const sa2 = 1.37657754143519042600e+02;
const sa3 = 4.34565877475229228821e+02;
const sa4 = 6.45387271733267880336e+02;
const sa5 = 4.29008140027567833386e+02;
const sa6 = 1.08635005541779435134e+02;
const sa7 = 6.57024977031928170135e+00;
const sa8 = -6.04244152148580987438e-02;
const rb0 = -9.86494292470009928597e-03;
const rb1 = -7.99283237680523006574e-01;
const rb2 = -1.77579549177547519889e+01;
const rb3 = -1.60636384855821916062e+02;
const rb4 = -6.37566443368389627722e+02;
const rb5 = -1.02509513161107724954e+03;
const rb6 = -4.83519191608651397019e+02;
const sb1 = 3.03380607434824582924e+01;
const sb2 = 3.25792512996573918826e+02;
const sb3 = 1.53672958608443695994e+03;
const sb4 = 3.19985821950859553908e+03;
const sb5 = 2.55305040643316442583e+03;
const sb6 = 4.74528541206955367215e+02;
const sb7 = -2.24409524465858183362e+01;

const view = new DataView(new ArrayBuffer(8));

function high(x: number): number {
  view.setFloat64(0, x);
  return view.getInt32(0);
}

/** `x` with its low 32 bits cleared (fdlibm's SET_LOW_WORD(z, 0)). */
function clearLow(x: number): number {
  view.setFloat64(0, x);
  view.setUint32(4, 0);
  return view.getFloat64(0);
}

// glibc evaluates the polynomials in this grouping (its "Estrin-like" rewrite of fdlibm).
function smallRatio(z: number): number {
  const z2 = z * z;
  const z4 = z2 * z2;
  const r = pp0 + z * pp1 + z2 * (pp2 + z * pp3) + z4 * pp4;
  const s = 1 + z * qq1 + z2 * (qq2 + z * qq3) + z4 * (qq4 + z * qq5);
  return r / s;
}

function nearOne(s: number): [number, number] {
  const s2 = s * s;
  const s4 = s2 * s2;
  const s6 = s4 * s2;
  const p = pa0 + s * pa1 + s2 * (pa2 + s * pa3) + s4 * (pa4 + s * pa5) + s6 * pa6;
  const q = 1 + s * qa1 + s2 * (qa2 + s * qa3) + s4 * (qa4 + s * qa5) + s6 * qa6;
  return [p, q];
}

function tail(x: number, ix: number, boundary: number): number {
  const s = 1 / (x * x);
  const s2 = s * s;
  const s4 = s2 * s2;
  const s6 = s4 * s2;
  const s8 = s4 * s4;
  let r: number;
  let q: number;
  if (ix < boundary) {
    r = ra0 + s * ra1 + s2 * (ra2 + s * ra3) + s4 * (ra4 + s * ra5) + s6 * (ra6 + s * ra7);
    q = 1 + s * sa1 + s2 * (sa2 + s * sa3) + s4 * (sa4 + s * sa5) + s6 * (sa6 + s * sa7) +
      s8 * sa8;
  } else {
    r = rb0 + s * rb1 + s2 * (rb2 + s * rb3) + s4 * (rb4 + s * rb5) + s6 * rb6;
    q = 1 + s * sb1 + s2 * (sb2 + s * sb3) + s4 * (sb4 + s * sb5) + s6 * (sb6 + s * sb7);
  }
  const z = clearLow(x);
  return Math.exp(-z * z - 0.5625) * Math.exp((z - x) * (z + x) + r / q);
}

/** The error function, as glibc's `erf`. */
export function erf(x: number): number {
  const hx = high(x);
  const ix = hx & 0x7fffffff;
  if (ix >= 0x7ff00000) return (1 - ((hx >>> 31) << 1)) + 1 / x;
  if (ix < 0x3feb0000) {
    if (ix < 0x3e300000) {
      if (ix < 0x00800000) return 0.125 * (8.0 * x + efx8 * x);
      return x + efx * x;
    }
    return x + x * smallRatio(x * x);
  }
  if (ix < 0x3ff40000) {
    const [p, q] = nearOne(Math.abs(x) - 1);
    return hx >= 0 ? erx + p / q : -erx - p / q;
  }
  if (ix >= 0x40180000) return hx >= 0 ? 1 - tiny : tiny - 1;
  const a = Math.abs(x);
  const r = tail(a, ix, 0x4006db6e);
  return hx >= 0 ? 1 - r / a : r / a - 1;
}

/** The complementary error function, as glibc's `erfc`. */
export function erfc(x: number): number {
  const hx = high(x);
  const ix = hx & 0x7fffffff;
  if (ix >= 0x7ff00000) return ((hx >>> 31) << 1) + 1 / x;
  if (ix < 0x3feb0000) {
    if (ix < 0x3c700000) return 1 - x;
    const y = smallRatio(x * x);
    if (hx < 0x3fd00000) return 1 - (x + x * y);
    return 0.5 - (x * y + (x - 0.5));
  }
  if (ix < 0x3ff40000) {
    const [p, q] = nearOne(Math.abs(x) - 1);
    return hx >= 0 ? (1 - erx) - p / q : 1 + (erx + p / q);
  }
  if (ix < 0x403c0000) {
    if (hx < 0 && ix >= 0x40180000) return 2 - tiny;
    const a = Math.abs(x);
    const r = tail(a, ix, 0x4006db6d);
    return hx > 0 ? r / a : 2 - r / a;
  }
  return hx > 0 ? tiny * tiny : 2 - tiny;
}
