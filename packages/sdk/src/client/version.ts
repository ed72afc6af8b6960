/**
 * The Coder versions this SDK was tested against (the contract in `openapi/coder.yaml` was written from coder
 * v2.36.x). Outside the range the SDK still works, but warns once.
 */
export const TESTED_CODER_VERSIONS = { min: [2, 30], maxExclusive: [2, 38] } as const;

/** Reads `v2.36.1+abc1234` or `v2.37.0-devel+sha` into `[major, minor]`, or undefined when it is not semver. */
export function parseCoderVersion(version: string): [number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)\.\d+/.exec(version.trim());
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/**
 * True when `version` is inside {@link TESTED_CODER_VERSIONS}, or a build of Coder's main branch from source
 * (`v0.0.0-devel+<commit>`: no release tag; the real-server suite runs against one); other unparsable versions
 * count as untested.
 */
export function isTestedCoderVersion(version: string): boolean {
  if (/^v0\.0\.0-devel(\+|$)/.test(version.trim())) return true;
  const parsed = parseCoderVersion(version);
  if (!parsed) return false;
  const n = parsed[0] * 1000 + parsed[1];
  const { min, maxExclusive } = TESTED_CODER_VERSIONS;
  return n >= min[0] * 1000 + min[1] && n < maxExclusive[0] * 1000 + maxExclusive[1];
}
