import { describe, expect, it } from "vitest";
import { MODES, useMode } from "./helpers.js";

describe.each(MODES)("preflight and routing (%s)", (mode) => {
  const launch = useMode(mode);

  it("serves /buildinfo without a session", async () => {
    const h = await launch({ buildVersion: "v2.36.1+abc1234" });
    const res = await h.api("/api/v2/buildinfo", { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-coder-build-version")).toBe("v2.36.1+abc1234");
    const info = await res.json();
    expect(info).toMatchObject({ version: "v2.36.1+abc1234", dashboard_url: h.url, telemetry: false });
    expect(typeof info.deployment_id).toBe("string");
  });

  it("puts X-Coder-Build-Version on every response, errors included", async () => {
    const h = await launch();
    for (const [path, status] of [
      ["/api/v2/users/me", 200],
      ["/api/v2/templates/00000000-0000-0000-0000-000000000001", 404],
      ["/api/v2/does-not-exist", 404],
      ["/healthz", 200],
    ] as const) {
      const res = await h.api(path);
      expect(res.status, path).toBe(status);
      expect(res.headers.get("x-coder-build-version"), path).toBe("v2.36.1+c9a1e2b");
    }
    const unauthorized = await h.api("/api/v2/users/me", { token: null });
    expect(unauthorized.headers.get("x-coder-build-version")).toBe("v2.36.1+c9a1e2b");
  });

  it("answers unknown /api/v2 routes with Route not found.", async () => {
    const h = await launch();
    const res = await h.api("/api/v2/nothing/here");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await res.text()).toBe('{"message":"Route not found."}\n');
  });

  it("answers the API root with a wave and /healthz with OK", async () => {
    const h = await launch();
    expect(await (await h.api("/api/v2/", { token: null })).json()).toEqual({ message: "👋" });
    expect(await (await h.api("/healthz", { token: null })).text()).toBe("OK");
  });

  it("treats a malformed UUID path segment as a 400, not a 404", async () => {
    const h = await launch();
    const res = await h.api("/api/v2/workspacebuilds/not-a-uuid");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      message: 'Invalid UUID "not-a-uuid".',
      detail: "invalid UUID length: 10",
    });
  });

  it("answers a known path with the wrong method like chi: 405, empty body", async () => {
    const h = await launch();
    const res = await h.api("/api/v2/buildinfo", { method: "DELETE" });
    expect(res.status).toBe(405);
    expect(await res.text()).toBe("");
  });

  it("answers /regions without a wildcard hostname", async () => {
    const h = await launch();
    const { regions } = await (await h.api("/api/v2/regions")).json();
    expect(regions[0]).toMatchObject({ healthy: true, wildcard_hostname: "", path_app_url: h.url });
  });
});
