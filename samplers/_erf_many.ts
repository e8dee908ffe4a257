// erf of an array as optuna/samplers/_tpe/_erf.py computes it: Python's math.erf for fewer
// than 2,000 values, else Optuna's polynomial form of FreeBSD's erf (numpy's Horner
// evaluation, no low-word split), which differs from math.erf in the last bits.
import { erf } from "./_erf.ts";

const horner = (c: readonly number[]) => (x: number) => {
  let value = c[c.length - 1];
  for (let i = c.length - 2; i >= 0; i--) value = c[i] + value * x;
  return value;
};

const erx = 8.45062911510467529297e-01;
const efx = 1.28379167095512586316e-01;
const pp = horner([
  1.28379167095512558561e-01,
  -3.25042107247001499370e-01,
  -2.84817495755985104766e-02,
  -5.77027029648944159157e-03,
  -2.37630166566501626084e-05,
]);
const qq = horner([
  1,
  3.97917223959155352819e-01,
  6.50222499887672944485e-02,
  5.08130628187576562776e-03,
  1.32494738004321644526e-04,
  -3.96022827877536812320e-06,
]);
const pa = horner([
  -2.36211856075265944077e-03,
  4.14856118683748331666e-01,
  -3.72207876035701323847e-01,
  3.18346619901161753674e-01,
  -1.10894694282396677476e-01,
  3.54783043256182359371e-02,
  -2.16637559486879084300e-03,
]);
const qa = horner([
  1,
  1.06420880400844228286e-01,
  5.40397917702171048937e-01,
  7.18286544141962662868e-02,
  1.26171219808761642112e-01,
  1.36370839120290507362e-02,
  1.19844998467991074170e-02,
]);
const ra = horner([
  -9.86494403484714822705e-03,
  -6.93858572707181764372e-01,
  -1.05586262253232909814e01,
  -6.23753324503260060396e01,
  -1.62396669462573470355e02,
  -1.84605092906711035994e02,
  -8.12874355063065934246e01,
  -9.81432934416914548592e00,
]);
const sa = horner([
  1,
  1.96512716674392571292e01,
  1.37657754143519042600e02,
  4.34565877475229228821e02,
  6.45387271733267880336e02,
  4.29008140027567833386e02,
  1.08635005541779435134e02,
  6.57024977031928170135e00,
  -6.04244152148580987438e-02,
]);
const rb = horner([
  -9.86494292470009928597e-03,
  -7.99283237680523006574e-01,
  -1.77579549177547519889e01,
  -1.60636384855821916062e02,
  -6.37566443368389627722e02,
  -1.02509513161107724954e03,
  -4.83519191608651397019e02,
]);
const sb = horner([
  1,
  3.03380607434824582924e01,
  3.25792512996573918826e02,
  1.53672958608443695994e03,
  3.19985821950859553908e03,
  2.55305040643316442583e03,
  4.74528541206955367215e02,
  -2.24409524465858183362e01,
]);

function erfPolynomial(a: number): number {
  if (a < 2 ** -28) return (1 + efx) * a;
  if (a < 0.84375) {
    const z = a * a;
    return a * (1 + pp(z) / qq(z));
  }
  if (a < 1.25) return erx + pa(a - 1) / qa(a - 1);
  const z = a * a;
  const s = 1 / z;
  return a < 1 / 0.35
    ? 1 - Math.exp(-z - 0.5625 + ra(s) / sa(s)) / a
    : 1 - Math.exp(-z - 0.5625 + rb(s) / sb(s)) / a;
}

/** Optuna's `erf(x)` of an array. */
export function erfMany(x: number[]): number[] {
  if (x.length < 2000) return x.map(erf);
  return x.map((v) => {
    if (Number.isNaN(v)) return NaN;
    const a = Math.abs(v);
    return Math.sign(v) * (a < 6 ? erfPolynomial(a) : 1.0);
  });
}
