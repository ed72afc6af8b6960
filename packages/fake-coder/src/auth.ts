/**
 * Session-token authentication as `httpmw.ExtractAPIKey` does it: where the token is read from, the format check
 * before any lookup, and the 401 bodies that tell the cases apart.
 */
import { ApiError } from "./http.js";
import type { FakeState, UserRecord } from "./state.js";

/** coderd's `SignedOutErrorMessage`, the `message` of every auth 401. */
export const SIGNED_OUT_MESSAGE =
  "You are signed out or your session has expired. Please sign in again to continue.";

/** `APITokenFromRequest`: cookie, `coder_session_token` query, header, `Authorization: Bearer`, `access_token`. */
export function tokenFromRequest(request: Request, url: URL): string | undefined {
  const cookie = request.headers.get("cookie");
  if (cookie) {
    for (const part of cookie.split(";")) {
      const [name, ...rest] = part.trim().split("=");
      if (name === "coder_session_token" && rest.length > 0) return rest.join("=");
    }
  }
  const query = url.searchParams.get("coder_session_token");
  if (query) return query;
  const header = request.headers.get("coder-session-token");
  if (header) return header;
  const authorization = request.headers.get("authorization");
  if (authorization && /^bearer /i.test(authorization)) {
    const value = authorization.slice(7).trim();
    if (value) return value;
  }
  return url.searchParams.get("access_token") ?? undefined;
}

/** `SplitAPIToken`: the format errors come before any database lookup. */
function formatProblem(token: string): string | undefined {
  const parts = token.split("-");
  if (parts.length !== 2) return `incorrect amount of API key parts, expected 2 got ${parts.length}`;
  if (parts[0]!.length !== 10) return `invalid API key ID length, expected 10 got ${parts[0]!.length}`;
  if (parts[1]!.length !== 22) return `invalid API key secret length, expected 22 got ${parts[1]!.length}`;
  return undefined;
}

function unauthorized(detail: string, accessUrl: string, message = SIGNED_OUT_MESSAGE): ApiError {
  return new ApiError(401, message, detail, undefined, {
    "WWW-Authenticate": `Bearer realm="coder", error="invalid_token", error_description="${detail.replace(/"/g, "'")}", resource_metadata="${accessUrl}/.well-known/oauth-protected-resource"`,
  });
}

/** The user a token belongs to, without errors (the rate limiter's pre-check). */
export function userForToken(state: FakeState, token: string | undefined): UserRecord | undefined {
  if (!token) return undefined;
  const id = state.tokens.get(token);
  return id ? state.users.get(id) : undefined;
}

/** Authenticates a request or throws the 401 coderd would send. */
export function authenticate(state: FakeState, request: Request, url: URL, accessUrl: string): UserRecord {
  const token = tokenFromRequest(request, url);
  if (!token) {
    return fail(unauthorized('Cookie "coder_session_token" or query parameter must be provided.', accessUrl));
  }
  const problem = formatProblem(token);
  if (problem) return fail(unauthorized(`Invalid API key format: ${problem}`, accessUrl));
  const id = token.split("-")[0]!;
  let known = false;
  for (const [candidate, userId] of state.tokens) {
    if (candidate.split("-")[0] !== id) continue;
    known = true;
    if (candidate === token) {
      const user = state.users.get(userId)!;
      if (user.status === "suspended") {
        return fail(
          unauthorized(
            "",
            accessUrl,
            `User is not active (status = "${user.status}"). Contact an admin to reactivate your account.`,
          ),
        );
      }
      return user;
    }
  }
  return fail(unauthorized(known ? "API key secret is invalid." : "API key is invalid.", accessUrl));
}

function fail(error: ApiError): never {
  throw error;
}
