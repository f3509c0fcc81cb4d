// Turns every error into the JSON envelope {"error":{"code","message","details"}}. AppErrors carry their own code
// and status; body-parser errors (bad JSON, too large) are 4xx; anything else is our bug: 500, logged.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return function handleError(err, req, res, _next) {
    if (err instanceof AppError) {
      if (err.httpStatus >= 500) logger.error({ err }, err.message);
      res.status(err.httpStatus).json({ error: { code: err.code, message: err.message, details: err.details } });
      return;
    }
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) {
      logger.error({ err, path: req.path }, 'unhandled error');
      res.status(500).json({ error: { code: 'internal', message: 'Something went wrong on our side. Try again; if it keeps happening, tell your admin the request id.', details: { requestId: res.locals.requestId } } });
      return;
    }
    const message =
      err.type === 'entity.too.large'
        ? `The request body is larger than the limit (${err.limit} bytes). Send less, or split it.`
        : err.type === 'entity.parse.failed'
          ? 'The request body is not valid JSON. Check quotes and commas, and send Content-Type: application/json.'
          : String(err.message ?? 'Bad request');
    res.status(status).json({ error: { code: status === 413 ? 'payload_too_large' : 'invalid_request', message } });
  };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'not_found', message: `There is no ${req.method} ${req.path}. See the README for the API routes.` } });
};
