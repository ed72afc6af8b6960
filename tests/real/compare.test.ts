// The comparison the replay relies on, on small hand-made exchanges: what it must see, and what it must let
// pass (a poll repeated a different number of times, a field null only while a build was pending).
import { describe, expect, it } from "vitest";
import { compareExchanges } from "./support/compare.js";
import { normaliseExchanges } from "./support/normalise.js";
import type { Exchange } from "./support/recorder.js";

const get = (path: string, body: unknown, status = 200): Exchange => ({
  method: "GET",
  path,
  query: [],
  status,
  body,
});
const post = (path: string, body: unknown, status = 201): Exchange => ({
  method: "POST",
  path,
  query: [],
  status,
  body,
});

describe("compareExchanges", () => {
  it("lets a poll repeat a different number of times, and a field be null only in some answers", () => {
    const real = [
      post("/api/v2/x", { id: "<id:1>" }),
      get("/api/v2/y", { at: null }),
      get("/api/v2/y", { at: "t" }),
    ];
    const fake = [post("/api/v2/x", { id: "<id:1>" }), get("/api/v2/y", { at: "t" })];
    expect(compareExchanges(real, fake)).toEqual([]);
  });

  it("reports a request sent to one side only, unless it is a repeated GET", () => {
    const real = [post("/api/v2/x", {}), post("/api/v2/z", {}), get("/api/v2/y", {})];
    const fake = [post("/api/v2/x", {}), get("/api/v2/y", {}), get("/api/v2/q", {})];
    expect(compareExchanges(real, fake)).toEqual([
      "POST /api/v2/z → 201: sent only to the real Coder",
      "GET /api/v2/q → 200: sent only to the fake",
    ]);
  });

  it("lets concurrent changes interleave in another order, but counts them", () => {
    const a = post("/api/v2/a", {});
    const b = post("/api/v2/b", {});
    expect(compareExchanges([a, b, a], [a, a, b])).toEqual([]);
    expect(compareExchanges([a, b, a], [a, b])).toEqual([
      "POST /api/v2/a → 201: sent only to the real Coder",
    ]);
  });

  it("reads two log streams cut before the end as agreeing when one's stages begin the other's", () => {
    const logs = (...stages: string[]): Exchange => ({
      method: "GET",
      path: "/api/v2/workspacebuilds/<id:1>/logs",
      query: [],
      status: 101,
      websocket: true,
      frames: stages.map((stage, id) => ({ id, stage })),
    });
    expect(compareExchanges([logs("Setting up")], [logs("Setting up", "Planning")])).toEqual([]);
    expect(compareExchanges([logs("Setting up", "Cleaning Up")], [logs("Setting up")])).toHaveLength(1);
  });

  it("reports a status, a message, validations, a key and a type that differ", () => {
    const error = (message: string, field: string) => ({ message, validations: [{ field, detail: "bad" }] });
    const real = [post("/api/v2/x", error("No.", "a"), 400), get("/api/v2/y", { a: 1, b: [{ c: "s" }] })];
    const fake = [
      post("/api/v2/x", error("Nope.", "b"), 400),
      get("/api/v2/y", { a: "1", b: [{}], d: true }),
    ];
    expect(compareExchanges(real, fake)).toEqual([
      'POST /api/v2/x 400: message "No." on the real Coder, "Nope." on the fake',
      'POST /api/v2/x 400: validations [{"field":"a","detail":"bad"}] on the real Coder, [{"field":"b","detail":"bad"}] on the fake',
      "GET /api/v2/y 200: a is number on the real Coder, string on the fake",
      "GET /api/v2/y 200: b[] has c on the real Coder, not on the fake",
      "GET /api/v2/y 200: the answer has d on the fake, not on the real Coder",
    ]);
  });

  it("reports a field that is always null on one side", () => {
    expect(compareExchanges([get("/api/v2/y", { p: null })], [get("/api/v2/y", { p: [] })])).toEqual([
      "GET /api/v2/y 200: p is null on the real Coder, array on the fake",
    ]);
  });

  it("compares a log stream's stages in order, and CLI exit codes", () => {
    const logs = (...stages: string[]): Exchange => ({
      method: "GET",
      path: "/api/v2/workspacebuilds/<id:1>/logs",
      query: [],
      status: 101,
      websocket: true,
      frames: stages.map((stage, id) => ({ id, stage, output: "" })),
    });
    const cli = (status: number): Exchange => ({ method: "CLI", path: "spt-coder up", query: [], status });
    expect(
      compareExchanges([logs("Setting up", "Planning"), cli(0)], [logs("Planning", "Setting up"), cli(5)]),
    ).toEqual([
      'GET /api/v2/workspacebuilds/{id}/logs (WebSocket): log stages ["Setting up","Planning"] on the real Coder, ["Planning","Setting up"] on the fake',
      "CLI spt-coder up: status 0 on the real Coder, 5 on the fake",
    ]);
  });
});

describe("normaliseExchanges", () => {
  it("keeps no secret, id, time, port, prefix or owner name", () => {
    const token = "abcdEFGH12-abcdefghijklmnopqrstuv";
    const raw: Exchange[] = [
      post("/api/v2/users/alice/workspaces", {
        id: "6c1e0d3a-1b2c-4d5e-8f90-123456789abc",
        owner_name: "alice",
        name: "sptr-1a2b3c-up-ws",
        created_at: "2026-12-07T05:06:20.123456Z",
        url: "http://127.0.0.1:40727/@alice/x",
        note: `token ${token}`,
      }),
    ];
    const [out] = normaliseExchanges(raw, {
      prefix: "sptr-1a2b3c-",
      owner: { username: "alice", email: "alice@example.com" },
      secrets: [token],
    });
    expect(out).toEqual(
      post("/api/v2/users/<owner>/workspaces", {
        id: "<id:1>",
        owner_name: "<owner>",
        name: "<prefix>-up-ws",
        created_at: "<time>",
        url: "http://127.0.0.1:<port>/@<owner>/x",
        note: "token <secret>",
      }),
    );
  });
});
