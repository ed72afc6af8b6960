import { describe, expect, it } from "vitest";
import { BLOCK, writeHeader } from "../../src/archive/ustar.js";
import { ArchiveEncodingError } from "../../src/errors/archive.js";
import { CoderError } from "../../src/errors/base.js";

describe("ustar header writer", () => {
  const header = () => new Uint8Array(BLOCK);
  it("writes a header for a name that fits", () => {
    const out = header();
    writeHeader(out, 0, { name: "main.tf", mode: 0o644, mtime: 0, data: new Uint8Array(3) });
    expect(Buffer.from(out.subarray(0, 7)).toString()).toBe("main.tf");
  });
  it("refuses a name ustar cannot hold with the SDK's typed error", () => {
    const long = `${"d".repeat(200)}/${"f".repeat(120)}`;
    const write = () =>
      writeHeader(header(), 0, { name: long, mode: 0o644, mtime: 0, data: new Uint8Array() });
    expect(write).toThrow(ArchiveEncodingError);
    expect(write).toThrow(CoderError);
  });
  it("refuses a number wider than its field with the typed error", () => {
    const write = () =>
      writeHeader(header(), 0, { name: "a", mode: 0o644, mtime: 8 ** 12, data: new Uint8Array() });
    expect(write).toThrow(ArchiveEncodingError);
  });
});
