import { unwrap } from "../client/unwrap.js";
import { type Api, type CallInit, init } from "./api.js";

/** Media types `POST /files` accepts; Coder compares the header exactly, parameters included. */
export type ArchiveMediaType = "application/x-tar" | "application/zip" | "application/x-zip-compressed";

/** Files: template archives. */
export function filesResource(api: Api) {
  return {
    /**
     * Uploads archive bytes as the raw body (not multipart). Coder dedups by sha256 per uploader: `created` is
     * false when it answered 200 with the id of a file it already had. The upload is content-addressed, so it is
     * safe to retry. The answer's `hash` key holds the file *id* (a UUID), not a hash.
     */
    async upload(
      bytes: Uint8Array,
      call?: CallInit & { contentType?: ArchiveMediaType },
    ): Promise<{ id: string; created: boolean }> {
      const pending = api.POST("/api/v2/files", {
        body: bytes as never,
        bodySerializer: (body: unknown) => body as BodyInit,
        headers: { "Content-Type": call?.contentType ?? "application/x-tar" },
        ...init(call, { sptRetry: true }),
      });
      const { response } = await pending;
      const data = await unwrap(pending);
      return { id: data.hash, created: response.status === 201 };
    },
    /** Downloads a stored archive (tar, or zip when asked). */
    async download(id: string, call?: CallInit & { format?: "zip" }): Promise<Uint8Array> {
      const data = await unwrap(
        api.GET("/api/v2/files/{fileID}", {
          params: { path: { fileID: id }, query: call?.format ? { format: call.format } : {} },
          parseAs: "arrayBuffer",
          ...init(call, { sptRaw: true }),
        }),
      );
      return new Uint8Array(data as unknown as ArrayBuffer);
    },
  };
}
