/**
 * `@spt-coder/fake-coder`: a stateful, in-memory Coder that follows coderd's documented behaviour, for tests and
 * demos. Two ways to run it over one core: msw handlers ({@link createFakeCoder}) and a loopback HTTP + WebSocket
 * server ({@link startFakeCoder}).
 */
export type { FakeCoderOptions } from "./core.js";
export type {
  AgentRule,
  DelayRule,
  DropRule,
  DropStreamRule,
  FailJobRule,
  FailRule,
  Faults,
  JobMatcher,
  ReplayLogsRule,
  RouteMatcher,
} from "./faults.js";
export { type CreateFakeCoderOptions, createFakeCoder, type InProcessFakeCoder } from "./msw.js";
export { type ResponseInfo, type ResponseObserver, setFakeCoderObserver } from "./observer.js";
export type { RateLimitOptions } from "./ratelimit.js";
export { type RunningFakeCoder, type StartFakeCoderOptions, startFakeCoder } from "./server.js";
export type { FakeState, SeedOptions, SeedUser, SiteRole } from "./state.js";
