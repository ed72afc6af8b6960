import createClient from "openapi-fetch";
import { DEFAULT_MAX_RESPONSE_BYTES } from "./client/body.js";
import type { ClientHooks } from "./client/hooks.js";
import { setClientInternals } from "./client/internals.js";
import { dialWebSocket, type WebSocketDialer } from "./client/socket.js";
import { createTransport } from "./client/transport.js";
import { isLoopbackHost, normalizeCoderUrl } from "./client/url.js";
import { agentsResource } from "./resources/agents.js";
import { buildInfoResource } from "./resources/buildinfo.js";
import { buildsResource } from "./resources/builds.js";
import { filesResource } from "./resources/files.js";
import { organizationsResource } from "./resources/organizations.js";
import { provisionersResource } from "./resources/provisioners.js";
import { regionsResource } from "./resources/regions.js";
import { templateVersionsResource } from "./resources/template-versions.js";
import { templatesResource } from "./resources/templates.js";
import { usersResource } from "./resources/users.js";
import { workspacesResource } from "./resources/workspaces.js";
import type { paths } from "./types.js";

/** The SDK's version, sent in the User-Agent. */
export const SDK_VERSION = "0.1.0";

/** Options of {@link createCoderClient}. */
export interface CoderClientOptions extends ClientHooks {
  /** The deployment: `host`, `host:port` or `http(s)://host/path`; normalised with `normalizeCoderUrl`. */
  url: string;
  /** The session token, sent only in the `Coder-Session-Token` header and only to the deployment's origin. */
  token?: string | undefined;
  /** A `fetch` to use; by default the global one, looked up at call time (so msw can intercept it). */
  fetch?: typeof fetch | undefined;
  /**
   * Opens every WebSocket (the log and watch streams, the `exec` terminal); by default the `ws` package over the
   * network. The fake Coder's
   * in-process mode hands out one (`fake.webSocket`), since msw cannot intercept `ws` nor read a socket's headers.
   */
  webSocket?: WebSocketDialer | undefined;
  /** Deadline of one attempt, in milliseconds; default 30 000. */
  timeoutMs?: number | undefined;
  /** Retries of a failed idempotent request; default 2. */
  maxRetries?: number | undefined;
  /** Retries after a 429, counted apart from `maxRetries` since Coder said when to come back; default 10. */
  maxRateLimitRetries?: number | undefined;
  /** The longest `Retry-After` the client will sleep, in milliseconds; default 60 000 (Coder's limiter window). */
  maxRetryAfterMs?: number | undefined;
  /**
   * The most bytes read from one answer, after decompression; default 32 MiB. A larger answer fails with
   * `CoderResponseTooLargeError` instead of filling memory.
   */
  maxResponseBytes?: number | undefined;
  /** Prepended to the SDK's own User-Agent. */
  userAgent?: string | undefined;
}

/** A typed Coder v2 API client: one thin facade per resource over the generated types. */
export interface CoderClient {
  /** The normalised base URL. */
  readonly url: string;
  /** The server version from the last `X-Coder-Build-Version` header, once a request has been answered. */
  readonly serverVersion: string | undefined;
  readonly buildInfo: ReturnType<typeof buildInfoResource>;
  readonly users: ReturnType<typeof usersResource>;
  readonly organizations: ReturnType<typeof organizationsResource>;
  readonly files: ReturnType<typeof filesResource>;
  readonly templates: ReturnType<typeof templatesResource>;
  readonly templateVersions: ReturnType<typeof templateVersionsResource>;
  readonly workspaces: ReturnType<typeof workspacesResource>;
  readonly builds: ReturnType<typeof buildsResource>;
  readonly agents: ReturnType<typeof agentsResource>;
  readonly regions: ReturnType<typeof regionsResource>;
  readonly provisioners: ReturnType<typeof provisionersResource>;
}

/**
 * Creates a client for one Coder deployment. Every request goes through one transport: auth header, timeout,
 * retries with `Retry-After`, a redirect guard, the server-version warning. HTTP errors become typed errors
 * (`CoderApiError` and its subclasses); the client never prints.
 *
 * @throws {CoderInvalidInputError} when the URL cannot be used.
 */
export function createCoderClient(options: CoderClientOptions): CoderClient {
  const url = normalizeCoderUrl(options.url);
  const userAgent = [options.userAgent, `spt-coder-sdk/${SDK_VERSION} node/${process.versions.node}`]
    .filter(Boolean)
    .join(" ");
  const hooks: ClientHooks = {
    onWarning: options.onWarning,
    onRequest: options.onRequest,
    onRetry: options.onRetry,
  };
  const parsed = new URL(url);
  if (options.token && parsed.protocol === "http:" && !isLoopbackHost(parsed.hostname)) {
    hooks.onWarning?.({
      code: "insecure-transport",
      message: `The session token is sent over plain http to ${parsed.host}; anyone on the network path can read it. Use https://.`,
    });
  }
  const transport = createTransport({
    baseUrl: url,
    token: options.token,
    fetch: options.fetch,
    timeoutMs: options.timeoutMs ?? 30_000,
    maxRetries: options.maxRetries ?? 2,
    maxRateLimitRetries: options.maxRateLimitRetries ?? 10,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    userAgent,
    hooks,
  });
  const api = createClient<paths>({ baseUrl: url, fetch: transport.fetch });
  const client: CoderClient = {
    url,
    get serverVersion() {
      return transport.state.serverVersion;
    },
    buildInfo: buildInfoResource(api),
    users: usersResource(api),
    organizations: organizationsResource(api),
    files: filesResource(api),
    templates: templatesResource(api),
    templateVersions: templateVersionsResource(api),
    workspaces: workspacesResource(api),
    builds: buildsResource(api),
    agents: agentsResource(api),
    regions: regionsResource(api),
    provisioners: provisionersResource(api),
  };
  setClientInternals(client, {
    baseUrl: url,
    token: options.token,
    userAgent,
    webSocket: options.webSocket ?? dialWebSocket,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
  });
  return client;
}
