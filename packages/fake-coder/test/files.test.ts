import * as tar from "tar-stream";
import { describe, expect, it } from "vitest";
import { writeZip } from "../src/archive.js";
import { MODES, tarOf, useMode } from "./helpers.js";
import { realAnswer } from "./real/answers.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function entries(data: Uint8Array): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const extract = tar.extract();
  extract.on("entry", (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: unknown) => {
      chunks.push(c as Buffer);
    });
    stream.on("end", () => {
      out[header.name] = Buffer.concat(chunks).toString("utf8");
      next();
    });
  });
  const done = new Promise<void>((resolve) => extract.on("finish", () => resolve()));
  extract.end(Buffer.from(data));
  await done;
  return out;
}

describe.each(MODES)("files (%s)", (mode) => {
  const launch = useMode(mode);
  const post = (
    h: Awaited<ReturnType<typeof launch>>,
    body: Uint8Array<ArrayBuffer>,
    type: string,
    token?: string,
  ) =>
    h.api("/api/v2/files", {
      method: "POST",
      headers: { "Content-Type": type },
      body,
      ...(token ? { token } : {}),
    });

  it("stores a raw tar body and answers 201 with {hash: <file id>}", async () => {
    const h = await launch();
    const data = await tarOf({ "main.tf": "# hello\n" });
    const res = await post(h, data, "application/x-tar");
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(Object.keys(body)).toEqual(["hash"]);
    expect(body.hash).toMatch(UUID);
    const download = await h.api(`/api/v2/files/${body.hash}`);
    expect(download.headers.get("content-type")).toBe("application/x-tar");
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(data);
  });

  it("deduplicates per uploader: 200 with the same id for the same user, a new id for another", async () => {
    const h = await launch({ users: [{ username: "alice" }] });
    const data = await tarOf({ "main.tf": "# same\n" });
    const first = await (await post(h, data, "application/x-tar")).json();
    const again = await post(h, data, "application/x-tar");
    expect(again.status).toBe(200);
    expect((await again.json()).hash).toBe(first.hash);
    const other = await post(h, data, "application/x-tar", h.state.tokenOf("alice"));
    expect(other.status).toBe(201);
    expect((await other.json()).hash).not.toBe(first.hash);
  });

  it.each(["application/x-tar; charset=binary", "application/octet-stream", "multipart/form-data"])(
    "compares Content-Type exactly: %s is a 400",
    async (type) => {
      const h = await launch();
      const res = await post(h, await tarOf({ "main.tf": "" }), type);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ message: `Unsupported content type header "${type}".` });
    },
  );

  it.each(["application/zip", "application/x-zip-compressed"])(
    "accepts %s and stores it as a tar",
    async (type) => {
      const h = await launch();
      const zip = writeZip([{ path: "main.tf", data: new TextEncoder().encode("# zipped\n") }]);
      const res = await post(h, zip, type);
      expect(res.status).toBe(201);
      const { hash } = await res.json();
      const download = await h.api(`/api/v2/files/${hash}`);
      expect(download.headers.get("content-type")).toBe("application/x-tar");
      expect(await entries(new Uint8Array(await download.arrayBuffer()))).toEqual({
        "main.tf": "# zipped\n",
      });
      const asZip = await h.api(`/api/v2/files/${hash}?format=zip`);
      expect(asZip.headers.get("content-type")).toBe("application/zip");
    },
  );

  it("rejects a corrupt zip and an unknown conversion format", async () => {
    const h = await launch();
    const bad = await post(h, new Uint8Array([1, 2, 3]), "application/zip");
    expect({ status: bad.status, body: await bad.json() }).toEqual(realAnswer("files.corrupt-zip"));
    const { hash } = await (await post(h, await tarOf({ "a.tf": "" }), "application/x-tar")).json();
    const res = await h.api(`/api/v2/files/${hash}?format=rar`);
    expect(res.status).toBe(400);
    expect((await res.json()).message).toBe("Unsupported conversion format.");
    const badId = await h.api("/api/v2/files/nope");
    expect(await badId.json()).toEqual({ message: "File id must be a valid UUID." });
  });

  it("refuses an upload over 100 MiB as a real Coder does: 400, not 413", async () => {
    const h = await launch();
    const res = await post(h, new Uint8Array(100 * 1024 * 1024 + 1), "application/x-tar");
    expect({ status: res.status, body: await res.json() }).toEqual(realAnswer("files.over-100MiB"));
  });
});
