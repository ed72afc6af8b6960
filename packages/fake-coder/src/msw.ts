/**
 * In-process mode: msw handlers that hand every request under the fake's base URL to the shared core.
 * Published as `@spt-coder/fake-coder/msw`: the only entry that imports msw (an optional peer dependency).
 */
import { type HttpHandler, HttpResponse, http } from "msw";
import type { FakeClock } from "./clock.js";
import { Core, type FakeCoderOptions } from "./core.js";
import type { Faults } from "./faults.js";
import { type InProcessWebSocket, inProcessWebSocket } from "./in-process-socket.js";
import { DroppedConnection } from "./responses.js";
import type { FakeState } from "./state.js";

/** Options of {@link createFakeCoder}. */
export interface CreateFakeCoderOptions extends FakeCoderOptions {
  /** The origin the handlers answer for. Default `http://coder.fake`. */
  baseUrl?: string;
}

/** A fake Coder living inside msw. */
export interface InProcessFakeCoder {
  /** Pass to `setupServer(...handlers)` (or `server.use`). */
  handlers: HttpHandler[];
  state: FakeState;
  faults: Faults;
  /** The lifecycle clock: hold it in a test to see a one-step state however loaded the machine is. */
  clock: FakeClock;
  /** The base URL, without a trailing slash. */
  url: string;
  /** The seeded owner's session token. */
  token: string;
  /**
   * Opens WebSockets to this fake in-process (msw cannot intercept them): pass it to the SDK as
   * `createCoderClient({ url, token, webSocket })` for `exec` and the other streams.
   */
  webSocket: InProcessWebSocket;
  /** Stops job and agent timers and ends terminal sessions. */
  close(): void;
}

/**
 * Creates a fake Coder for msw. msw does not carry WebSockets: a `?follow` request made with `fetch` gets the 426
 * a plain HTTP client gets from Coder (clients fall back to polling `?after=`), and `webSocket` opens the
 * streams in-process for a client that takes a dialer (the SDK's `exec`).
 */
export function createFakeCoder(options: CreateFakeCoderOptions = {}): InProcessFakeCoder {
  const url = (options.baseUrl ?? "http://coder.fake").replace(/\/+$/, "");
  const core = new Core(options, url);
  const handler = http.all(`${url}/*`, async ({ request }) => {
    try {
      return await core.handle(request, { remoteAddress: "127.0.0.1" });
    } catch (err) {
      if (err instanceof DroppedConnection) return HttpResponse.error();
      throw err;
    }
  });
  return {
    handlers: [handler],
    state: core.state,
    faults: core.faults,
    clock: core.clock,
    url,
    token: core.state.tokenOf(core.state.adminId),
    webSocket: inProcessWebSocket(core),
    close: () => core.dispose(),
  };
}
