// The expression function table: names, arities and per-bin implementations. Names are
// matched case-insensitively (the parser upper-cases them).

/** Signature of one built-in function. */
export interface FunctionSpec {
  /** Fewest arguments. */
  minArgs: number;
  /** Most arguments (Infinity for variadic). */
  maxArgs: number;
  /** Usage text shown in arity errors. */
  signature: string;
}

/** Built-in functions (CONTRACTS section 2). */
export const FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  SHIFT: { minArgs: 2, maxArgs: 2, signature: "SHIFT(x, k)" },
  MIN: { minArgs: 2, maxArgs: Infinity, signature: "MIN(a, b, ...)" },
  MAX: { minArgs: 2, maxArgs: Infinity, signature: "MAX(a, b, ...)" },
  CLAMP: { minArgs: 3, maxArgs: 3, signature: "CLAMP(value, lo, hi)" },
  ABS: { minArgs: 1, maxArgs: 1, signature: "ABS(x)" },
  FLOOR: { minArgs: 1, maxArgs: 1, signature: "FLOOR(x)" },
  CEIL: { minArgs: 1, maxArgs: 1, signature: "CEIL(x)" },
  ROUND: { minArgs: 1, maxArgs: 1, signature: "ROUND(x)" },
  MOD: { minArgs: 2, maxArgs: 2, signature: "MOD(value, divisor)" },
  STEP: { minArgs: 2, maxArgs: 2, signature: "STEP(value, threshold)" },
  PULSE: { minArgs: 1, maxArgs: 3, signature: "PULSE(period[, phase[, amplitude]])" },
  CONV: { minArgs: 2, maxArgs: 2, signature: "CONV(x, [k0, k1, ...])" },
};

/**
 * Round half away from zero (`ROUND(2.5) = 3`, `ROUND(-2.5) = -3`).
 * @param v value
 * @returns rounded value
 */
export function roundHalfAway(v: number): number {
  return Math.sign(v) * Math.round(Math.abs(v));
}

/**
 * Floored modulo with the sign of the divisor; 0 when the divisor is 0.
 * @param v value
 * @param d divisor
 * @returns `v mod d`
 */
export function flooredMod(v: number, d: number): number {
  if (d === 0) return 0;
  return v - d * Math.floor(v / d);
}

/**
 * PULSE at bin t: `amplitude` when `t >= phase` and `(t - phase)` is a multiple of `period`,
 * else 0. A period that is not positive gives 0.
 * @param t bin index
 * @param period bins between pulses
 * @param phase first pulse bin (default 0)
 * @param amplitude pulse height (default 1)
 * @returns the value at t
 */
export function pulseAt(t: number, period: number, phase = 0, amplitude = 1): number {
  if (!(period > 0) || !Number.isFinite(phase)) return 0;
  const offset = t - phase;
  if (offset < 0) return 0;
  return Math.abs(flooredMod(offset, period)) < 1e-9 ? amplitude : 0;
}
