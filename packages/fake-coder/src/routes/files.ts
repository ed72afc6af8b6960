/**
 * `POST /files` (raw body, exact Content-Type, 100 MiB, zips stored as tar, dedup per uploader) and
 * `GET /files/{id}` (optionally converted to zip), as `coderd/files.go`.
 */
import { createHash } from "node:crypto";
import { readTar, readZip, writeTar, writeZip, ZipError } from "../archive.js";
import { ApiError, json, notFound } from "../http.js";
import { isUuid, newId, nowIso } from "../ids.js";
import type { Route } from "../router.js";
import { isOwner } from "./common.js";

/** `HTTPFileMaxBytes`: 10 * (10 << 20). */
export const MAX_FILE_BYTES = 10 * (10 << 20);
const TAR = "application/x-tar";
const ZIP_TYPES = ["application/zip", "application/x-zip-compressed"];

function tooLarge(): ApiError {
  return new ApiError(400, "Failed to read file from request.", "http: request body too large");
}

/** Routes of this group. */
export const fileRoutes: Route[] = [
  {
    method: "POST",
    pattern: "/api/v2/files",
    handler: async ({ request, user, core }) => {
      // Compared exactly: `application/x-tar; charset=binary` is rejected like any other type.
      const contentType = request.headers.get("content-type") ?? "";
      if (contentType !== TAR && !ZIP_TYPES.includes(contentType)) {
        throw new ApiError(400, `Unsupported content type header "${contentType}".`);
      }
      // `http.MaxBytesReader` fails the read past the limit, and the handler answers that as a bad request.
      const declared = Number(request.headers.get("content-length") ?? "0");
      if (declared > MAX_FILE_BYTES) throw tooLarge();
      let data = new Uint8Array(await request.arrayBuffer());
      if (data.byteLength > MAX_FILE_BYTES) throw tooLarge();
      if (ZIP_TYPES.includes(contentType)) {
        try {
          data = await writeTar(await readZip(data, MAX_FILE_BYTES));
        } catch (err) {
          if (err instanceof ZipError) throw new ApiError(err.status, err.message, err.detail);
          throw err;
        }
      }
      const hash = createHash("sha256").update(data).digest("hex");
      for (const file of core.state.files.values()) {
        if (file.hash === hash && file.createdBy === user.id) return json(200, { hash: file.id });
      }
      const id = newId();
      core.state.files.set(id, { id, hash, createdBy: user.id, mimetype: TAR, data, createdAt: nowIso() });
      return json(201, { hash: id });
    },
  },
  {
    method: "GET",
    pattern: "/api/v2/files/{fileID}",
    handler: async (ctx) => {
      const raw = ctx.params.fileID ?? "";
      if (!isUuid(raw)) throw new ApiError(400, "File id must be a valid UUID.");
      const file = ctx.core.state.files.get(raw.toLowerCase());
      if (!file || (file.createdBy !== ctx.user.id && !isOwner(ctx))) throw notFound();
      const format = ctx.url.searchParams.get("format") ?? "";
      if (format === "") {
        return new Response(file.data, { status: 200, headers: { "Content-Type": file.mimetype } });
      }
      if (format !== "zip") throw new ApiError(400, "Unsupported conversion format.");
      if (file.mimetype !== TAR) throw new ApiError(400, "Only .tar files can be converted to .zip format");
      const zip = writeZip(await readTar(file.data));
      return new Response(zip, { status: 200, headers: { "Content-Type": "application/zip" } });
    },
  },
];
