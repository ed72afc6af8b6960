/**
 * The framework-agnostic fake: `(Request) => Response` over the Fetch API, shared by the msw handlers and the
 * loopback server. Middleware order follows coderd: build-version header, faults, rate limiter, auth, route.
 */
import { AgentEngine } from "./agents.js";
import { authenticate, tokenFromRequest, userForToken } from "./auth.js";
import { Clock } from "./clock.js";
import type { FakeContext } from "./context.js";
import { Faults } from "./faults.js";
import { ApiError, json, text } from "./http.js";
import { JobEngine } from "./jobs/engine.js";
import { FAKE_WORKER_ID } from "./jobs/status.js";
import { describeBody, globalObserver, type ResponseInfo, type ResponseObserver } from "./observer.js";
import { Presenter } from "./present.js";
import { DEFAULT_PROVISIONER_DAEMONS, ProvisionerPool } from "./provisioners.js";
import { goDuration, RateLimiter, type RateLimitOptions } from "./ratelimit.js";
import {
  DroppedConnection,
  headerRecord,
  injectedResponse,
  nonApi,
  truncated,
  withHeaders,
} from "./responses.js";
import { type FollowStream, isFollow, Router } from "./router.js";
import { allRoutes } from "./routes/index.js";
import { FakeState, type SeedOptions } from "./state.js";
import { type FakeExecOption, Terminals } from "./terminals.js";

/** Options shared by both ways of running the fake. */
export interface FakeCoderOptions extends SeedOptions {
  /** Delay between job and agent lifecycle steps, in ms. Default 20; 0 runs them as fast as timers allow. */
  stepDelayMs?: number;
  /** Sent as `X-Coder-Build-Version` and in `/buildinfo`. Default `v2.36.1+c9a1e2b`. */
  buildVersion?: string;
  /** Per-user, per-path rate limiting; off unless given. */
  rateLimit?: RateLimitOptions;
  /** Provisioner daemons: jobs beyond this many wait in the queue (`queue_position`). Default 3, as coderd's. */
  provisioners?: number;
  /**
   * More daemons, one per entry, each carrying these tags beside the built-in ones, as external daemons started
   * with `--tag` do: a job tagged so is taken only by them.
   */
  taggedProvisioners?: Record<string, string>[];
  /** Sees every response (in addition to the process-wide observer). */
  onResponse?: ResponseObserver;
  /**
   * What commands run in a workspace's terminal do (the PTY route): a function of the command, or a table from
   * exact command to `{ output, exit_code }`. Unscripted commands are left to the fake shell: a few builtins
   * (`echo`, `printf`, `true`, `false`, `exit`), else "not found" (127). No real shell runs.
   */
  exec?: FakeExecOption;
  /** The largest terminal output frame, in bytes; default 1024 (the agent reads 1 KiB at a time). */
  ptyFrameBytes?: number;
}

/** Where a request came from (for rate-limit keys of anonymous requests). */
export interface RequestMeta {
  remoteAddress?: string;
}

/** What an upgrade request turns into: a plain HTTP answer, or a stream to run over the WebSocket. */
export type UpgradeResult = { response: Response } | { stream: FollowStream; path: string };

const DEFAULT_VERSION = "v2.36.1+c9a1e2b";

/** The state, engines and request handling of one fake Coder. */
export class Core implements FakeContext {
  readonly state: FakeState;
  readonly faults = new Faults();
  readonly clock: Clock;
  readonly agents: AgentEngine;
  readonly jobs: JobEngine;
  readonly presenter: Presenter;
  readonly terminals: Terminals;
  readonly buildVersion: string;
  /** The fake's own URL (`dashboard_url`, `WWW-Authenticate`); the server sets it once listening. */
  accessUrl: string;
  private readonly router = new Router(allRoutes);
  private readonly limiter: RateLimiter | undefined;
  private readonly onResponse: ResponseObserver | undefined;

  constructor(options: FakeCoderOptions, accessUrl: string) {
    this.state = new FakeState(options);
    this.clock = new Clock(options.stepDelayMs ?? 20);
    this.agents = new AgentEngine(this.state, this.clock, this.faults);
    this.jobs = new JobEngine(
      this.state,
      this.clock,
      this.faults,
      this.agents,
      new ProvisionerPool(
        options.provisioners ?? DEFAULT_PROVISIONER_DAEMONS,
        FAKE_WORKER_ID,
        options.taggedProvisioners,
      ),
    );
    this.presenter = new Presenter(this.state, this.jobs.provisioners);
    this.terminals = new Terminals(options.exec, options.ptyFrameBytes ?? 1024);
    this.buildVersion = options.buildVersion ?? DEFAULT_VERSION;
    this.accessUrl = accessUrl;
    this.limiter = options.rateLimit ? new RateLimiter(options.rateLimit) : undefined;
    this.onResponse = options.onResponse;
  }

  /** Answers one HTTP request. Throws {@link DroppedConnection} when a fault drops it. */
  async handle(request: Request, meta: RequestMeta = {}): Promise<Response> {
    const url = new URL(request.url);
    const { drop, failure } = await this.applyRequestFaults(request.method, url.pathname);
    if (drop?.when !== "mid-response" && drop) throw new DroppedConnection();
    let response: Response;
    if (failure) {
      response = injectedResponse(failure);
    } else {
      const result = await this.route(request, url, meta);
      // coder/websocket answers a plain request to a WebSocket endpoint with 426 before anything else.
      response = isFollow(result)
        ? text(
            426,
            `WebSocket protocol violation: Connection header "${request.headers.get("connection") ?? ""}" does not contain Upgrade`,
            {
              Connection: "Upgrade",
              Upgrade: "websocket",
            },
          )
        : result;
    }
    response = this.stamp(response);
    await this.observe(request.method, url, response, failure !== undefined, false);
    return drop ? truncated(response) : response;
  }

  /** Handles a WebSocket upgrade request up to the handshake: auth, lookup, checks, then the Origin rule. */
  async prepareUpgrade(request: Request, meta: RequestMeta = {}): Promise<UpgradeResult> {
    const url = new URL(request.url);
    const { drop, failure } = await this.applyRequestFaults(request.method, url.pathname);
    if (drop) throw new DroppedConnection();
    if (failure) return this.answer(request, url, injectedResponse(failure), true);
    const result = await this.route(request, url, meta);
    if (!isFollow(result)) return this.answer(request, url, result, false);
    const origin = request.headers.get("origin");
    if (origin) {
      let host: string | undefined;
      try {
        host = new URL(origin).host;
      } catch {
        host = undefined;
      }
      if (!host)
        return this.answer(
          request,
          url,
          text(403, `request Origin "${origin}" is not a valid URL with a host`),
          false,
        );
      if (host !== url.host) {
        return this.answer(
          request,
          url,
          text(403, `request Origin "${host}" is not authorized for Host "${url.host}"`),
          false,
        );
      }
    }
    await this.observe(request.method, url, this.stamp(new Response(null, { status: 200 })), false, true);
    return { stream: result, path: url.pathname };
  }

  private async answer(
    request: Request,
    url: URL,
    response: Response,
    injected: boolean,
  ): Promise<UpgradeResult> {
    const stamped = this.stamp(response);
    await this.observe(request.method, url, stamped, injected, false);
    return { response: stamped };
  }

  private async applyRequestFaults(method: string, path: string) {
    const delay = this.faults.takeDelay(method, path);
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay.ms));
    return { drop: this.faults.takeDrop(method, path), failure: this.faults.takeFailure(method, path) };
  }

  /** Routing, rate limiting, auth and the handler; errors become Coder's error bodies. */
  private async route(request: Request, url: URL, meta: RequestMeta): Promise<Response | FollowStream> {
    const path = url.pathname;
    if (!path.startsWith("/api/")) return nonApi(path);
    if (path === "/api/v2" || path === "/api/v2/") return json(200, { message: "👋" });
    const match = this.router.match(request.method, path);
    if (!match) return json(404, { message: "Route not found." });
    // chi's default: 405 with an empty body.
    if ("methodNotAllowed" in match) return new Response(null, { status: 405 });
    const limit = this.rateLimit(request, url, meta);
    if (limit.refused) return limit.refused;
    let result: Response | FollowStream;
    try {
      const user =
        match.route.auth === false
          ? this.state.users.get(this.state.adminId)!
          : authenticate(this.state, request, url, this.accessUrl);
      result = await match.route.handler({ request, url, params: match.params, user, core: this });
    } catch (err) {
      result =
        err instanceof ApiError
          ? err.toResponse()
          : json(500, {
              message: "An internal error occurred.",
              detail: String((err as Error)?.message ?? err),
            });
    }
    return isFollow(result) ? result : withHeaders(result, limit.headers);
  }

  /** httprate: counts the request, answers 429 (or 428 for a refused bypass), and sets X-Ratelimit-* headers. */
  private rateLimit(
    request: Request,
    url: URL,
    meta: RequestMeta,
  ): { refused?: Response; headers: Record<string, string> } {
    if (!this.limiter) return { headers: {} };
    const user = userForToken(this.state, tokenFromRequest(request, url));
    if (goParseBool(request.headers.get("x-coder-bypass-ratelimit"))) {
      if (user && this.state.isOwner(user)) return { headers: {} };
      // httprate answers a key-function error with http.Error: plain text.
      return { refused: text(428, '"X-Coder-Bypass-Ratelimit" provided but user is not owner'), headers: {} };
    }
    const key = `${user?.id ?? meta.remoteAddress ?? "unknown"}|${url.pathname}`;
    // coderd mounts the files limiter on the whole `/files` route group: downloads count too, not only uploads.
    const files = url.pathname === "/api/v2/files" || url.pathname.startsWith("/api/v2/files/");
    const d = this.limiter.hit(key, files);
    const headers = {
      "X-Ratelimit-Limit": String(d.limit),
      "X-Ratelimit-Remaining": String(d.remaining),
      "X-Ratelimit-Reset": String(d.reset),
    };
    if (d.allowed) return { headers };
    const message = `You've been rate limited for sending more than ${d.limit} requests in ${goDuration(d.windowMs)}.`;
    return {
      refused: json(429, { message }, { ...headers, "Retry-After": String(Math.round(d.windowMs / 1000)) }),
      headers,
    };
  }

  /** coderd's root middleware puts the build version on every response, 404s included. */
  private stamp(response: Response): Response {
    const headers = new Headers(response.headers);
    headers.set("X-Coder-Build-Version", this.buildVersion);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }

  private async observe(method: string, url: URL, response: Response, injected: boolean, websocket: boolean) {
    const observers = [this.onResponse, globalObserver()].filter((o): o is ResponseObserver => !!o);
    if (observers.length === 0) return;
    const info: ResponseInfo = {
      method,
      path: url.pathname,
      url: url.toString(),
      status: websocket ? 101 : response.status,
      headers: headerRecord(response.headers),
      contentType: websocket ? undefined : (response.headers.get("content-type") ?? undefined),
      body: websocket ? undefined : await describeBody(response),
      injected,
      websocket,
    };
    await Promise.all(observers.map((observer) => observer(info)));
  }

  /** Stops every job and agent timer, and ends the terminal sessions. */
  dispose(): void {
    this.clock.dispose();
    this.terminals.dispose();
  }
}

/** Go's `strconv.ParseBool` truthy values. */
function goParseBool(value: string | null): boolean {
  return value !== null && ["1", "t", "T", "TRUE", "true", "True"].includes(value);
}
