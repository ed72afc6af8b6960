/**
 * Runs a route's WebSocket stream over an accepted connection, whatever carries it: the loopback server's `ws`
 * socket or the in-process connection of the msw mode. Honours a stream-drop fault.
 */
import type { FollowStream, StreamSink } from "./router.js";

/** The server's side of one accepted connection. */
export interface StreamSocket {
  sendText(text: string): void;
  sendBytes(data: Uint8Array): void;
  close(code: number, reason: string): void;
  /** Drops the connection without a close frame. */
  terminate(): void;
}

/** What the connection reports to the stream. */
export interface StreamEvents {
  /** A data frame from the client. */
  message(data: string, binary: boolean): void;
  /** The connection is gone. */
  gone(): void;
}

/** Starts `stream` on `socket`; `dropAfter` frames (a fault) cut the connection without a close frame. */
export function runStream(
  socket: StreamSocket,
  stream: FollowStream,
  dropAfter: number | undefined,
): StreamEvents {
  let frames = 0;
  let open = true;
  let stop: (() => void) | undefined;
  const finish = () => {
    open = false;
    stop?.();
  };
  const cut = () => {
    finish();
    socket.terminate();
  };
  const sent = () => {
    frames += 1;
    if (dropAfter !== undefined && frames >= dropAfter) cut();
  };
  const sink: StreamSink = {
    send(text) {
      if (!open) return;
      socket.sendText(text);
      sent();
    },
    sendBytes(data) {
      if (!open) return;
      socket.sendBytes(data);
      sent();
    },
    close(code, reason) {
      if (!open) return;
      finish();
      socket.close(code, reason);
    },
    drop() {
      if (open) cut();
    },
  };
  if (dropAfter === 0) cut();
  else {
    stop = stream.attach(sink);
    if (!open) stop();
  }
  return {
    message(data, binary) {
      if (!open) return;
      if (stream.receive) return stream.receive(data, sink, binary);
      // A write-only stream, as coderd's (wsjson with CloseRead): a client data frame is a policy violation.
      finish();
      const close = stream.clientFrameClose ?? { code: 1008, reason: "unexpected data message" };
      socket.close(close.code, close.reason);
    },
    gone: finish,
  };
}
