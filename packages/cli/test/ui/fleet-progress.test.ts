import { describe, expect, it } from "vitest";
import { createColors } from "../../src/ui/colors.js";
import { FleetProgress } from "../../src/ui/fleet-progress.js";

const colors = createColors(false);
const result = (name: string, outcome: "created" | "failed") => ({
  name,
  owner: "me",
  outcome,
  exists: [],
  durationMs: 1500,
  ...(outcome === "failed" ? { error: new Error("The workspace build failed: boom\nmore") } : {}),
});

/** What a terminal shows after `text` is written: cursor-up and line clears applied. */
function screen(text: string): string[] {
  const rows: string[] = [""];
  let row = 0;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: splitting on ESC sequences is the point
  for (const token of text.split(/(\u001b\[\d+A|\r\u001b\[2K|\n)/)) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching ESC is the point
    const up = token.match(/^\u001b\[(\d+)A$/);
    if (up) row = Math.max(0, row - Number(up[1]));
    else if (token === "\r\u001b[2K") rows[row] = "";
    else if (token === "\n") {
      row++;
      rows[row] ??= "";
    } else rows[row] = (rows[row] ?? "") + token;
  }
  return rows.filter((r, i) => r !== "" || i < row);
}

describe("fleet progress", () => {
  it("keeps one live line per item in flight and a total under the finished items", () => {
    let out = "";
    const progress = new FleetProgress({ write: (t) => (out += t), tty: true, colors, total: 3 });
    progress.handle({ type: "item", item: "a", index: 0, state: "start" });
    progress.handle({ type: "item", item: "b", index: 1, state: "start" });
    progress.handle({
      type: "flow",
      item: "b",
      index: 1,
      // The label is for people: "building" and the queue note follow the stage id.
      event: { type: "stage", stage: "build", label: "Provisioning b", state: "start" },
    });
    progress.handle({
      type: "flow",
      item: "b",
      index: 1,
      event: { type: "queued", source: "build", queue_position: 3, queue_size: 5 },
    });
    progress.handle({ type: "item", item: "a", index: 0, state: "done", result: result("a", "created") });
    progress.handle({ type: "item", item: "c", index: 2, state: "start" });
    // Redraws happen on events here; the timer only refreshes the elapsed seconds.
    const shown = screen(out);
    expect(shown[0]).toMatch(/^✔ a created \(1\.5 s\)$/);
    expect(shown[1]).toMatch(/^ {2}⋯ b {2}Provisioning b \(queued for a provisioner: 3 of 5\) \d+ s$/);
    expect(shown[2]).toMatch(/^ {2}⋯ c {2}starting \d+ s$/);
    expect(shown[3]).toBe("1/3 done · 2 in flight (1 building) · 0 failed");
    expect(shown).toHaveLength(4);
    progress.close();
    expect(screen(out)).toEqual(["✔ a created (1.5 s)"]);
  });

  it("prints plain lines without a terminal: no cursor control at all", () => {
    let out = "";
    const progress = new FleetProgress({ write: (t) => (out += t), tty: false, colors, total: 1 });
    progress.handle({ type: "item", item: "a", index: 0, state: "start" });
    progress.handle({
      type: "flow",
      item: "a",
      index: 0,
      event: { type: "stage", stage: "create_workspace", label: "Creating workspace a", state: "start" },
    });
    progress.handle({ type: "item", item: "a", index: 0, state: "done", result: result("a", "failed") });
    progress.close();
    expect(out).toBe(
      "a: picked up\na: Creating workspace a\n✘ a failed (1.5 s): The workspace build failed: boom\n",
    );
  });
});
