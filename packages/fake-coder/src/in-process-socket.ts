/**
 * WebSockets for the in-process (msw) mode. msw intercepts `fetch`, but not the `ws` package the SDK opens its
 * sockets with, and its own WebSocket interception cannot see a request's headers (so no auth). This dialer has the
 * shape of `@spt-coder/sdk`'s `WebSocketDialer` (pass it as `createCoderClient({ webSocket })`) and connects to
 * the same core in-process: the upgrade goes through the core's checks (auth, lookups, Origin, faults), frames
 * are delivered asynchronously and in order, as over a network.
 */
import type { Core, UpgradeResult } from "./core.js";
import { runStream, type StreamEvents } from "./stream-runner.js";

/** What the connection reports, in the SDK dialer's terms. */
export interface InProcessSocketHandlers {
  open(): void;
  message(data: Uint8Array, binary: boolean): void;
  ping(): void;
  refused(answer: { status: number; contentType: string; body: string }): void;
  closed(code: number, reason: string, error?: string): void;
}

/** Opens one in-process WebSocket to the fake. */
export type InProcessWebSocket = (
  url: string,
  options: { headers: Record<string, string> },
  handlers: InProcessSocketHandlers,
) => {
  /** A binary frame, or a text frame for a string. */
  send(data: Uint8Array | string): void;
  close(code?: number, reason?: string): void;
};

/** The dialer of one core. */
export function inProcessWebSocket(core: Core): InProcessWebSocket {
  return (url, options, handlers) => {
    let done = false;
    let events: StreamEvents | undefined;
    // What the client did before the upgrade completed on the server's side, done once it has.
    const early: (() => void)[] = [];
    const client = (act: (e: StreamEvents) => void) => {
      const run = () => setImmediate(() => events && act(events));
      if (events) run();
      else early.push(run);
    };
    // Everything reaches the client on a later turn, in order, and nothing after its own close.
    const later = (report: () => void) =>
      setImmediate(() => {
        if (!done) report();
      });
    const end = (report: () => void) =>
      later(() => {
        done = true;
        report();
      });
    const connect = async () => {
      let result: UpgradeResult;
      try {
        const request = new Request(url.replace(/^ws/, "http"), { headers: options.headers });
        result = await core.prepareUpgrade(request, { remoteAddress: "127.0.0.1" });
      } catch {
        end(() => handlers.closed(1006, "", "the fake dropped the connection"));
        return;
      }
      if ("response" in result) {
        const { status, headers } = result.response;
        const body = await result.response.text();
        end(() => handlers.refused({ status, contentType: headers.get("content-type") ?? "", body }));
        return;
      }
      // The server runs the stream from the upgrade on, whether or not the client has seen it open yet.
      later(() => handlers.open());
      events = runStream(
        {
          sendText: (text) => later(() => handlers.message(Buffer.from(text), false)),
          sendBytes: (data) => {
            const copy = Uint8Array.from(data);
            later(() => handlers.message(copy, true));
          },
          close: (code, reason) => end(() => handlers.closed(code, reason)),
          // As a connection closed without a close frame reads at the client: 1006, no error.
          terminate: () => end(() => handlers.closed(1006, "")),
        },
        result.stream,
        core.faults.takeStreamDrop(result.path)?.afterFrames,
      );
      for (const act of early.splice(0)) act();
    };
    void connect();
    return {
      send(data) {
        const text = typeof data === "string" ? data : Buffer.from(data).toString("utf8");
        client((e) => e.message(text, typeof data !== "string"));
      },
      close() {
        done = true;
        // After the frames sent before it, as a close frame follows them on the wire.
        client((e) => e.gone());
      },
    };
  };
}
