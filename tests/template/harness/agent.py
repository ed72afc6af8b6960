"""Stand-in for the Coder agent inside a harness container (runs as the workspace user).

It does what the real agent does with a template, as far as a user can tell from the outside:
- like the agent's init script, it puts a `coder` binary in a temporary folder and that folder
  on PATH (the agent's metadata runs `coder stat ...`);
- it applies coder_agent.env to the scripts' environment, expanding $VARS in each value against
  its own environment as the agent does (so `...:$PATH` keeps the agent's folder);
- it runs every run_on_start coder_script in parallel with `<login shell> -c <script>`, stdin
  closed, each stopped at its timeout, then every metadata script the same way;
- it runs the commands a user would type in a terminal (the README's checks);
- once the scripts have ended it looks for zombies (processes left unreaped by PID 1) and for
  processes still running.
Results go to <results>/results.json; script output to <results>/<name>.log.
"""

import json
import os
import pwd
import re
import subprocess
import sys
import tempfile
import threading
import time

CONFIG = sys.argv[1]
RESULTS = sys.argv[2]

FAKE_CODER = """#!/bin/sh
# What `coder stat` prints, for the metadata items.
case "$1 $2" in
  "stat cpu") echo "0.2/2 cores" ;;
  "stat mem") echo "1.1/24 GiB" ;;
  "stat disk") echo "3/250 GiB" ;;
  *) echo "coder (harness stand-in): unsupported: $*" >&2; exit 2 ;;
esac
"""


def expand(value, env):
    """os.ExpandEnv: $NAME and ${NAME}; unknown names become empty."""
    return re.sub(
        r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))",
        lambda m: env.get(m.group(1) or m.group(2), ""),
        value,
    )


def run(name, script, timeout, env, shell):
    log = os.path.join(RESULTS, f"{name}.log")
    started = time.monotonic()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [shell, "-c", script],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=env["HOME"],
            start_new_session=True,
        )
        try:
            code = proc.wait(timeout=timeout if timeout and timeout > 0 else None)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            code = proc.wait()
            timed_out = True
    with open(log, encoding="utf-8", errors="replace") as f:
        output = f.read()
    return {
        "exit": code,
        "timed_out": timed_out,
        "seconds": round(time.monotonic() - started, 2),
        "output": output,
    }


def ancestors():
    chain, pid = set(), os.getpid()
    while pid > 0 and pid not in chain:
        chain.add(pid)
        try:
            with open(f"/proc/{pid}/stat") as f:
                pid = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            break
    return chain


def processes():
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        found.append({"pid": int(entry), "comm": comm, "state": state, "ppid": int(ppid)})
    return found


def zombies_after_settling(limit=20.0):
    """Waits until every process outside our own chain has ended or is a zombie, then gives
    PID 1 a moment to reap; returns what is left as zombies."""
    mine = ancestors()
    deadline = time.monotonic() + limit
    settled_since = None
    while time.monotonic() < deadline:
        others = [p for p in processes() if p["pid"] not in mine]
        if all(p["state"] == "Z" for p in others):
            if not others:
                return []
            settled_since = settled_since or time.monotonic()
            if time.monotonic() - settled_since > 2.0:
                return others
        else:
            settled_since = None
        time.sleep(0.1)
    return [p for p in processes() if p["pid"] not in mine and p["state"] == "Z"]


def leftovers():
    """Processes still running (not zombies) outside our own chain."""
    mine = ancestors()
    return [p for p in processes() if p["pid"] not in mine and p["state"] != "Z"]


def main():
    with open(CONFIG) as f:
        config = json.load(f)
    user = pwd.getpwuid(os.getuid())
    shell = user.pw_shell or "/bin/sh"

    # The init script downloads the agent into a temporary folder and starts it from there.
    bindir = tempfile.mkdtemp(prefix="coder.")
    coder = os.path.join(bindir, "coder")
    with open(coder, "w") as f:
        f.write(FAKE_CODER)
    os.chmod(coder, 0o755)
    own = dict(os.environ)
    own["PATH"] = f"{bindir}:{own.get('PATH', '')}"

    env = dict(own)
    env.update({"CODER": "true", "CODER_AGENT_URL": "http://host.docker.internal:3000/"})
    for key, value in config["env"].items():
        env[key] = expand(str(value), own)

    results = {
        "uid": os.getuid(),
        "user": user.pw_name,
        "shell": shell,
        "pid1": open("/proc/1/comm").read().strip(),
        "scripts": {},
        "metadata": {},
        "checks": {},
    }
    threads = []
    for name, script in config["scripts"].items():
        def work(name=name, script=script):
            results["scripts"][name] = run(name, script["script"], script["timeout"], env, shell)

        threads.append(threading.Thread(target=work))
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    for key, item in config["metadata"].items():
        results["metadata"][key] = run(f"metadata-{key}", item["script"], item["timeout"], env, shell)
    for name, command in config["checks"].items():
        results["checks"][name] = run(f"check-{name}", command, 60, env, shell)

    results["zombies"] = zombies_after_settling()
    results["leftovers"] = leftovers()
    with open(os.path.join(RESULTS, "results.json"), "w") as f:
        json.dump(results, f, indent=1)


main()
