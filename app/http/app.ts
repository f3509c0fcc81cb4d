// The Express application: security headers, request ids, logging, body limits, authentication, the API routes of
// every module, health, readiness and metrics, the built front end (web/dist: widget, demo page, console) with CORS
// for the widget's customer routes, and the JSON error envelope.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookieParser from 'cookie-parser';
import express, { type Express, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { reportsRoutes } from '../../analytics/index.ts';
import { suggestionRoutes } from '../../bot/index.ts';
import { conversationsRoutes } from '../../conversations/index.ts';
import { evalRunsRoutes, qaRoutes } from '../../evals/index.ts';
import { withLogContext } from '../../core/logger.ts';
import { agentLiveRoutes, handoffRoutes, teamRoutes, ticketsRoutes } from '../../handoff/index.ts';
import { kbRoutes } from '../../kb/index.ts';
import { ingestionRoutes } from '../../ingestion/index.ts';
import type { Deps } from '../deps.ts';
import { adminRoutes, authRoutes } from './admin.routes.ts';
import { errorHandler, notFoundHandler } from './error-handler.ts';

/** Where `npm run build:web` writes the front end. */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

export function buildApp(deps: Deps, opts: { webDist?: string } = {}): Express {
  const webDist = opts.webDist ?? WEB_DIST;
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

  // Pages served over plain HTTP (npm start opened from another machine) must not have their scripts upgraded to an
  // https:// that is not there: upgrade-insecure-requests only where the server is reached over TLS, as for cookies.
  const overTls = deps.config.COOKIE_SECURE ?? deps.config.NODE_ENV === 'production';
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: overTls ? [] : null } } }));
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
  api.use(evalRunsRoutes(deps.evalRunsDeps));
  app.use('/api/conversations', visitorCors);
  app.use('/api', api);

  // The front end. Without a build, `/` says how to make one instead of a 404.
  app.get('/', (_req, res) => {
    if (existsSync(path.join(webDist, 'console', 'index.html'))) return res.redirect(302, '/console/');
    res.type('html').send(`<!doctype html><html lang="en"><meta charset="utf-8"><title>Kefu</title>
<body style="font-family:system-ui;max-width:40rem;margin:3rem auto;line-height:1.5">
<h1>Kefu is running</h1><p>The API is at <code>/api</code>; health at <a href="/readyz">/readyz</a>.</p>
<p>The web front end (console, chat widget, demo page) is not built: run <code>npm run build:web</code> (or <code>npm start</code>, which builds it first), then reload.</p>
<p>Demo sign-ins were printed when the server first started, and saved in <code>${deps.config.DATA_DIR}/demo-logins.txt</code>.</p></body></html>`);
  });
  app.use(express.static(webDist, { setHeaders: staticHeaders(webDist) }));

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}

// The widget runs on customers' own sites, so the customer routes (/api/conversations…) answer any origin. They
// authenticate with the visitor token header, never a cookie: no Access-Control-Allow-Credentials, so a browser
// sends no cookie cross-origin (a credentialed request fails the preflight) and a staff session never rides along.
const visitorCors: RequestHandler = (req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', 'x-request-id');
  if (req.method !== 'OPTIONS') return next();
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
  res.setHeader('Access-Control-Allow-Headers', 'accept, authorization, content-type, last-event-id, x-visitor-token');
  res.setHeader('Access-Control-Max-Age', '600');
  res.status(204).end();
};

// Hashed assets never change; widget.js keeps its URL across releases (sites embed it), so it is cached briefly,
// and other sites may load it (helmet's Cross-Origin-Resource-Policy would otherwise block it); pages revalidate.
const staticHeaders = (webDist: string) => (res: Response, file: string): void => {
  const relative = path.relative(webDist, file).split(path.sep).join('/');
  if (relative.startsWith('assets/')) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
  else if (relative === 'widget.js') {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  } else res.setHeader('Cache-Control', 'no-cache');
};
