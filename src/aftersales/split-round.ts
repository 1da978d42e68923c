/**
 * Integer rounding for the refund split. Products of cents by cents can pass 2^53 (a ¥10 000 000
 * discount times a ¥1 000 000 line), so multiply-then-divide goes through BigInt.
 */

/** floor(a × b / c) rounded toward −∞ (not toward zero), for c > 0. */
export function mulDivFloor(a: number, b: number, c: number): number {
  const n = BigInt(a) * BigInt(b);
  const d = BigInt(c);
  const q = n / d;
  return Number(n % d !== 0n && n < 0n ? q - 1n : q);
}

function mulDivExact(a: number, b: number, c: number): boolean {
  return (BigInt(a) * BigInt(b)) % BigInt(c) === 0n;
}

/**
 * Splits `total` (≥ 0) in proportion to `weights` (≥ 0, not all zero) by largest remainder: each
 * part is the floor of its exact share, and the cents left over go to the largest remainders,
 * ties to the earlier index so the same order always splits the same way.
 */
export function largestRemainder(total: number, weights: readonly number[]): number[] {
  const sum = BigInt(weights.reduce((s, w) => s + w, 0));
  const t = BigInt(total);
  const base = weights.map((w) => (t * BigInt(w)) / sum);
  const rem = weights.map((w) => (t * BigInt(w)) % sum);
  let left = Number(t - base.reduce((s, b) => s + b, 0n));
  const order = weights
    .map((_, i) => i)
    .sort((a, b) => {
      const ra = rem[a]!;
      const rb = rem[b]!;
      return ra === rb ? a - b : ra > rb ? -1 : 1;
    });
  const out = base.map(Number);
  for (const i of order) {
    if (left === 0) break;
    out[i]! += 1;
    left -= 1;
  }
  return out;
}

/** Largest remainder on the magnitude, so a negative total (a discount) is mirrored exactly. */
function signedLargestRemainder(total: number, weights: readonly number[]): number[] {
  if (total >= 0) return largestRemainder(total, weights);
  return largestRemainder(0 - total, weights).map((x) => 0 - x);
}

/**
 * Splits every column total over the rows by largest remainder, then makes the fewest one-cent
 * swaps inside columns so that each row's sum is also the floor or ceiling of its exact share.
 *
 * Why: rounding each discount on its own can push the same line up every time (ties go to the
 * first line), so a nearly free line could end up owing cents while another is paid more than
 * it netted — and then a refund of that other line alone would exceed what was paid. With every
 * row rounded from its exact share, all lines keep the sign of the order's net and no line is
 * paid more than its own share. Each entry stays the floor or ceiling of its exact share, so a
 * line never receives a discount share of the wrong sign. Such a rounding always exists
 * (integral flow on the fractional one); the swap search below is the augmenting-path argument.
 */
export function splitColumns(totals: readonly number[], weights: readonly number[]): number[][] {
  const sum = weights.reduce((s, w) => s + w, 0);
  const cols = totals.map((t) => signedLargestRemainder(t, weights));
  const rows = weights.length;
  // up[i][c]: row i holds the ceiling in column c; frac[i][c]: the exact share there is not whole.
  const frac = weights.map((w) => totals.map((t) => !mulDivExact(t, w, sum)));
  const up = weights.map((w, i) => totals.map((t, c) => cols[c]![i]! - mulDivFloor(t, w, sum) === 1));
  const all = totals.reduce((s, t) => s + t, 0);
  const lo = weights.map((w) =>
    totals.reduce((s, t) => s - mulDivFloor(t, w, sum), mulDivFloor(all, w, sum)),
  );
  const hi = weights.map((w, i) => lo[i]! + (mulDivExact(all, w, sum) ? 0 : 1));
  const count = (i: number) => up[i]!.filter(Boolean).length;

  // Edge u → v through column c: u gives its ceiling in c to v, which holds the floor there.
  const next = (u: number): [number, number][] => {
    const out: [number, number][] = [];
    totals.forEach((_, c) => {
      if (!up[u]![c]) return;
      for (let v = 0; v < rows; v++) if (!up[v]![c] && frac[v]![c]) out.push([c, v]);
    });
    return out;
  };
  const prev = (v: number): [number, number][] => {
    const out: [number, number][] = [];
    totals.forEach((_, c) => {
      if (up[v]![c] || !frac[v]![c]) return;
      for (let u = 0; u < rows; u++) if (up[u]![c]) out.push([c, u]);
    });
    return out;
  };
  const move = (u: number, c: number, v: number) => {
    up[u]![c] = false;
    up[v]![c] = true;
  };
  // Breadth-first from `start` along `step` to the first row accepted by `done`; returns the path.
  const search = (start: number, step: typeof next, done: (r: number) => boolean) => {
    const via = new Map<number, [number, number]>([[start, [-1, -1]]]);
    const queue = [start];
    for (let head = 0; head < queue.length; head++) {
      const r = queue[head]!;
      for (const [c, s] of step(r)) {
        if (via.has(s)) continue;
        via.set(s, [c, r]);
        if (done(s)) {
          const path: [number, number, number][] = [];
          for (let x = s; x !== start; x = via.get(x)![1]) path.push([via.get(x)![1], via.get(x)![0], x]);
          return path;
        }
        queue.push(s);
      }
    }
    throw new Error("splitColumns: no rounding found (unreachable by construction)");
  };
  for (let i = 0; i < rows; i++) {
    while (count(i) > hi[i]!) {
      for (const [u, c, v] of search(i, next, (r) => count(r) < hi[r]!)) move(u, c, v);
    }
  }
  for (let j = 0; j < rows; j++) {
    while (count(j) < lo[j]!) {
      // Searched backwards from j, so each step reads (giver, column, taker) the other way round.
      for (const [v, c, u] of search(j, prev, (r) => count(r) > lo[r]!)) move(u, c, v);
    }
  }
  return weights.map((w, i) => totals.map((t, c) => mulDivFloor(t, w, sum) + (up[i]![c] ? 1 : 0)));
}
