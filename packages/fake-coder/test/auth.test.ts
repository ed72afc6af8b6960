import { describe, expect, it } from "vitest";
import { MODES, useMode } from "./helpers.js";

const SIGNED_OUT = "You are signed out or your session has expired. Please sign in again to continue.";

describe.each(MODES)("auth (%s)", (mode) => {
  const launch = useMode(mode);

  it("seeds an owner whose token has Coder's format", async () => {
    const h = await launch();
    expect(h.token).toMatch(/^[a-zA-Z0-9]{10}-[a-zA-Z0-9]{22}$/);
    const res = await h.api("/api/v2/users/me");
    expect(res.status).toBe(200);
    const me = await res.json();
    expect(me).toMatchObject({
      username: "admin",
      status: "active",
      roles: [{ name: "owner", display_name: "Owner" }],
    });
  });

  it("logs out: the session token's key is deleted, so the token stops working, and the cookie is cleared", async () => {
    const h = await launch();
    const res = await h.api("/api/v2/users/logout", { method: "POST" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ message: "Logged out!" });
    if (mode === "server")
      expect(res.headers.get("set-cookie")).toBe("coder_session_token=; Path=/; Max-Age=0");
    const after = await h.api("/api/v2/users/me");
    expect(after.status).toBe(401);
    expect((await after.json()).detail).toBe("API key is invalid.");
  });

  it("makes another session token with POST /users/me/keys; logging out with it leaves the first working", async () => {
    const h = await launch();
    const res = await h.api("/api/v2/users/me/keys", { method: "POST", body: "{}" });
    expect(res.status).toBe(201);
    const { key } = (await res.json()) as { key: string };
    expect(key).toMatch(/^[a-zA-Z0-9]{10}-[a-zA-Z0-9]{22}$/);
    expect((await h.api("/api/v2/users/me", { token: key })).status).toBe(200);
    expect((await h.api("/api/v2/users/logout", { method: "POST", token: key })).status).toBe(200);
    expect((await h.api("/api/v2/users/me", { token: key })).status).toBe(401);
    expect((await h.api("/api/v2/users/me")).status).toBe(200);
  });

  it("accepts Authorization: Bearer (any case of the prefix)", async () => {
    const h = await launch();
    const res = await h.api("/api/v2/users/me", {
      token: null,
      headers: { Authorization: `bearer ${h.token}` },
    });
    expect(res.status).toBe(200);
  });

  it("answers a missing token with Coder's 401 body and WWW-Authenticate", async () => {
    const h = await launch();
    const res = await h.api("/api/v2/users/me", { token: null });
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer realm="coder", error="invalid_token"/);
    expect(await res.json()).toEqual({
      message: SIGNED_OUT,
      detail: 'Cookie "coder_session_token" or query parameter must be provided.',
    });
  });

  it.each([
    ["not-a-token-at-all", "Invalid API key format: incorrect amount of API key parts, expected 2 got 5"],
    ["abc", "Invalid API key format: incorrect amount of API key parts, expected 2 got 1"],
    ["short-aaaaaaaaaaaaaaaaaaaaaa", "Invalid API key format: invalid API key ID length, expected 10 got 5"],
    ["aaaaaaaaaa-aaaaaaaaaaaaaaaaaaaaaa", "API key is invalid."],
  ])("tells token %s apart: %s", async (token, detail) => {
    const h = await launch();
    const res = await h.api("/api/v2/users/me", { token });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: SIGNED_OUT, detail });
  });

  it("rejects a known id with the wrong secret", async () => {
    const h = await launch();
    const wrong = `${h.token.slice(0, 11)}${"x".repeat(22)}`;
    const res = await h.api("/api/v2/users/me", { token: wrong });
    expect((await res.json()).detail).toBe("API key secret is invalid.");
  });

  it("resolves me, a username and an id to the same user", async () => {
    const h = await launch();
    const me = await (await h.api("/api/v2/users/me")).json();
    const byName = await (await h.api("/api/v2/users/ADMIN")).json();
    const byId = await (await h.api(`/api/v2/users/${me.id}`)).json();
    expect(byName.id).toBe(me.id);
    expect(byId.id).toBe(me.id);
    expect((await h.api("/api/v2/users/nobody")).status).toBe(404);
  });

  it("seeds a default organization named coder", async () => {
    const h = await launch();
    const orgs = await (await h.api("/api/v2/users/me/organizations")).json();
    expect(orgs).toHaveLength(1);
    expect(orgs[0]).toMatchObject({ name: "coder", is_default: true });
    const byAlias = await (await h.api("/api/v2/organizations/default")).json();
    const byName = await (await h.api("/api/v2/organizations/coder")).json();
    expect(byAlias.id).toBe(orgs[0].id);
    expect(byName.id).toBe(orgs[0].id);
    const one = await h.api("/api/v2/users/me/organizations/coder");
    expect(one.status).toBe(200);
  });

  it("seeds more users and organizations, with their own tokens and memberships", async () => {
    const h = await launch({
      organizations: ["eng"],
      users: [
        { username: "alice", organizations: ["coder", "eng"] },
        { username: "bob", status: "suspended" },
      ],
    });
    const alice = h.state.tokenOf("alice");
    const me = await (await h.api("/api/v2/users/me", { token: alice })).json();
    expect(me.username).toBe("alice");
    expect(me.roles).toEqual([]);
    const orgs = await (await h.api("/api/v2/users/me/organizations", { token: alice })).json();
    expect(orgs.map((o: { name: string }) => o.name).sort()).toEqual(["coder", "eng"]);
    // The owner sees every organization; a member only theirs.
    expect(await (await h.api("/api/v2/organizations")).json()).toHaveLength(2);
    const bob = await h.api("/api/v2/users/me", { token: h.state.tokenOf("bob") });
    expect(bob.status).toBe(401);
    expect((await bob.json()).message).toBe(
      'User is not active (status = "suspended"). Contact an admin to reactivate your account.',
    );
  });

  it("lets members read but not create templates", async () => {
    const h = await launch({ users: [{ username: "alice" }] });
    const res = await h.api("/api/v2/organizations/default/templateversions", {
      token: h.state.tokenOf("alice"),
      method: "POST",
      json: { storage_method: "file", provisioner: "terraform", file_id: crypto.randomUUID() },
    });
    expect(res.status).toBe(403);
    expect((await res.json()).message).toBe("Forbidden.");
  });

  it("ignores a bad token on buildinfo", async () => {
    const h = await launch();
    const res = await h.api("/api/v2/buildinfo", { token: "garbage" });
    expect(res.status).toBe(200);
  });
});
