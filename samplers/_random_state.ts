// numpy's legacy `RandomState` (MT19937), the generator Optuna's samplers draw from
// (`LazyRandomState` in optuna/samplers/_lazy_random_state.py): the same seeding
// (`init_genrand` for an integer seed), the same 53-bit doubles (`random_sample`), `uniform`
// and the weighted `choice`, so a seed gives the draws Python gives.

const N = 624;
const M = 397;

/** A Mersenne Twister with numpy's `RandomState` interface subset. */
export class RandomState {
  #mt = new Uint32Array(N);
  #index = N;

  /** Seeds with an integer in [0, 2 ** 32), or from the system's entropy when unset. */
  constructor(seed?: number) {
    this.seed(seed);
  }

  /** Seeds as numpy's `RandomState.seed`. */
  seed(seed?: number): void {
    if (seed === undefined) {
      // numpy seeds from entropy with init_by_array; any 624 random words do.
      crypto.getRandomValues(this.#mt);
      this.#mt[0] |= 0x80000000; // never all zero
      this.#index = N;
      return;
    }
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`Cannot seed with ${seed}: use an integer from 0 to 2 ** 32 - 1`);
    }
    const mt = this.#mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.#index = N;
  }

  /** The next 32-bit output (`genrand_int32`). */
  nextUint32(): number {
    const mt = this.#mt;
    if (this.#index >= N) {
      for (let i = 0; i < N; i++) {
        const y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
        mt[i] = mt[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.#index = 0;
    }
    let y = mt[this.#index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A double in [0, 1) from 53 random bits (`random_sample`, `rand`). */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `uniform(low, high)`: `low + (high - low) * random()`. */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.random();
  }

  /**
   * numpy's `choice(len(p), p=p, size=size)` with replacement: the cumulative sum normalized
   * by its last entry, searched (side "right") with one `random()` per draw.
   */
  choice(p: readonly number[], size: number): number[] {
    const cdf = new Array<number>(p.length);
    let sum = 0;
    for (let i = 0; i < p.length; i++) cdf[i] = sum += p[i];
    const last = cdf[cdf.length - 1];
    for (let i = 0; i < cdf.length; i++) cdf[i] /= last;
    const draws = new Array<number>(size);
    for (let k = 0; k < size; k++) {
      const u = this.random();
      let lo = 0;
      let hi = cdf.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cdf[mid] <= u) lo = mid + 1;
        else hi = mid;
      }
      draws[k] = lo;
    }
    return draws;
  }
}
