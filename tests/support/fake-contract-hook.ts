// Vitest setup file: every response the fake Coder sends during a test is checked against openapi/coder.yaml,
// and the test that caused a response outside the contract fails (in afterEach, or afterAll for stragglers).
//
// Rules: a path under /api that the contract does not describe may only get Coder's "Route not found." 404 (or
// chi's empty 405); responses a test injected on purpose through `faults` are not checked; paths outside /api
// (the dashboard, /healthz) are not part of the contract; a plain-text 428 (rate-limit bypass refused) is allowed
// anywhere, as the contract's conventions say, though no operation lists it.
import { afterAll, afterEach } from "vitest";
import { type ResponseInfo, setFakeCoderObserver } from "../../packages/fake-coder/src/observer.js";
import { sharedContractValidator } from "./contract.js";

// Built on the first response a fake sends (most test files never start one), then kept for the worker's life.
const contract = sharedContractValidator;
let problems: string[] = [];

function isNoSuchRoute(info: ResponseInfo): boolean {
  const body = info.body as { message?: unknown } | undefined;
  return (info.status === 404 && body?.message === "Route not found.") || (info.status === 405 && !info.body);
}

/** The contract's conventions declare the rate-limit bypass refusal (428) as plain text on every route. */
function isBypassRefusal(info: ResponseInfo): boolean {
  return info.status === 428 && (info.contentType ?? "").startsWith("text/plain");
}

function check(info: ResponseInfo): string[] {
  if (info.injected || !info.path.startsWith("/api/") || isBypassRefusal(info)) return [];
  const validator = contract();
  if (!validator.matchOperation(info.method, info.path)) {
    return isNoSuchRoute(info) ? [] : [`${info.method} ${info.path} -> ${info.status}: not in the contract`];
  }
  return validator.validateResponse({
    method: info.method,
    path: info.path,
    status: info.status,
    contentType: info.contentType ?? null,
    body: info.body,
    headers: info.headers,
  });
}

setFakeCoderObserver((info) => {
  problems.push(...check(info));
});

function flush(): void {
  const found = problems;
  problems = [];
  if (found.length > 0) {
    throw new Error(`The fake Coder answered outside openapi/coder.yaml:\n  ${found.join("\n  ")}`);
  }
}

afterEach(flush);
afterAll(flush);
