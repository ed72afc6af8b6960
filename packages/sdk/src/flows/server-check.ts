import type { CoderClient } from "../coder-client.js";
import { CoderApiError, CoderRedirectError, CoderUnexpectedResponseError } from "../errors/base.js";
import { NotCoderServerError } from "../errors/flows.js";
import type { BuildInfoResponse } from "../types.js";

/**
 * Answers "is this URL a Coder server?" the way Coder's own clients tell: `GET /api/v2/buildinfo` (no auth
 * needed) must answer JSON with a string `version` and a `dashboard_url`, and carry the `X-Coder-Build-Version`
 * header that Coder adds to every response. Connection problems surface as `CoderConnectionError` (with a
 * reason: dns, refused, tls...), anything else that answers becomes {@link NotCoderServerError}.
 */
export async function checkCoderServer(
  client: CoderClient,
  options: { signal?: AbortSignal } = {},
): Promise<BuildInfoResponse> {
  let info: BuildInfoResponse;
  try {
    info = await client.buildInfo.get(options);
  } catch (error) {
    // A busy or failing Coder (429, 5xx) is still Coder: let those errors through as they are.
    const notCoder =
      error instanceof CoderUnexpectedResponseError ||
      error instanceof CoderRedirectError ||
      (error instanceof CoderApiError && error.status < 500 && error.status !== 429);
    if (notCoder) {
      throw new NotCoderServerError(
        `${client.url} is not a Coder server: GET /api/v2/buildinfo answered ${describe(error)}.`,
        { cause: error },
      );
    }
    throw error;
  }
  if (typeof info?.version !== "string" || typeof info.dashboard_url !== "string" || !client.serverVersion) {
    throw new NotCoderServerError(
      `${client.url} is not a Coder server: /api/v2/buildinfo answered JSON without Coder's version fields and header.`,
    );
  }
  return info;
}

function describe(error: CoderUnexpectedResponseError | CoderApiError | CoderRedirectError): string {
  if (error instanceof CoderApiError) return `HTTP ${error.status} (${error.apiMessage})`;
  if (error instanceof CoderRedirectError)
    return `with a ${error.status} redirect to ${error.target}, another origin`;
  return `HTTP ${error.status} with ${error.contentType || "no content type"}: ${JSON.stringify(error.bodyStart.slice(0, 80))}`;
}
