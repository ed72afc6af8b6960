import { describe, expect, it } from "vitest";
import { describeAllowedValues, translateRe2 } from "../../src/parameters/index.js";
import { options, param } from "./helpers.js";

function matches(pattern: string, value: string): boolean {
  const t = translateRe2(pattern);
  if (!t.ok) throw new Error(t.reason);
  return t.regexp.test(value);
}

describe("translateRe2 keeps Go's RE2 meaning", () => {
  // Each row is what Go's regexp.MatchString(pattern, value) returns.
  it.each([
    ["^[a-z]+$", "abc", true],
    ["^[a-z]+$", "abC", false],
    ["b", "abc", true],
    ["(?i)^abc$", "ABC", true],
    ["(?is)^a.b$", "A\nB", true],
    ["(?s)a.b", "a\nb", true],
    ["a.b", "a\nb", false],
    ["a.b", "a\rb", true],
    ["a.b", "a\u2028b", true],
    ["^.$", "😀", true],
    ["^..$", "😀", false],
    ["\\Aabc\\z", "abc", true],
    ["\\Aabc\\z", "abc\n", false],
    ["abc$", "abc\n", false],
    ["(?m)^b$", "a\nb\nc", true],
    ["(?m)^b$", "a\rb\rc", false],
    ["(?m)\\Ab", "a\nb", false],
    ["^\\s$", " ", true],
    ["^\\s$", "\v", false],
    ["^\\s$", "\u00a0", false],
    ["^[\\s]$", "\t", true],
    ["^\\S$", "\v", true],
    ["^a\\-b$", "a-b", true],
    ["^\\#\\_\\@\\ $", "#_@ ", true],
    ["^\\#\\@$", "#@", true],
    ["^a{$", "a{", true],
    ["^a{2}$", "aa", true],
    ["^x{,3}$", "x{,3}", true],
    ["^a}$", "a}", true],
    ["^a]$", "a]", true],
    ["^[]a]+$", "]a]", true],
    ["^[^]a]$", "b", true],
    ["^[[:alpha:]]+$", "abc", true],
    ["^[[:alpha:]]+$", "ab1", false],
    ["^[[:digit:][:upper:]]+$", "A1", true],
    ["^\\pL+$", "été", true],
    ["^\\p{Greek}+$", "αβ", true],
    ["^\\p{Greek}+$", "ab", false],
    ["^\\PL$", "1", true],
    ["^\\p{^L}$", "1", true],
    ["^\\x{e9}\\x41$", "éA", true],
    ["^\\101$", "A", true],
    ["^\\0$", "\0", true],
    ["^\\a$", "\x07", true],
    ["^\\Q.*+\\E$", ".*+", true],
    ["^\\Q.*+\\E$", "aaa", false],
    ["^\\Q[unterminated", "[unterminated", true],
    ["^(?P<year>\\d{4})-(?<month>\\d{2})$", "2024-05", true],
    ["^(?:ab)+$", "abab", true],
    ["^[a-c/|(){}]+$", "a/|(){}", true],
    ["^\\w+$", "é", false],
    ["^\\d+$", "٣", false],
    ["\\bword\\b", "a word here", true],
  ])("%j against %j → %s", (pattern, value, expected) => {
    expect(matches(pattern, value)).toBe(expected);
  });

  it.each([
    ["(?=a)", /lookarounds/],
    ["(?<!a)b", /lookarounds/],
    ["(?U)a+", /\(\?U\) flag/],
    ["a(?i)b", /flag groups/],
    ["(?i:a)", /flag groups/],
    ["(a)\\1", /backreferences/],
    ["[[:^alpha:]]", /POSIX class/],
    ["[[:nope:]]", /POSIX class/],
    ["[\\S]", /escape \\S/],
    ["\\C", /escape \\C/],
    ["\\p{Nope}", /JavaScript cannot compile it/],
    ["(unclosed", /JavaScript cannot compile it/],
    ["[abc", /unterminated character class/],
    ["abc\\", /trailing backslash/],
  ])("refuses %j", (pattern, reason) => {
    const t = translateRe2(pattern);
    expect(t.ok).toBe(false);
    expect(t.ok ? "" : t.reason).toMatch(reason);
  });
});

describe("describeAllowedValues", () => {
  it.each([
    [param({ options: options("eu", "us") }), 'one of "eu", "us"'],
    [
      param({ type: "list(string)", form_type: "multi-select", options: options("a", "b") }),
      'a JSON list of any of "a", "b"',
    ],
    [param({ type: "bool" }), "true or false"],
    [param({ type: "list(string)" }), 'a JSON list of strings, e.g. ["a","b"]'],
    [param({ type: "number" }), "a number"],
    [param({ type: "number", validation_min: 0, validation_max: 0 }), "an integer between 0 and 0"],
    [param({ type: "number", validation_min: 1 }), "an integer of at least 1"],
    [param({ type: "number", validation_max: 9 }), "an integer of at most 9"],
    [
      param({ type: "number", validation_monotonic: "increasing" }),
      "an integer, not lower than the previous value",
    ],
    [param({ validation_regex: "^a$", validation_error: "just a" }), "text matching ^a$ (just a)"],
    [param(), undefined],
  ])("%#", (p, expected) => {
    expect(describeAllowedValues(p)).toBe(expected);
  });

  it("shows the previous value for monotonic rules", () => {
    const p = param({ type: "number", validation_monotonic: "decreasing", validation_max: 10 });
    expect(describeAllowedValues(p, "7")).toBe(
      "an integer of at most 10, not higher than the previous value (7)",
    );
  });
});
