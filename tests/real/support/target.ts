// The Coder a scenario runs against: the real one named by the environment, or a fresh fake (the replay).
import { randomBytes } from "node:crypto";
import { startFakeCoder } from "@spt-coder/fake-coder";

/** A Coder to run scenarios on, and what a scenario needs to know about it. */
export interface Target {
  kind: "real" | "fake";
  url: string;
  /** An owner's session token. */
  token: string;
  /** The coder binary the test templates start as their agent (its path on the provisioner's host). */
  agentBinary: string;
  close(): Promise<void>;
}

/** Why the real suite does not run here, or undefined when it can. */
export function realSuiteSkipReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!env.CODER_URL || !env.CODER_SESSION_TOKEN) {
    return "no real Coder (set CODER_URL and CODER_SESSION_TOKEN, and run pnpm test:real)";
  }
  if (env.SPT_REAL_OPT_IN !== "yes")
    return "SPT_REAL_OPT_IN=yes is not set (pnpm test:real sets it once you agree)";
  if (!env.SPT_REAL_PREFIX) return "no SPT_REAL_PREFIX (pnpm test:real picks one)";
  if (!env.SPT_REAL_AGENT_BINARY)
    return "SPT_REAL_AGENT_BINARY (the coder binary on the provisioner's host) is not set";
  return undefined;
}

/** The real Coder of the environment; call only when realSuiteSkipReason() is undefined. */
export function realTarget(env: NodeJS.ProcessEnv = process.env): Target {
  return {
    kind: "real",
    url: env.CODER_URL as string,
    token: env.CODER_SESSION_TOKEN as string,
    agentBinary: env.SPT_REAL_AGENT_BINARY as string,
    close: async () => {},
  };
}

/** The version a recording came from, so the fake answers the SDK as that server would. */
export async function fakeTarget(buildVersion: string): Promise<Target> {
  // The fake's default pace: an agent connects a step after its build ends, as a real one does some time later.
  const fake = await startFakeCoder({ buildVersion });
  return {
    kind: "fake",
    url: fake.url,
    token: fake.token,
    agentBinary: "/usr/local/bin/coder",
    close: () => fake.close(),
  };
}

/** A prefix no other run shares: every template and workspace of a run starts with it. */
export function newPrefix(): string {
  return `sptr-${randomBytes(3).toString("hex")}-`;
}
