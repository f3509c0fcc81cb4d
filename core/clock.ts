// The clock is a dependency so tests can move time; production code never calls Date.now() directly for domain time.
export type Clock = { now: () => Date };
export const systemClock: Clock = { now: () => new Date() };
export const fixedClock = (at: Date): Clock => ({ now: () => new Date(at.getTime()) });
