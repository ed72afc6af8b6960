// A user's answer has the keys Coder f524e00d sent (tests/real recordings): `avatar_url` and `theme_preference`
// are `omitempty` in codersdk, so a user without an avatar or a theme has neither.
import { describe, expect, it } from "vitest";
import { type AnyJson, MODES, pushTemplate, useMode } from "./helpers.js";

describe.each(MODES)("user answers (%s)", (mode) => {
  const launch = useMode(mode);

  it("leave out an empty avatar_url and theme_preference, in a user and in a version's created_by", async () => {
    const h = await launch();
    const me = (await (await h.api("/api/v2/users/me")).json()) as AnyJson;
    expect(Object.keys(me).sort()).toEqual(
      [
        "id",
        "username",
        "name",
        "email",
        "created_at",
        "updated_at",
        "last_seen_at",
        "status",
        "login_type",
        "organization_ids",
        "roles",
      ].sort(),
    );
    const { version } = await pushTemplate(h);
    expect(Object.keys(version.created_by).sort()).toEqual(["id", "name", "username"]);
  });
});
