/**
 * Polls `check` every 20 ms until it returns a value other than undefined or
 * false, and returns that value; fails after `timeoutMs` naming `what` (a
 * function is called only then, so it can describe the state at the timeout).
 * The one polling helper of the specs: delivery, commits and readiness are
 * asynchronous everywhere.
 */
export async function waitFor<T>(
  what: string | (() => string),
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
