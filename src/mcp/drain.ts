/** Resolves when `busy()` reaches zero or the timeout passes; returns whether it drained. */
export async function drain(busy: () => number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (busy() > 0) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}
