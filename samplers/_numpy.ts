// The numpy operations Optuna's samplers rely on, with numpy's rounding and summation order
// where it changes the last bits: pairwise summation (`np.sum`), round half to even
// (`np.round`, Python's `round`), `np.logaddexp`, `np.linspace`, `np.nextafter`.

const BLOCK = 128;

/** `np.sum` of a contiguous float64 array: numpy's pairwise summation. */
export function sum(values: ArrayLike<number>, start = 0, n = values.length - start): number {
  return 0 + pairwise(values, start, n);
}

function pairwise(a: ArrayLike<number>, start: number, n: number): number {
  if (n < 8) {
    let res = -0;
    for (let i = 0; i < n; i++) res += a[start + i];
    return res;
  }
  if (n <= BLOCK) {
    const r = [0, 1, 2, 3, 4, 5, 6, 7].map((j) => a[start + j]);
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] += a[start + i + j];
    }
    let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) res += a[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwise(a, start, n2) + pairwise(a, start + n2, n - n2);
}

/** Rounds half to even, as `np.round` / `np.rint` and Python's `round(float)`. */
export function rint(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction < 0.5) return floor;
  if (fraction > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** `np.logaddexp(x, y)`, numpy's `npy_logaddexp`. */
export function logaddexp(x: number, y: number): number {
  if (x === y) return x + Math.LN2;
  const tmp = x - y;
  if (tmp > 0) return x + Math.log1p(Math.exp(-tmp));
  if (tmp <= 0) return y + Math.log1p(Math.exp(tmp));
  return tmp;
}

/** `np.linspace(start, stop, num)` with its endpoint. */
export function linspace(start: number, stop: number, num: number): number[] {
  const div = num - 1;
  const delta = stop - start;
  const step = delta / div;
  const values = Array.from(
    { length: num },
    (_, i) => (div <= 0 ? i * delta : step === 0 ? (i / div) * delta : i * step) + start,
  );
  if (num > 1) values[num - 1] = stop;
  return values;
}

const view = new DataView(new ArrayBuffer(8));

/** `np.nextafter(x, -inf)`: the next double below a finite `x`. */
export function nextBelow(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, x > 0 ? bits - 1n : bits + 1n);
  return view.getFloat64(0);
}

/** Indices that sort `values` ascending, ties in index order (numpy's small-array argsort). */
export function argsort(values: readonly number[]): number[] {
  return values.map((_, i) => i).sort((i, j) => values[i] - values[j] || i - j);
}
