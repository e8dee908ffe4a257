// The part of Python's `decimal` that Optuna's step checks use (`Decimal(str(x))`, then -, *, +,
// % and //), in the default context: 28 significant digits, rounded half to even. Python's
// `str(float)` and JavaScript's `String(number)` give the same shortest round-trip digits, so a
// decimal made here from a number is the one Python makes from the same float.

const PRECISION = 28;

/** An exact decimal: `coefficient * 10 ** exponent`. */
export interface Decimal {
  readonly coefficient: bigint;
  readonly exponent: number;
}

/** `Decimal(str(value))` for a finite number. */
export function decimal(value: number): Decimal {
  const [mantissa, exponentText = "0"] = String(value).split("e");
  const [whole, fraction = ""] = mantissa.split(".");
  return round({
    coefficient: BigInt(whole + fraction),
    exponent: Number(exponentText) - fraction.length,
  });
}

/** Rounds to the context's 28 significant digits, half to even, as every arithmetic result is. */
function round(value: Decimal): Decimal {
  const negative = value.coefficient < 0n;
  let magnitude = negative ? -value.coefficient : value.coefficient;
  const digits = magnitude.toString().length;
  if (digits <= PRECISION) return value;
  const drop = digits - PRECISION;
  const scale = 10n ** BigInt(drop);
  const quotient = magnitude / scale;
  const remainder = magnitude % scale;
  const twice = remainder * 2n;
  magnitude = twice > scale || (twice === scale && quotient % 2n === 1n) ? quotient + 1n : quotient;
  return { coefficient: negative ? -magnitude : magnitude, exponent: value.exponent + drop };
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const exponent = Math.min(a.exponent, b.exponent);
  return [
    a.coefficient * 10n ** BigInt(a.exponent - exponent),
    b.coefficient * 10n ** BigInt(b.exponent - exponent),
    exponent,
  ];
}

/** `a - b`. */
export function subtract(a: Decimal, b: Decimal): Decimal {
  const [x, y, exponent] = align(a, b);
  return round({ coefficient: x - y, exponent });
}

/** `a + b`. */
export function add(a: Decimal, b: Decimal): Decimal {
  const [x, y, exponent] = align(a, b);
  return round({ coefficient: x + y, exponent });
}

/** `a * b`. */
export function multiply(a: Decimal, b: Decimal): Decimal {
  return round({ coefficient: a.coefficient * b.coefficient, exponent: a.exponent + b.exponent });
}

/** `a // b`: the quotient truncated toward zero, as Python's `Decimal.__floordiv__`. */
export function divideToIntegral(a: Decimal, b: Decimal): Decimal {
  const [x, y] = align(a, b);
  return { coefficient: x / y, exponent: 0 };
}

/** `a % b`: the remainder with the sign of `a`, as Python's `Decimal.__mod__`. */
export function remainder(a: Decimal, b: Decimal): Decimal {
  const [x, y, exponent] = align(a, b);
  return { coefficient: x % y, exponent };
}

/** `a < b`. */
export function lessThan(a: Decimal, b: Decimal): boolean {
  const [x, y] = align(a, b);
  return x < y;
}

/** `float(a)`: the nearest number. */
export function toNumber(a: Decimal): number {
  return Number(`${a.coefficient}e${a.exponent}`);
}
