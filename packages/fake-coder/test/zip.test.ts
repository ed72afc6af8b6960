/**
 * Zip uploads converted to tar as `archive.CreateTarFromZip` does. A real Coder was sent a zip whose first entry
 * expands to 100 MiB + 1 byte (`audit-answers.json`); the limit is a parameter, so a 1 KiB one shows the same.
 */
import { crc32, createDeflateRaw } from "node:zlib";
import { describe, expect, it } from "vitest";
import { readZip, ZipError } from "../src/archive.js";
import { realAnswer } from "./real/answers.js";

/** A zip of deflated entries of zero bytes, `size` each, as Python's `zipfile` writes it. */
async function deflatedZip(entries: { name: string; size: number }[]): Promise<Uint8Array<ArrayBuffer>> {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const { name, size } of entries) {
    const zeros = Buffer.alloc(Math.min(size, 1 << 20));
    const deflate = createDeflateRaw();
    const compressed: Buffer[] = [];
    deflate.on("data", (c: Buffer) => compressed.push(c));
    const ended = new Promise((resolve) => deflate.on("end", resolve));
    let crc = 0;
    for (let left = size; left > 0; left -= zeros.byteLength) {
      const chunk = zeros.subarray(0, Math.min(left, zeros.byteLength));
      crc = crc32(chunk, crc);
      deflate.write(chunk);
    }
    deflate.end();
    await ended;
    const data = Buffer.concat(compressed);
    const fileName = Buffer.from(name);
    const header = (signature: number, length: number) => {
      const b = Buffer.alloc(length);
      b.writeUInt32LE(signature, 0);
      return b;
    };
    const local = header(0x04034b50, 30);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.byteLength, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(fileName.byteLength, 26);
    const entry = header(0x02014b50, 46);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(data.byteLength, 20);
    entry.writeUInt32LE(size, 24);
    entry.writeUInt16LE(fileName.byteLength, 28);
    entry.writeUInt32LE(offset, 42);
    parts.push(local, fileName, data);
    central.push(entry, fileName);
    offset += local.byteLength + fileName.byteLength + data.byteLength;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.byteLength, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...parts, directory, end]));
}

describe("readZip", () => {
  it("cuts each entry at the limit: one longer entry fails the next tar header, as coderd answers (500)", async () => {
    const zip = await deflatedZip([
      { name: "a.tf", size: 1025 },
      { name: "b.tf", size: 4 },
    ]);
    const failure = await readZip(zip, 1024).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ZipError);
    const { status, message, detail } = failure as ZipError;
    expect({ status, body: { message, detail } }).toEqual(
      realAnswer("files.zip-entry-over-100MiB-then-another"),
    );
  });

  it("stores a longer last entry cut at the limit, and has no limit on the whole", async () => {
    const zip = await deflatedZip([
      { name: "a.tf", size: 1000 },
      { name: "b.tf", size: 1000 },
      { name: "c.tf", size: 1500 },
    ]);
    const files = await readZip(zip, 1024);
    expect(files.map((f) => [f.path, f.data.byteLength])).toEqual([
      ["a.tf", 1000],
      ["b.tf", 1000],
      ["c.tf", 1024],
    ]);
  });

  it("says a zip it cannot open is not a valid zip file (400)", async () => {
    const failure = (await readZip(new Uint8Array([1, 2, 3]), 1024).catch((e: unknown) => e)) as ZipError;
    expect({ status: failure.status, body: { message: failure.message, detail: failure.detail } }).toEqual(
      realAnswer("files.corrupt-zip"),
    );
  });
});
