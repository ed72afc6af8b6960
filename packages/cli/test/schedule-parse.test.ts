/**
 * `schedule start` without a zone, as the coder CLI answered it on a real Coder (`coder schedule start ws
 * 9:30AM`, recorded in packages/fake-coder/test/real/audit-answers.json): `$TZ` when set, else the machine's zone.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { UsageError } from "../src/errors.js";
import { machineZone, parseAutostart } from "../src/schedule-parse.js";

const recorded: Record<string, string> = JSON.parse(
  readFileSync(new URL("../../fake-coder/test/real/audit-answers.json", import.meta.url), "utf8"),
).answers["schedule.start-9:30AM"];

describe("parseAutostart without a zone", () => {
  it("uses the machine's zone when TZ is not set, as coder does (not UTC)", () => {
    expect(parseAutostart(["9:30AM"], {}, () => "Europe/Paris")).toBe(
      recorded["TZ unset, /etc/localtime -> Europe/Paris"],
    );
    expect(parseAutostart(["9:30AM"], {}, () => "Etc/UTC")).toBe(
      recorded["TZ unset, /etc/localtime -> Etc/UTC"],
    );
  });

  it("uses TZ when it is set, and UTC when it is set but empty", () => {
    expect(parseAutostart(["9:30AM"], { TZ: "" }, () => "Europe/Paris")).toBe(recorded["TZ="]);
    expect(parseAutostart(["9:30AM"], { TZ: "Asia/Tokyo" }, () => "Europe/Paris")).toBe(
      "CRON_TZ=Asia/Tokyo 30 9 * * *",
    );
  });

  it("takes a zone given on the command line over both", () => {
    expect(parseAutostart(["9:30AM", "Mon-Fri", "America/New_York"], { TZ: "Asia/Tokyo" }, () => "UTC")).toBe(
      "CRON_TZ=America/New_York 30 9 * * Mon-Fri",
    );
  });

  it("refuses a TZ that names no zone, where coder silently takes UTC", () => {
    expect(recorded["TZ=Nowhere/Land"]).toBe("CRON_TZ=UTC 30 9 * * *");
    expect(() => parseAutostart(["9:30AM"], { TZ: "Nowhere/Land" })).toThrow(UsageError);
    // A legacy name is a zone to Go's time.LoadLocation, so coder keeps it.
    expect(parseAutostart(["9:30AM"], { TZ: "EST5EDT" })).toBe("CRON_TZ=EST5EDT 30 9 * * *");
  });

  it("reads the machine's zone from the process (TZ included), UTC when it names none", () => {
    expect(machineZone()).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(parseAutostart(["9:30AM"], {}, () => "EST5EDT")).toBe("CRON_TZ=EST5EDT 30 9 * * *");
    expect(parseAutostart(["9:30AM"], {}, () => "Nowhere/Land")).toBe("CRON_TZ=UTC 30 9 * * *");
  });
});
