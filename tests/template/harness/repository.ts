import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { write } from "./fixtures.js";

/** What Turbo Flow's setup leaves when it works: claude, .claude-flow/, agents, aliases. */
const COMPLETE_SETUP = `#!/bin/bash
echo "turbo flow setup (harness fixture)"
mkdir -p "$HOME/.local/bin"
printf '#!/bin/sh\\necho "2.0.0 (Claude Code)"\\n' >"$HOME/.local/bin/claude"
chmod 0755 "$HOME/.local/bin/claude"
mkdir -p "$WORKSPACE_FOLDER/.claude-flow" "$AGENTS_DIR"
echo "# doc planner" >"$AGENTS_DIR/doc-planner.md"
sed -i '/^# === TURBO FLOW ALIASES/,/^# === END TURBO FLOW/d' "$HOME/.bashrc"
printf '# === TURBO FLOW ALIASES v10 ===\\nalias cf="npx -y claude-flow@alpha"\\n# === END TURBO FLOW ===\\n' >>"$HOME/.bashrc"
echo "Setup complete"
`;

/** Like devpods/setup.sh when a download fails: exits 0, but the first run leaves claude and the agents out. */
const PARTIAL_SETUP = `#!/bin/bash
runs=$(( $(cat "$HOME/.partial-runs" 2>/dev/null || echo 0) + 1 ))
echo "$runs" >"$HOME/.partial-runs"
if [ "$runs" -gt 1 ]; then exec bash "$(dirname "$0")/setup.sh"; fi
echo "WARNING: claude install failed, continuing"
mkdir -p "$WORKSPACE_FOLDER/.claude-flow"
printf '# === TURBO FLOW ALIASES v10 ===\\n# === END TURBO FLOW ===\\n' >>"$HOME/.bashrc"
echo "Setup complete"
`;

/** Hangs like claude doctor without a network, child process and all. */
const HUNG_SETUP = `#!/bin/bash
echo "running claude doctor"
sleep 600 &
wait
`;

/** A bare git repository standing in for turbo-flow-claude, servable over git's dumb HTTP. */
export function writeRepository(root: string): string {
  const work = join(root, ".stage", "turbo-flow-claude");
  write(work, "devpods/setup.sh", COMPLETE_SETUP, 0o755);
  write(work, "devpods/partial.sh", PARTIAL_SETUP, 0o755);
  write(work, "devpods/hang.sh", HUNG_SETUP, 0o755);
  write(work, "README.md", "# turbo-flow-claude (harness fixture)\n");
  const git = (cwd: string, ...args: string[]) =>
    execFileSync(
      "git",
      [
        "-c",
        "user.name=harness",
        "-c",
        "user.email=harness@example.com",
        "-c",
        "init.defaultBranch=main",
        ...args,
      ],
      { cwd, stdio: "pipe" },
    );
  git(work, "init", "-q");
  git(work, "add", ".");
  git(work, "commit", "-q", "-m", "fixture");
  const bare = join(root, "git", "turbo-flow-claude.git");
  mkdirSync(dirname(bare), { recursive: true });
  git(root, "clone", "-q", "--bare", work, bare);
  git(bare, "update-server-info");
  return "git/turbo-flow-claude.git";
}
