/**
 * A small path router over the Fetch API. Patterns use `{name}` segments as chi does.
 */
import type { FakeContext } from "./context.js";
import type { UserRecord } from "./state.js";

/** What a handler gets. */
export interface RouteContext {
  request: Request;
  url: URL;
  params: Record<string, string>;
  /** The authenticated user (routes with `auth: false` get the seeded owner as a placeholder). */
  user: UserRecord;
  core: FakeContext;
}

/** Where a stream's frames go. */
export interface StreamSink {
  /** A text frame. */
  send(text: string): void;
  /** A binary frame (the terminal's output). */
  sendBytes(data: Uint8Array): void;
  close(code: number, reason: string): void;
  /** Ends the connection without a close frame, as coderd ends a terminal whose session ended. */
  drop(): void;
}

/**
 * A WebSocket stream a handler asks for (a `?follow` log route). Plain HTTP turns it into 426; the server upgrades.
 */
export interface FollowStream {
  readonly kind: "follow";
  /**
   * How the server closes when the client sends a data frame. Log streams: 1008 (wsjson's CloseRead); one-way
   * event streams such as watch-ws: 1002.
   */
  readonly clientFrameClose?: { code: number; reason: string };
  /** Starts sending; returns a function that stops it (when the client goes away). */
  attach(sink: StreamSink): () => void;
  /** Two-way streams (dynamic parameters, terminals) take the client's frames here instead of closing on them. */
  receive?(data: string, sink: StreamSink, binary: boolean): void;
}

/** A handler answers with a Response or asks for a WebSocket stream. */
export type HandlerResult = Response | FollowStream;
/** One route's handler. */
export type Handler = (ctx: RouteContext) => Promise<HandlerResult> | HandlerResult;

/** One route. */
export interface Route {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  pattern: string;
  /** Default true: a session is required. */
  auth?: boolean;
  handler: Handler;
}

interface Compiled extends Route {
  regex: RegExp;
  keys: string[];
}

/** The result of matching a path. */
export type Match = { route: Route; params: Record<string, string> } | { methodNotAllowed: true } | undefined;

/** Compiles the routes once and matches requests against them. */
export class Router {
  private readonly routes: Compiled[];

  constructor(routes: Route[]) {
    this.routes = routes.map((route) => {
      const keys: string[] = [];
      const source = route.pattern
        .split("/")
        .map((segment) => {
          const m = /^\{(\w+)\}$/.exec(segment);
          if (!m) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          keys.push(m[1]!);
          return "([^/]+)";
        })
        .join("/");
      return { ...route, regex: new RegExp(`^${source}$`), keys };
    });
  }

  match(method: string, path: string): Match {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((key, i) => {
        params[key] = decodeURIComponent(m[i + 1]!);
      });
      return { route, params };
    }
    return pathMatched ? { methodNotAllowed: true } : undefined;
  }
}

/** True when the handler asked for a WebSocket stream. */
export function isFollow(result: HandlerResult): result is FollowStream {
  return (result as FollowStream).kind === "follow";
}
