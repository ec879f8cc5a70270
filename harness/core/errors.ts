/**
 * An error that will not fix itself by waiting (a missing binary, 401, 403,
 * 422, a malformed manifest). `waitFor` rethrows it at once instead of retrying.
 */
export class PermanentError extends Error {
  override readonly name = "PermanentError";
}

export function isPermanent(err: unknown): boolean {
  if (err instanceof PermanentError) return true;
  if (err instanceof Error && err.cause !== undefined && err.cause !== err) return isPermanent(err.cause);
  return false;
}

/** Last `lines` lines of a block of output, for error messages. */
export function tail(text: string, lines = 20): string {
  const all = text.trimEnd().split("\n");
  return all.length <= lines ? all.join("\n") : [`… (${all.length - lines} earlier lines)`, ...all.slice(-lines)].join("\n");
}
