// The Express application: security headers, request ids, logging, body limits, authentication, the API routes of
// every module, health, readiness and metrics, and the JSON error envelope.
import { randomUUID } from 'node:crypto';
import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { reportsRoutes } from '../../analytics/index.ts';
import { suggestionRoutes } from '../../bot/index.ts';
import { conversationsRoutes } from '../../conversations/index.ts';
import { qaRoutes } from '../../evals/index.ts';
import { withLogContext } from '../../core/logger.ts';
import { agentLiveRoutes, handoffRoutes, teamRoutes, ticketsRoutes } from '../../handoff/index.ts';
import { kbRoutes } from '../../kb/index.ts';
import { ingestionRoutes } from '../../ingestion/index.ts';
import type { Deps } from '../deps.ts';
import { adminRoutes, authRoutes } from './admin.routes.ts';
import { errorHandler, notFoundHandler } from './error-handler.ts';

export function buildApp(deps: Deps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');

  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kefu_' });
  const httpDuration = new Histogram({
    name: 'kefu_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  app.use(helmet());
  app.use((req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('x-request-id', requestId);
    const end = httpDuration.startTimer({ method: req.method });
    res.on('finish', () => end({ route: (req.route?.path as string | undefined) ? `${req.baseUrl}${req.route.path}` : 'unmatched', status: String(res.statusCode) }));
    withLogContext({ requestId }, next);
  });
  app.use(pinoHttp({ logger: deps.logger, genReqId: (_req, res) => (res as express.Response).locals.requestId as string, quietReqLogger: true, serializers: { req: (req: { url?: string }) => ({ ...req, url: req.url && /\/events(\?|$)/.test(req.url) ? req.url.replace(/\?.*$/, '?[redacted]') : req.url }) }, autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' } }));
  app.use(express.json({ limit: deps.config.BODY_LIMIT }));
  app.use(cookieParser());

  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/readyz', async (_req, res) => {
    const [database, queue] = await Promise.all([deps.dbHealth(), deps.jobs.health()]);
    const ready = database.ok && queue.ok;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', database, queue });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });

  const api = express.Router();
  api.use(deps.auth.middleware);
  api.use(authRoutes(deps));
  api.use(adminRoutes(deps));
  api.use(kbRoutes(deps));
  api.use(ingestionRoutes(deps));
  api.use(conversationsRoutes(deps));
  api.use(handoffRoutes(deps));
  api.use(teamRoutes(deps));
  api.use(ticketsRoutes(deps));
  api.use(agentLiveRoutes(deps));
  api.use(suggestionRoutes(deps));
  api.use(reportsRoutes(deps));
  api.use(qaRoutes(deps.qaDeps));
  app.use('/api', api);

  app.get('/', (_req, res) => {
    res.type('html').send(`<!doctype html><html lang="en"><meta charset="utf-8"><title>Kefu</title>
<body style="font-family:system-ui;max-width:40rem;margin:3rem auto;line-height:1.5">
<h1>Kefu is running</h1><p>The API is at <code>/api</code>; health at <a href="/readyz">/readyz</a>. The console and the chat widget arrive with the web front end.</p>
<p>Demo sign-ins were printed when the server first started, and saved in <code>${deps.config.DATA_DIR}/demo-logins.txt</code>.</p></body></html>`);
  });

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
