// One error type with a closed set of codes. Code → HTTP status lives in one map the compiler checks.
export type ErrorCode =
  | 'invalid_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'invalid_transition'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unprocessable'
  | 'rate_limited'
  | 'llm_unavailable'
  | 'service_unavailable';

// Record<ErrorCode, …>: adding a code without choosing its status is a compile error.
const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid_transition: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  llm_unavailable: 503,
  service_unavailable: 503,
};

export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, opts: { details?: unknown; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.code = code;
    this.details = opts.details;
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }
}

export const httpStatusOf = (code: ErrorCode): number => HTTP_STATUS[code];

export const notFound = (entity: string, id: string): AppError =>
  new AppError('not_found', `No ${entity} with id ${id} in this workspace. Check the id, or list ${entity}s to find it.`);
