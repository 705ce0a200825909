// Shortest round-trip digits of a double with a fraction, 1 <= |v| < 2^31, written without
// making a string: what String() writes for values such as 345.80000000000166 (sums of
// decimals), which are about a sixth of an engine run's values and, through String(), cost
// several times more than all its integers.
//
// The method works in fixed point at 17 significant digits. With D integer digits the value is
// ip + frac (frac exact), and T = frac * 10^(17-D) is computed exactly as a pair of doubles
// (Dekker's product: no fused multiply-add in JavaScript). The nearest integer q to T, with the
// remainder d = T - q, gives the 17-digit decimal. Every double in [2^E, 2^(E+1)) is what a
// decimal parses to when the decimal lies within half a unit in the last place of it, H =
// 2^(E-53) * 10^(17-D) in units of T. Dropping the last k digits of q leaves two candidates,
// (q - r) / 10^k and one more, at distances r + d and 10^k - r - d from T (r = q mod 10^k). The
// shortest text is the largest k with a candidate inside H, the closer one when both are
// (ECMAScript's rule, which V8 follows). Both distances only grow with k, so the search stops
// at the first k where neither can be inside.
//
// Whenever the answer would hang on a hair (a distance within 1e-6 of H or of the other
// candidate's, a power of two whose interval is lopsided, a tie at 17 digits, a carry into the
// integer part, no fraction left) the caller is told to use String(): tests compare the result
// with String() over many millions of doubles of every kind.

// "00" .. "99" as ASCII pairs
const PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  PAIRS[2 * i] = 48 + ((i / 10) | 0);
  PAIRS[2 * i + 1] = 48 + (i % 10);
}

const SPLITTER = 134217729; // 2^27 + 1, Veltkamp's splitting constant
const MARGIN = 1e-6;

// 10^0 .. 10^16 (exact doubles), each split into high and low halves for Dekker's product.
const POW10: number[] = [];
const POW10_HIGH: number[] = [];
const POW10_LOW: number[] = [];
for (let i = 0; i <= 16; i++) {
  const p = 10 ** i;
  const c = SPLITTER * p;
  const high = c - (c - p);
  POW10.push(p);
  POW10_HIGH.push(high);
  POW10_LOW.push(p - high);
}

// 2^(E-53) for the exponents E of values in [1, 2^31): E = 0 .. 30.
const HALF_ULP: number[] = [];
for (let e = 0; e <= 31; e++) HALF_ULP.push(2 ** (e - 53));

/**
 * Write the shortest round-trip text of `value` (as String() gives it) into `out` at `pos`,
 * when 1 <= |value| < 2^31 and value is not an integer and the answer is clear-cut.
 * @param out the buffer (room for 19 bytes at `pos`)
 * @param pos where to write
 * @param value the number
 * @returns the position after it, or -1 when the caller must use String()
 */
export function writeShortestFraction(out: Uint8Array, pos: number, value: number): number {
  const x = value < 0 ? -value : value;
  if (!(x >= 1 && x < 2147483648)) return -1;
  const ip = Math.floor(x);
  const frac = x - ip; // exact: the fraction bits of a double are a double
  if (frac === 0) return -1;

  // x is in [2^E, 2^(E+1)) exactly when its integer part is (and, having a fraction, it is not
  // a power of two, whose interval would be narrower below than above)
  const exponent = 31 - Math.clz32(ip);

  const digits = ip < 10
    ? 1
    : ip < 100
    ? 2
    : ip < 1000
    ? 3
    : ip < 10000
    ? 4
    : ip < 100000
    ? 5
    : ip < 1000000
    ? 6
    : ip < 10000000
    ? 7
    : ip < 100000000
    ? 8
    : ip < 1000000000
    ? 9
    : 10;
  const places = 17 - digits; // fraction digits at 17 significant digits: 7 .. 16

  // T = frac * 10^places exactly, as t + tLow
  const t = frac * POW10[places];
  const c = SPLITTER * frac;
  const fHigh = c - (c - frac);
  const fLow = frac - fHigh;
  const pHigh = POW10_HIGH[places];
  const pLow = POW10_LOW[places];
  const tLow = fHigh * pHigh - t + fHigh * pLow + fLow * pHigh + fLow * pLow;

  // the nearest integer q and what is left, d = T - q in [-0.5, 0.5]
  // (below 10 the integers of T may pass 2^53, where doubles skip some: String() then)
  if (t >= 9007199254740000) return -1;
  let q = Math.round(t);
  let d = (t - q) + tLow; // t - q is exact (t < 2^53)
  if (d > 0.5) {
    q += 1;
    d -= 1;
  } else if (d < -0.5) {
    q -= 1;
    d += 1;
  }
  const h = HALF_ULP[exponent] * POW10[places];
  const dAbs = d < 0 ? -d : d;
  // a tie between two 17-digit decimals, or one on the edge of the interval
  if (dAbs > 0.5 - MARGIN || !(dAbs < h - MARGIN)) return -1;

  // the largest k with a candidate inside the interval; q's digits are taken off its end one
  // by one, from two int32 halves (q < 2^53), r = q mod 10^k built up as they go
  // (as int32s: their divisions by 10 then compile to multiplications)
  let qHigh = Math.floor(q / 100000000);
  let qLow = (q - qHigh * 100000000) | 0;
  qHigh = qHigh | 0;
  let r = 0;
  let rBest = 0;
  let best = 0;
  let bestUp = false;
  for (let k = 1; k <= places; k++) {
    let digit: number;
    if (k <= 8) {
      const next = (qLow / 10) | 0;
      digit = qLow - next * 10;
      qLow = next;
    } else {
      const next = (qHigh / 10) | 0;
      digit = qHigh - next * 10;
      qHigh = next;
    }
    r += digit * POW10[k - 1];
    const below = r + d; // distance from T down to the candidate below
    const above = POW10[k] - below; // and up to the one above
    const belowAbs = below < 0 ? -below : below;
    const belowIn = belowAbs < h;
    const aboveIn = above < h;
    if (!belowIn && !aboveIn) {
      if (belowAbs < h + MARGIN || above < h + MARGIN) return -1;
      break;
    }
    if (belowAbs > h - MARGIN || above > h - MARGIN) {
      // inside, but one of them on the edge (the other may be outside by a hair)
      if (
        (belowAbs > h - MARGIN && belowAbs < h + MARGIN) ||
        (above > h - MARGIN && above < h + MARGIN)
      ) {
        return -1;
      }
    }
    if (belowIn && aboveIn) {
      const gap = belowAbs - above;
      if (gap > -MARGIN && gap < MARGIN) return -1;
      bestUp = above < belowAbs;
    } else bestUp = aboveIn;
    best = k;
    rBest = r;
  }
  // every fraction digit dropped: the text is an integer (String() knows those)
  if (best === places) return -1;
  const fractionDigits = places - best;
  let m = (q - rBest) / POW10[best]; // exact: q - rBest is a multiple of 10^best
  if (bestUp) m += 1;
  // a carry into the integer part
  if (m >= POW10[fractionDigits]) return -1;

  if (value < 0) out[pos++] = 45; // -
  pos = writeIntegerPart(out, pos, ip | 0, digits);
  out[pos++] = 46; // .
  // the fraction digits, with their leading zeros: m < 10^16, in two int32 halves
  const end = pos + fractionDigits;
  const highPart = Math.floor(m / 100000000);
  const lowCount = fractionDigits < 8 ? fractionDigits : 8;
  writeDigitsBackward(out, end, (m - highPart * 100000000) | 0, lowCount);
  writeDigitsBackward(out, end - lowCount, highPart | 0, fractionDigits - lowCount);
  // a trailing zero, which a larger k would have dropped: never seen, but String() decides then
  return out[end - 1] === 48 ? -1 : end;
}

// The last `count` decimal digits of int32 `n` (with leading zeros), ending before `end`: two
// at a time from a table of 00..99.
function writeDigitsBackward(out: Uint8Array, end: number, n: number, count: number): void {
  let k = end - 1;
  const stop = end - count;
  for (; k > stop; k -= 2) {
    const next = (n / 100) | 0;
    const pair = (n - next * 100) * 2;
    out[k] = PAIRS[pair + 1];
    out[k - 1] = PAIRS[pair];
    n = next;
  }
  if (k === stop) out[k] = 48 + n % 10;
}

// The `length` decimal digits of int32 n > 0.
function writeIntegerPart(out: Uint8Array, pos: number, n: number, length: number): number {
  for (let k = pos + length - 1; k >= pos; k--) {
    const next = (n / 10) | 0;
    out[k] = 48 + n - next * 10;
    n = next;
  }
  return pos + length;
}
