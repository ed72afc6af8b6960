/**
 * `@spt-coder/fake-coder`: a stateful, in-memory Coder that follows coderd's documented behaviour, for tests and
 * demos. Two ways to run it over one core: a loopback HTTP + WebSocket server ({@link startFakeCoder}, here) and
 * msw handlers (`createFakeCoder` from `@spt-coder/fake-coder/msw`). This entry never loads msw: `spt-coder up
 * --demo` runs the server, and msw is an optional peer that only the msw mode needs.
 */
export type { FakeClock } from "./clock.js";
export type { FakeCoderOptions } from "./core.js";
export type {
  AgentRule,
  DelayRule,
  DropRule,
  DropStreamRule,
  FailJobRule,
  FailRule,
  Faults,
  HoldJobRule,
  JobMatcher,
  ReplayLogsRule,
  RouteMatcher,
} from "./faults.js";
export type { InProcessSocketHandlers, InProcessWebSocket } from "./in-process-socket.js";
export { type ResponseInfo, type ResponseObserver, setFakeCoderObserver } from "./observer.js";
export type { RateLimitOptions } from "./ratelimit.js";
export { type RunningFakeCoder, type StartFakeCoderOptions, startFakeCoder } from "./server.js";
export type { FakeState, SeedOptions, SeedUser, SiteRole } from "./state.js";
export type { FakeExecContext, FakeExecHandler, FakeExecOption, ScriptedResult } from "./terminals.js";
