// Evals and QA: the offline harness (datasets → real bot pipeline → metrics → JSON/HTML reports, threshold
// calibration) and automated QA scoring of bot and agent replies. Not built yet: `kefu eval` says so and exits.
// It will build its own deps (it must not import app/) and reach other modules only through their index.ts.
export {};
