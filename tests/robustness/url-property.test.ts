// URL normalisation over arbitrary input. packages/sdk/test/client/url.test.ts checks idempotence on well-formed
// hosts; here the input is anything a user could type or paste, and the properties are the ones callers rely on.
import { CoderInvalidInputError, normalizeCoderUrl } from "@spt-coder/sdk";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const SECRET = "Pa55w0rdXYZ";

/** Strings built from URL-ish pieces, so that many of them parse, plus fully random text and real web URLs. */
const typed = fc.oneof(
  fc.string({ unit: fc.constantFrom(..."aZ09.-_:/?#@[]%~ \t!$&'()*+,;=é") }),
  fc.string(),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc
    .tuple(
      fc.constantFrom("", "http://", "https://", "HTTPS://", "ftp://", "//", "http:/"),
      fc.constantFrom("", `user:${SECRET}@`, `${SECRET}@`),
      fc.oneof(
        fc.domain(),
        fc.ipV4(),
        fc.constantFrom("localhost", "[::1]", "127.0.0.1", "xn--bcher-kva.ch"),
      ),
      fc.constantFrom("", ":0", ":80", ":443", ":3000", ":65535", ":65536", ":x"),
      fc.constantFrom("", "/", "//", "/coder", "/coder/", "/a b", "/%2F", "/../x", "/./"),
      fc.constantFrom("", "?", `?coder_session_token=${SECRET}`, "#", "#frag"),
    )
    .map((parts) => parts.join("")),
);

describe("normalizeCoderUrl on anything", () => {
  it("is idempotent, or throws CoderInvalidInputError without echoing a secret", () => {
    fc.assert(
      fc.property(typed, (input) => {
        let once: string;
        try {
          once = normalizeCoderUrl(input);
        } catch (error) {
          expect(error).toBeInstanceOf(CoderInvalidInputError);
          expect((error as Error).message).not.toContain(SECRET);
          return;
        }
        expect(normalizeCoderUrl(once)).toBe(once);
        // What it returns is a base URL a path can be appended to, with nothing secret in it.
        const url = new URL(once);
        expect(["http:", "https:"]).toContain(url.protocol);
        expect(url.username + url.password + url.search + url.hash).toBe("");
        expect(once.endsWith("/")).toBe(false);
        expect(once).not.toContain(SECRET);
      }),
      { numRuns: 3000 },
    );
  });

  // `URL.host` drops the userinfo anyway, so the property above would hold even without the credentials check:
  // this one says that credentials are refused, never silently dropped.
  it("refuses credentials in the authority instead of dropping them", () => {
    const withCredentials = fc
      .tuple(
        fc.constantFrom("http://", "https://", "HTTPS://", ""),
        fc.constantFrom(`user:${SECRET}@`, `${SECRET}@`, `:${SECRET}@`, `u%40x:${SECRET}@`),
        fc.oneof(fc.domain(), fc.ipV4(), fc.constantFrom("localhost", "[::1]")),
        fc.constantFrom("", ":8080", "/coder"),
      )
      .map((parts) => parts.join(""));
    fc.assert(
      fc.property(withCredentials, (input) => {
        expect(() => normalizeCoderUrl(input)).toThrow(CoderInvalidInputError);
        expect(() => normalizeCoderUrl(input)).toThrow(/credentials in the URL are not supported/);
        try {
          normalizeCoderUrl(input);
        } catch (error) {
          expect((error as Error).message).not.toContain(SECRET);
        }
      }),
      { numRuns: 500 },
    );
  });
});
