"""What the Gradescope and Classroom 50 autograders share: finding a
submission's .sockgrade.yaml, building the program, running sockgrade.

Python 3.8+ standard library only (PyYAML is used when present): graders'
images differ and this must run on all of them.

A submission folder holds .sockgrade.yaml, as for `sockgrade check`:

    run: python3 servidor.py        # the shell line that starts the program
    build: make                     # optional, run once before grading
    port: 5000                      # optional: the port the program uses

The lab is the teacher's, never the student's: a `lab:` in the submission is
ignored (a student must not pick an easier scenario).
"""

import os
import re
import subprocess

KNOWN_KEYS = ("lab", "build", "run", "port", "expect")
# The teacher's sockgrade-assignment.yaml (written by the make-* scripts).
ASSIGNMENT_KEYS = ("lab", "build", "run", "port", "lang", "build_timeout", "grade_timeout")


class ConfigError(Exception):
    pass


def _unquote(value):
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        inner = value[1:-1]
        return inner.replace("''", "'") if value[0] == "'" else inner.replace('\\"', '"')
    return value


def _strip_comment(line):
    # A '#' starts a comment at the line start or after a space, outside quotes.
    quote = None
    for i, c in enumerate(line):
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i]
    return line


def _split_flow(body):
    parts, quote, current = [], None, ""
    for c in body:
        if quote:
            current += c
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
            current += c
        elif c == ",":
            parts.append(current)
            current = ""
        else:
            current += c
    parts.append(current)
    return [p for p in parts if p.strip()]


def parse_config_text(text, where, known=KNOWN_KEYS):
    """The flat map of a .sockgrade.yaml: PyYAML when installed, else the
    subset such files use (block `key: value` lines or one `{k: v, ...}`)."""
    try:
        import yaml  # noqa: PLC0415

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as e:
            raise ConfigError(f"{where}: not valid YAML: {e}") from e
    except ImportError:
        data = {}
        lines = [_strip_comment(l).rstrip() for l in text.splitlines()]
        lines = [l for l in lines if l.strip() and l.strip() != "---"]
        if len(lines) == 1 and lines[0].strip().startswith("{") and lines[0].strip().endswith("}"):
            items = [item.strip() for item in _split_flow(lines[0].strip()[1:-1])]
        else:
            items = lines
        for item in items:
            if ":" not in item or item.startswith((" ", "\t")):
                raise ConfigError(f"{where}: cannot read line {item.strip()!r} (expected key: value)")
            key, value = item.split(":", 1)
            data[key.strip()] = _unquote(value)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a map with 'run' (and optionally build, port)")
    config = {}
    for key, value in data.items():
        if key not in known:
            raise ConfigError(f"{where}: unknown key '{key}' (expected {', '.join(known)})")
        if isinstance(value, (dict, list)):
            raise ConfigError(f"{where}: '{key}' must be a single value")
        config[key] = "" if value is None else str(value)
    if config.get("port"):
        if not re.fullmatch(r"[0-9]{1,5}", config["port"]) or not 0 < int(config["port"]) < 65536:
            raise ConfigError(f"{where}: 'port' must be a number from 1 to 65535, got '{config['port']}'")
    return config


def read_config(path, known=KNOWN_KEYS):
    with open(path, encoding="utf-8", errors="replace") as f:
        return parse_config_text(f.read(), path, known)


def read_assignment(path):
    """The teacher's settings; 'lab' is required."""
    config = read_config(path, ASSIGNMENT_KEYS)
    if not config.get("lab"):
        raise ConfigError(f"{path}: missing 'lab'")
    for key in ("build_timeout", "grade_timeout"):
        if config.get(key) and not config[key].isdigit():
            raise ConfigError(f"{path}: '{key}' must be a number of seconds")
    return config


def find_submission_config(submission_dir):
    """(folder, path) of the submission's .sockgrade.yaml: at its top, or in
    its only subfolder (a zip of a folder); (submission_dir, None) if none."""
    top = os.path.join(submission_dir, ".sockgrade.yaml")
    if os.path.isfile(top):
        return submission_dir, top
    try:
        entries = [e for e in os.scandir(submission_dir) if not e.name.startswith((".", "__MACOSX"))]
    except FileNotFoundError:
        return submission_dir, None
    dirs = [e for e in entries if e.is_dir()]
    if len(dirs) == 1 and len(entries) == 1:
        inner = os.path.join(dirs[0].path, ".sockgrade.yaml")
        if os.path.isfile(inner):
            return dirs[0].path, inner
        return dirs[0].path, None
    return submission_dir, None


def resolve(assignment, submission_dir):
    """The grading plan: the teacher's assignment settings, overridden by the
    submission's run/build/port. Returns (plan, notes) where notes are lines
    worth telling the student."""
    notes = []
    folder, path = find_submission_config(submission_dir)
    student = read_config(path) if path else {}
    if path and student.get("lab") and student["lab"] != assignment["lab"]:
        notes.append(f"note: .sockgrade.yaml says lab '{student['lab']}'; this assignment is graded as '{assignment['lab']}'")
    plan = {
        "dir": folder,
        "lab": assignment["lab"],
        "run": student.get("run") or assignment.get("run", ""),
        "build": student.get("build", assignment.get("build", "")) if path else assignment.get("build", ""),
        "port": student.get("port") or assignment.get("port", ""),
        "config": path,
    }
    if not plan["run"]:
        raise ConfigError(
            "no .sockgrade.yaml in the submission, and the assignment has no default 'run': "
            "add a .sockgrade.yaml with a line such as\n  run: python3 servidor.py")
    return plan, notes


def private_copy(folder):
    """A copy of the submission the program may read and write. As root,
    sockgrade runs the program as a user of its own, in a jail that shows it
    this copy (--writable) and nothing else of the machine: the copy is in a
    fresh folder under the temporary folder, open to every user, so that the
    program may write in it (logs, __pycache__), and /autograder stays
    unseen. Not root: the folder itself."""
    if os.geteuid() != 0:
        return folder
    import shutil  # noqa: PLC0415
    import tempfile  # noqa: PLC0415

    parent = tempfile.mkdtemp(prefix="sockgrade-")
    os.chmod(parent, 0o755)
    copy = os.path.join(parent, "submission")
    shutil.copytree(folder, copy, symlinks=True)
    open_to_program(copy)
    return copy


def open_to_program(folder):
    """chmod -R a+rwX: what the build made is the program's too. Only the
    program's jail shows the folder, so no one else shares it."""
    if os.geteuid() != 0:
        return
    for root, dirs, files in os.walk(folder):
        for name in [root] + [os.path.join(root, n) for n in dirs + files]:
            try:
                if not os.path.islink(name):
                    mode = os.stat(name).st_mode
                    os.chmod(name, mode | 0o666 | (0o111 if os.path.isdir(name) else 0))
            except OSError:
                pass


def run_build(line, cwd, timeout, sockgrade):
    """Runs the build line with `sockgrade build`, in the sandbox a submission's
    build gets from `sockgrade grade` (it sees cwd and the toolchains, never
    the autograder's files); (ok, output) with the output's last 4000
    characters."""
    argv = [sockgrade, "build", cwd, line, "--timeout", str(timeout)]
    try:
        done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, timeout=timeout + 60)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace")
        return False, f"the build did not finish within {timeout} s\n{out[-4000:]}"
    out = done.stdout.decode("utf-8", "replace")
    if done.returncode != 0:
        return False, f"the build failed:\n{out[-4000:]}"
    return True, out[-4000:]


def sockgrade_command(sockgrade, plan, reports, lang="", extra=()):
    """argv of `sockgrade run` for the plan; reports is [(format, path), ...]."""
    argv = [sockgrade, "run", plan["lab"]]
    for fmt, path in reports:
        argv += ["--format", fmt, "--output", path]
    if plan.get("port"):
        argv += ["--port", str(plan["port"])]
    if lang:
        argv += ["--lang", lang]
    argv += list(extra)
    # --dir (one value) last: a sockgrade built before c6a3eac let a list option
    # (--output, --only) right before `--` take the `--` too (docs/ci.md).
    argv += ["--writable", plan["dir"], "--dir", plan["dir"], "--", "/bin/sh", "-c", plan["run"]]
    return argv


def run_sockgrade(argv, timeout):
    """(exit status, text report). Status 2 is a grader error, never the
    student's failure; a timeout counts as one."""
    try:
        done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace")
        return 2, f"{out}\nsockgrade did not finish within {timeout} s"
    return done.returncode, done.stdout.decode("utf-8", "replace")
