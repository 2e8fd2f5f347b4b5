import type { RequestHandler } from "express";
import { HttpError } from "./api-errors";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses (403) a state-changing request that a browser sent from another site. A browser marks
 * every request with `Sec-Fetch-Site` (or, older ones, `Origin` on a POST): the request passes
 * when it is `same-origin` or `none` (typed by the user), or when `Origin` is this server's own
 * origin (the Host it was sent to, or BATON_PUBLIC_URL). A request carrying neither header is not
 * from a browser (curl, the CLI) and passes; so does one authenticated by a Bearer token, which a
 * browser never attaches on its own. The signed webhook is mounted before this guard.
 */
export function csrfGuard(publicUrl: string): RequestHandler {
  const publicOrigin = originOf(publicUrl);
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    if (/^Bearer\s/i.test(req.headers.authorization ?? "")) return next();
    const site = header(req.headers["sec-fetch-site"]);
    const origin = header(req.headers.origin);
    if (site !== undefined) {
      if (site === "same-origin" || site === "none") return next();
      return next(refusal(`Sec-Fetch-Site: ${site}`));
    }
    if (origin === undefined) return next();
    const own = [`${req.protocol}://${req.headers.host ?? ""}`.toLowerCase(), publicOrigin];
    if (own.includes(origin.toLowerCase())) return next();
    return next(refusal(`Origin: ${origin}`));
  };
}

function refusal(seen: string): HttpError {
  return new HttpError(403, "cross_site_request", `a state-changing request from another site is refused (${seen}); use the dashboard itself, or a Bearer token from a script`);
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin.toLowerCase();
  } catch {
    return undefined;
  }
}
