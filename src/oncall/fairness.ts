/**
 * Fair shares under leave: a max flow (Dinic) tells whether the remaining shifts can still be shared
 * within the bounds, and hand-over chains even out secondaries.
 */

class FlowNetwork {
  private readonly head: number[];
  private readonly to: number[] = [];
  private readonly cap: number[] = [];
  private readonly next: number[] = [];
  private level: number[] = [];
  private iter: number[] = [];

  constructor(private readonly size: number) {
    this.head = new Array<number>(size).fill(-1);
  }

  add(u: number, v: number, c: number): void {
    for (const [a, b, cc] of [
      [u, v, c],
      [v, u, 0],
    ] as const) {
      this.to.push(b);
      this.cap.push(cc);
      this.next.push(this.head[a]!);
      this.head[a] = this.to.length - 1;
    }
  }

  maxFlow(s: number, t: number): number {
    let flow = 0;
    for (;;) {
      this.level = new Array<number>(this.size).fill(-1);
      this.level[s] = 0;
      const queue = [s];
      for (let qi = 0; qi < queue.length; qi++) {
        const u = queue[qi]!;
        for (let e = this.head[u]!; e !== -1; e = this.next[e]!) {
          const v = this.to[e]!;
          if (this.cap[e]! > 0 && this.level[v] === -1) {
            this.level[v] = this.level[u]! + 1;
            queue.push(v);
          }
        }
      }
      if (this.level[t] === -1) return flow;
      this.iter = [...this.head];
      for (let f = this.push(s, t, Infinity); f > 0; f = this.push(s, t, Infinity)) flow += f;
    }
  }

  private push(u: number, t: number, limit: number): number {
    if (u === t) return limit;
    for (let e = this.iter[u]!; e !== -1; e = this.next[e]!, this.iter[u] = e) {
      const v = this.to[e]!;
      if (this.cap[e]! > 0 && this.level[v] === this.level[u]! + 1) {
        const got = this.push(v, t, Math.min(limit, this.cap[e]!));
        if (got > 0) {
          this.cap[e] = this.cap[e]! - got;
          this.cap[e ^ 1] = this.cap[e ^ 1]! + got;
          return got;
        }
      }
    }
    return 0;
  }
}

/** Periods with the same people available, counted: leave is sparse, so there are few groups. */
export interface Group {
  count: number;
  people: number[];
}

export function groupsOf(avail: readonly (readonly number[])[], periods: readonly number[]): Group[] {
  const bySig = new Map<string, Group>();
  for (const p of periods) {
    const people = avail[p]!;
    const sig = people.join(',');
    const g = bySig.get(sig);
    if (g) g.count++;
    else bySig.set(sig, { count: 1, people: [...people] });
  }
  return [...bySig.values()];
}

/** Most periods that can be given out with person i taking at most caps[i]. */
function maxAssignable(groups: readonly Group[], caps: readonly number[]): number {
  const n = caps.length;
  const sink = 1 + groups.length + n;
  const net = new FlowNetwork(sink + 1);
  groups.forEach((g, gi) => {
    net.add(0, 1 + gi, g.count);
    for (const m of g.people) net.add(1 + gi, 1 + groups.length + m, g.count);
  });
  caps.forEach((c, m) => {
    if (c > 0) net.add(1 + groups.length + m, sink, c);
  });
  return net.maxFlow(0, sink);
}

/**
 * Can every period be given a primary with person i taking between needs[i] and caps[i] shifts?
 * By the Mendelsohn–Dulmage theorem it is enough that all periods fit under the caps and that the
 * needs can be met (each on their own).
 */
export function feasible(groups: readonly Group[], caps: readonly number[], needs: readonly number[]): boolean {
  const total = groups.reduce((s, g) => s + g.count, 0);
  if (maxAssignable(groups, caps) !== total) return false;
  const needed = needs.reduce((s, x) => s + x, 0);
  return needed === 0 || maxAssignable(groups, needs) === needed;
}

/**
 * Leave can pile secondaries on a few people. While someone has two more secondary shifts than
 * someone else, look for a chain of hand-overs that moves one shift from the first to the second
 * (A takes B's week, B takes C's, ...: each person in between keeps their count), each to someone
 * free that week and not its primary. Shifts that break the shadow rule move first. Each chain
 * lowers the sum of squared counts, so this ends; when no chain exists, leave makes it as even as it can be.
 */
export function balanceSecondaries(
  primaryIdx: readonly (number | null)[],
  secondaryIdx: (number | null)[],
  counts: number[],
  avail: readonly (readonly number[])[],
  P: number,
): void {
  const shadow = (k: number): boolean => secondaryIdx[k] === primaryIdx[k + 1];
  for (;;) {
    const order = [...Array(P).keys()].sort((a, b) => Number(shadow(a)) - Number(shadow(b)) || a - b);
    const heavy = [...counts.keys()].sort((a, b) => counts[b]! - counts[a]!);
    let chain: { period: number; to: number }[] | null = null;
    for (const from of heavy) {
      const via = new Map<number, { period: number; prev: number }>();
      const queue = [from];
      let end: number | undefined;
      while (queue.length && end === undefined) {
        const x = queue.shift()!;
        for (const k of order) {
          if (secondaryIdx[k] !== x) continue;
          for (const y of avail[k]!) {
            if (y === from || y === x || y === primaryIdx[k] || via.has(y)) continue;
            via.set(y, { period: k, prev: x });
            if (counts[y]! <= counts[from]! - 2) end = y;
            else queue.push(y);
            if (end !== undefined) break;
          }
          if (end !== undefined) break;
        }
      }
      if (end === undefined) continue;
      chain = [];
      for (let y = end; y !== from; y = via.get(y)!.prev) chain.push({ period: via.get(y)!.period, to: y });
      break;
    }
    if (!chain) return;
    const from = secondaryIdx[chain[chain.length - 1]!.period]!;
    for (const { period, to } of chain) secondaryIdx[period] = to;
    counts[from]!--;
    counts[chain[0]!.to]!++;
  }
}
