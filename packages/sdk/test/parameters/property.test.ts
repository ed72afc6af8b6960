import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { atoi, goQuote } from "../../src/parameters/go.js";
import { resolveParameter, resolveParameters, translateRe2 } from "../../src/parameters/index.js";
import type { TemplateVersionParameter } from "../../src/types.js";
import { options, param } from "./helpers.js";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const shortText = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom("true", "false", "1", "-5", "[]", '["a"]', "a"),
);

/** Any parameter definition, valid or not, built from the fields that change the outcome. */
const anyParam: fc.Arbitrary<TemplateVersionParameter> = fc
  .record(
    {
      type: fc.constantFrom("string", "number", "bool", "list(string)"),
      form_type: fc.constantFrom("", "multi-select", "input"),
      mutable: fc.boolean(),
      required: fc.boolean(),
      ephemeral: fc.boolean(),
      default_value: shortText,
      options: fc.array(shortText, { maxLength: 3 }).map((values) => options(...new Set(values))),
      validation_min: fc.option(fc.integer({ min: -10, max: 10 }), { nil: undefined }),
      validation_max: fc.option(fc.integer({ min: -10, max: 10 }), { nil: undefined }),
      validation_monotonic: fc.option(fc.constantFrom("increasing", "decreasing"), { nil: undefined }),
      validation_regex: fc.option(fc.constantFrom("^a", "[0-9]", "(?i)^x$"), { nil: undefined }),
      validation_error: fc.option(fc.constantFrom("bad {value}", "need {min}..{max}"), { nil: undefined }),
    },
    { requiredKeys: ["type", "form_type", "mutable", "required", "ephemeral", "default_value", "options"] },
  )
  .map((fields) => param(fields as Partial<TemplateVersionParameter>));

describe("resolveParameters agrees with resolveParameter", () => {
  it("never accepts a value resolveParameter rejects, and resolves to the same value", () => {
    fc.assert(
      fc.property(
        anyParam,
        fc.option(shortText, { nil: undefined }),
        fc.option(shortText, { nil: undefined }),
        (p, value, previousValue) => {
          const single = resolveParameter(p, { value, previousValue });
          const inputs: Record<string, string> = value === undefined ? {} : { [p.name]: value };
          const previous = previousValue === undefined ? [] : [{ name: p.name, value: previousValue }];
          const all = resolveParameters([p], inputs, previous);
          expect(all.ok).toBe(single.ok);
          if (single.ok && all.ok) expect(all.values).toEqual([{ name: p.name, value: single.value }]);
          if (!single.ok && !all.ok) expect(all.problems.map((x) => x.message)).toEqual([single.error]);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("number rules", () => {
  it("always accepts integers within [min, max] and rejects the ones outside", () => {
    fc.assert(
      fc.property(int32, int32, fc.bigInt({ min: INT64_MIN, max: INT64_MAX }), (a, b, n) => {
        const [min, max] = a <= b ? [a, b] : [b, a];
        const p = param({ type: "number", validation_min: min, validation_max: max });
        const result = resolveParameter(p, { value: String(n) });
        if (n >= BigInt(min) && n <= BigInt(max)) expect(result).toEqual({ ok: true, value: String(n) });
        else if (n < BigInt(min))
          expect(result).toEqual({ ok: false, error: `value ${n} is less than the minimum ${min}` });
        else expect(result).toEqual({ ok: false, error: `value ${n} is more than the maximum ${max}` });
      }),
    );
  });

  it("parses like Go's Atoi: decimal int64 only", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: INT64_MIN * 4n, max: INT64_MAX * 4n }), (n) => {
        expect(atoi(String(n))).toBe(n >= INT64_MIN && n <= INT64_MAX ? n : undefined);
      }),
    );
    fc.assert(
      fc.property(fc.string(), (s) => {
        if (!/^[+-]?[0-9]+$/.test(s)) expect(atoi(s)).toBeUndefined();
      }),
    );
  });
});

describe("bool", () => {
  it('accepts exactly "true" and "false"', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.constantFrom("true", "false", "TRUE", "True", "1", "t")),
        (value) => {
          const result = resolveParameter(param({ type: "bool", default_value: "false" }), { value });
          const expected = value === "" ? "false" : value;
          expect(result.ok).toBe(expected === "true" || expected === "false");
        },
      ),
    );
  });
});

describe("list(string)", () => {
  it("accepts every JSON list of strings", () => {
    fc.assert(
      fc.property(fc.array(fc.string()), (items) => {
        const value = JSON.stringify(items);
        expect(resolveParameter(param({ type: "list(string)" }), { value })).toEqual({ ok: true, value });
      }),
    );
  });

  it("accepts a multi-select list exactly when every element is an option", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", "b", "c", "d")), (items) => {
        const p = param({ type: "list(string)", form_type: "multi-select", options: options("a", "b", "c") });
        const result = resolveParameter(p, { value: JSON.stringify(items) });
        expect(result.ok).toBe(!items.includes("d"));
      }),
    );
  });
});

describe("regex translation", () => {
  /** Go's regexp.QuoteMeta. */
  const quoteMeta = (s: string) => s.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");

  it("an anchored QuoteMeta of any string matches exactly that string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme" }), (s, other) => {
        const t = translateRe2(`^${quoteMeta(s)}$`);
        expect(t.ok).toBe(true);
        if (!t.ok) return;
        expect(t.regexp.test(s)).toBe(true);
        if (other !== s) expect(t.regexp.test(other)).toBe(false);
      }),
    );
  });

  it("goQuote matches JSON quoting for printable ASCII", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(..." !\"#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~") }),
        (s) => {
          expect(goQuote(s)).toBe(JSON.stringify(s));
        },
      ),
    );
  });
});
