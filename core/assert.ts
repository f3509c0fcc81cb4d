// Tiny invariant helpers usable from pure files (no I/O).
export function fail(message: string): never {
  throw new Error(message);
}

export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) fail(message);
}
