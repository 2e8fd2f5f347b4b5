import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import express from "express";
import helmet from "helmet";
import type { Baton } from "../create-baton";
import { INSTALL_ROOT } from "../create-baton";
import type { CfgLauncher } from "../integrations/cfg-launcher";
import { githubWebhookRouter } from "../integrations/github/webhook-router";
import { localGitRouter } from "../integrations/local-git/local-git-router";
import { deliveriesRouter, repositoriesRouter } from "../integrations/repositories/repositories-router";
import { globalSecretsRouter, repositorySecretsRouter } from "../integrations/secrets/secrets-router";
import { attachSocketServer } from "../realtime/socket-server";
import { HttpError, errorHandler, notFound } from "./api-errors";
import { Auth } from "./auth";
import { csrfGuard } from "./csrf-guard";
import { examplesRouter } from "./examples-router";
import { LoginThrottle } from "./login-throttle";
import { pipelinesRouter } from "./pipelines-router";
import { sessionRouter, signInRouter } from "./session-router";
import { tokensRouter } from "./tokens-router";
import { usersRouter } from "./users-router";

export interface HttpApp {
  server: http.Server;
  auth: Auth;
  launcher: CfgLauncher;
  /** Every API route as `METHOD /api/path`, for the test that walks them all. */
  routes: string[];
}

/**
 * Express for the API and the built SPA, Socket.IO beside it, on one HTTP server: `server` when
 * given (one already listening, so that the config could learn its port), else a new one.
 */
export function createHttpApp(baton: Baton, server: http.Server = http.createServer()): HttpApp {
  const app = express();
  const auth = new Auth(baton.db, { dataDir: baton.config.dataDir, adminToken: baton.config.adminToken, adminPassword: baton.config.adminPassword });
  const throttle = new LoginThrottle();
  const launcher = baton.launcher;
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { "default-src": ["'self'"], "img-src": ["'self'", "data:"], "style-src": ["'self'", "'unsafe-inline'"], "connect-src": ["'self'", "ws:", "wss:"] },
      },
    }),
  );

  const api = express.Router();
  // Before the JSON parser (the signature is over the raw body); authenticated by that signature.
  const webhooks = githubWebhookRouter(baton.integrations);
  api.use("/webhooks", webhooks);
  api.use(csrfGuard(baton.config.publicUrl));
  api.use(express.json({ limit: "16mb" }));
  api.get("/health", (_req, res) => {
    res.json({ ok: true });
  });
  const signIn = signInRouter(auth, throttle);
  api.use(signIn);
  // Local git hooks authenticate with their own per-hook token (or an operator or admin API token).
  const hooks = localGitRouter(baton.integrations, auth);
  api.use("/hooks", hooks);
  api.use(auth.required());
  const mounted: [string, express.Router][] = [
    ["/session", sessionRouter(auth, throttle)],
    ["/users", usersRouter(auth)],
    ["/tokens", tokensRouter(auth)],
    ["/pipelines", pipelinesRouter(baton.engine, launcher)],
    ["/examples", examplesRouter(baton.config.dataDir, launcher)],
    ["/repositories", repositoriesRouter(baton.integrations)],
    ["/deliveries", deliveriesRouter(baton.integrations)],
    ["/secrets", globalSecretsRouter(baton.secrets)],
    ["/repositories", repositorySecretsRouter(baton.secrets, baton.integrations.repositories)],
  ];
  for (const [prefix, router] of mounted) api.use(prefix, router);
  api.use(notFound);
  api.use(errorHandler);
  app.use("/api", api);

  const clientDir = path.join(INSTALL_ROOT, "dist", "client");
  if (fs.existsSync(path.join(clientDir, "index.html"))) {
    app.use(express.static(clientDir, { index: false, maxAge: "1h" }));
    app.get(/^(?!\/api\/|\/socket\.io\/).*/, (_req, res) => res.sendFile(path.join(clientDir, "index.html")));
  } else {
    app.get("/", (_req, res) => {
      res.type("text/plain").send("Baton API is up; the dashboard is not built (npm run build).");
    });
  }
  app.use((_req, _res, next) => next(new HttpError(404, "not_found", "not found")));
  app.use(errorHandler);

  server.on("request", app);
  attachSocketServer(server, baton.engine, auth);
  const routes = [
    ...listRoutes(api, "/api"),
    ...listRoutes(signIn, "/api"),
    ...listRoutes(webhooks, "/api/webhooks"),
    ...listRoutes(hooks, "/api/hooks"),
    ...mounted.flatMap(([prefix, router]) => listRoutes(router, `/api${prefix}`)),
  ];
  return { server, auth, launcher, routes };
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  name?: string;
  handle?: { stack?: Layer[] };
  matchers?: unknown[];
  regexp?: RegExp;
}

function listRoutes(router: express.Router, prefix: string): string[] {
  const out: string[] = [];
  for (const layer of (router as unknown as { stack: Layer[] }).stack) {
    if (!layer.route) continue;
    for (const method of Object.keys(layer.route.methods)) out.push(`${method.toUpperCase()} ${prefix}${layer.route.path === "/" ? "" : layer.route.path}`);
  }
  return out;
}
