#!/usr/bin/env python3
"""sockgrade's benchmarks (run through bench/run.sh; BENCHMARKS.md has results).

Each benchmark prints ratios against a baseline measured in the same run, with
the two interleaved, since absolute times on a shared machine are noise. Each
writes OUT/<name>.json with the machine it ran on; `plot` turns batch.json and
load.json into OUT/benchmarks.svg. Every loop is bounded in count and in time.
"""

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 285  # each benchmark stops starting new work after this


# --- helpers -------------------------------------------------------------------------

def machine():
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "kernel": platform.release(),
        "memory_gib": mem_gib,
        "loadavg_before": os.getloadavg()[0],
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
    }


def describe_machine(m):
    return (f"{m['nproc']} CPUs ({m['cpu']}), kernel {m['kernel']}, {m['memory_gib']} GiB; "
            f"load average {m['loadavg_before']:.1f} at the start")


def median(values):
    return statistics.median(values) if values else float("nan")


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv, timeout, **kwargs):
    """Runs argv; returns (wall seconds, CompletedProcess)."""
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kwargs)
    return time.perf_counter() - started, done


def save(out, name, data):
    out.mkdir(parents=True, exist_ok=True)
    data["machine"]["loadavg_after"] = os.getloadavg()[0]
    path = out / f"{name}.json"
    path.write_text(json.dumps(data, indent=2) + "\n")
    print(f"\nresults: {path}")


def warn_if_busy(m):
    if m["loadavg_before"] > (m["nproc"] or 1):
        print(f"note: the load average ({m['loadavg_before']:.1f}) is above the CPU count: "
              "other work is competing; ratios hold better than absolute times")


def goal(ok):
    return "met" if ok else "NOT met"


# --- 1. per-test overhead ----------------------------------------------------------------

def overhead(args):
    build = args.build
    sockgrade = build / "sockgrade"
    m = machine()
    print(f"per-test overhead: `sockgrade run` vs a hand-written driver (bench/driver_*.cpp)\n{describe_machine(m)}")
    warn_if_busy(m)
    deadline = time.monotonic() + BUDGET_SECONDS
    labs = {}
    for lab in args.labs:
        program = str(build / "reference" / lab)
        driver = str(build / "bench" / ("driver_" + lab.replace("-", "_")))
        scenario = str(ROOT / "scenarios" / f"{lab}.yaml")
        runs = {"sockgrade": [], "driver": []}
        for round_ in range(args.rounds):
            if time.monotonic() > deadline:
                print(f"  (time budget reached after {round_} rounds of {lab})")
                break
            order = ["sockgrade", "driver"] if round_ % 2 == 0 else ["driver", "sockgrade"]
            for who in order:
                if who == "sockgrade":
                    argv = [str(sockgrade), "run", scenario, "--format", "json", "--", program]
                else:
                    argv = [driver, program]
                wall, done = timed(argv, timeout=120, cwd=ROOT)
                try:
                    report = json.loads(done.stdout)
                except json.JSONDecodeError:
                    sys.exit(f"{who} printed no JSON for {lab} (exit {done.returncode}):\n{done.stderr[-2000:]}")
                tests = {t["name"]: t for t in report["tests"]}
                failed = [name for name, t in tests.items() if not t["passed"]]
                if failed:
                    sys.exit(f"{who}: the reference {lab} failed {failed}: the comparison would be unfair\n"
                             f"{done.stderr[-2000:]}")
                runs[who].append({"wall": wall, "tests": {n: t["seconds"] for n, t in tests.items()}})
        if not runs["sockgrade"] or not runs["driver"]:
            continue
        count = len(runs["sockgrade"][0]["tests"])
        sg_wall = median([r["wall"] for r in runs["sockgrade"]])
        dr_wall = median([r["wall"] for r in runs["driver"]])
        sg_in = median([sum(r["tests"].values()) for r in runs["sockgrade"]])
        dr_in = median([sum(r["tests"].values()) for r in runs["driver"]])
        per_test = {}
        for name in runs["sockgrade"][0]["tests"]:
            s = median([r["tests"][name] for r in runs["sockgrade"]])
            d = median([r["tests"][name] for r in runs["driver"]])
            per_test[name] = {"sockgrade": s, "driver": d, "added_ms": 1000 * (s - d)}
        labs[lab] = {
            "tests": count,
            "rounds": len(runs["sockgrade"]),
            "sockgrade_wall": sg_wall,
            "driver_wall": dr_wall,
            "ratio": sg_wall / dr_wall,
            "added_ms_per_test": 1000 * (sg_wall - dr_wall) / count,
            "sockgrade_in_tests": sg_in,
            "driver_in_tests": dr_in,
            "in_test_ratio": sg_in / dr_in,
            "per_test": per_test,
            "runs": runs,
        }

    print(f"\n{'lab':<12} {'tests':>5} {'rounds':>6} {'sockgrade s':>11} {'driver s':>9} {'ratio':>6} "
          f"{'added/test':>11}  goal <= 1.2x")
    for lab, r in labs.items():
        print(f"{lab:<12} {r['tests']:>5} {r['rounds']:>6} {r['sockgrade_wall']:>11.3f} {r['driver_wall']:>9.3f} "
              f"{r['ratio']:>5.2f}x {r['added_ms_per_test']:>8.1f} ms  {goal(r['ratio'] <= 1.2)}")
    print("\ninside the tests only (`--format json` seconds: start, steps, tear-down; no worker, no CLI):")
    for lab, r in labs.items():
        print(f"  {lab}: sockgrade {r['sockgrade_in_tests']:.3f} s, driver {r['driver_in_tests']:.3f} s, "
              f"ratio {r['in_test_ratio']:.2f}x")
        for name, t in r["per_test"].items():
            print(f"    {name:<22} {1000 * t['sockgrade']:8.1f} ms  vs {1000 * t['driver']:8.1f} ms  "
                  f"(+{t['added_ms']:.1f} ms)")
    save(args.out, "overhead", {"machine": m, "labs": labs})


# --- 2. sandbox cost -----------------------------------------------------------------------

def sandbox(args):
    m = machine()
    print(f"sandbox cost per test: sandbox::run_in_worker + process::Program vs fork/exec\n{describe_machine(m)}")
    warn_if_busy(m)
    argv = [str(args.build / "bench" / "sandbox_bench"), "--iterations", str(args.iterations), "--json"]
    wall, done = timed(argv, timeout=280)
    if done.returncode != 0 and not done.stdout.strip():
        sys.exit(f"sandbox_bench failed:\n{done.stderr}")
    r = json.loads(done.stdout)
    print(f"{r['iterations']} iterations of {r['program']}, "
          f"{'network + PID namespaces' if r['namespaces'] else 'NO namespaces (host network)'}")
    labels = {"bare": "fork + exec + wait", "floor": "fork + unshare + init, no sweep",
              "worker": "run_in_worker, empty body",
              "launch": "Program::launch + wait_for_exit",
              "cgroups": "worker + launch, cgroups only", "mounts": "worker + launch, mount ns only",
              "full": "worker + launch as a test does"}
    print(f"  {'variant':<8} {'':<32} {'p50 ms':>8} {'p90 ms':>8}")
    for name, label in labels.items():
        print(f"  {name:<8} {label:<32} {r[name]['p50_ms']:>8.2f} {r[name]['p90_ms']:>8.2f}")
    print(f"  added per test (full - bare): p50 {r['added_p50_ms']:.2f} ms, p90 {r['added_p90_ms']:.2f} ms "
          f"-> goal <= 10 ms {goal(r['added_p50_ms'] <= 10)} (p50), {goal(r['added_p90_ms'] <= 10)} (p90)")
    print(f"  ratio full/bare (p50): {r['ratio']:.2f}x")
    print(f"  of which the namespaces themselves (floor - bare): p50 "
          f"{r['floor']['p50_ms'] - r['bare']['p50_ms']:.2f} ms; sockgrade's worker beyond that (worker - floor): "
          f"p50 {r['worker']['p50_ms'] - r['floor']['p50_ms']:.2f} ms; the program's launch (full - worker): "
          f"p50 {r['full']['p50_ms'] - r['worker']['p50_ms']:.2f} ms, of which its control groups "
          f"{r['full']['p50_ms'] - r['mounts']['p50_ms']:.2f} ms and its mount namespace "
          f"{r['full']['p50_ms'] - r['cgroups']['p50_ms']:.2f} ms")
    if r["failures"]:
        print(f"  {r['failures']} runs failed (see stderr)\n{done.stderr[-1000:]}")
    save(args.out, "sandbox", {"machine": m, "result": r, "wall": wall})


# --- 6. packet captures -------------------------------------------------------------------

def capture(args):
    m = machine()
    print(f"packet captures: run_scenario without --capture (twice) and with it, interleaved\n{describe_machine(m)}")
    warn_if_busy(m)
    results = {}
    for lab in args.labs:
        argv = [str(args.build / "bench" / "capture_bench"), "--rounds", str(args.rounds), "--json",
                "--scenario", str(ROOT / "scenarios" / f"{lab}.yaml"),
                "--program", str(args.build / "reference" / lab)]
        wall, done = timed(argv, timeout=280)
        if not done.stdout.strip():
            sys.exit(f"capture_bench failed:\n{done.stderr}")
        r = json.loads(done.stdout)
        results[lab] = r
        print(f"\n{lab}: {r['rounds']} rounds x {r['tests']} tests, "
              f"{'network namespaces' if r['namespaces'] else 'NO namespaces (nothing is captured)'}")
        print(f"  {'variant':<12} {'p50 ms/test':>12} {'p90 ms/test':>12} {'ratio':>8}")
        for name in ("off", "off-again", "capture", "capture-all"):
            v = r[name]
            print(f"  {name:<12} {v['p50_ms_per_test']:>12.2f} {v['p90_ms_per_test']:>12.2f} {v['ratio']:>7.3f}x")
        print(f"  files written: without --capture {r['written_without_capture']}, by --capture of passing tests "
              f"{r['kept_by_capture']}, by --capture-all {r['kept_by_capture_all']} (of {r['tests']} tests)")
        if r["failures"] or done.returncode != 0:
            print(f"  FAILED ({r['failures']} test runs failed)\n{done.stderr[-1000:]}")
    save(args.out, "capture", {"machine": m, "results": results})


# --- 3. batch throughput -----------------------------------------------------------------

# A class is made of these submissions, in this proportion (per 20 students).
# `grade` takes one scenario, so a class is one lab's: tcp-server, lab 1, the
# one every course has. Reference programs pass; mutants fail, most of them by
# waiting out a deadline (an expected line or close never comes: the grader
# waits the step's `within`, 2 s), as real failing submissions do.
CLASS_MIX = [
    # (lab, program under build/reference, how it fails)
    *[("tcp-server", "tcp-server", "passes")] * 13,
    *[("tcp-server", "mutants/tcp-server--never-closes", "waits out a deadline: never closes")] * 3,
    *[("tcp-server", "mutants/tcp-server--no-address", "waits out a deadline: no address printed")] * 2,
    ("tcp-server", "mutants/tcp-server--latin1", "waits out a deadline: mangled accents"),
    ("tcp-server", "mutants/tcp-server--prints-byte-count", "waits out deadlines: prints a byte count"),
]


def make_class(build, root, size):
    """size submissions in root/<lab>/<student>/, each a .sockgrade.yaml naming its program."""
    labs = {}
    for i in range(size):
        lab, program, how = CLASS_MIX[i % len(CLASS_MIX)]
        student = root / lab / f"student{i:03d}"
        student.mkdir(parents=True)
        path = build / "reference" / program
        (student / ".sockgrade.yaml").write_text(f"lab: {lab}\nrun: {path}\n")
        labs.setdefault(lab, []).append({"student": student.name, "program": program, "how": how})
    return labs


def grade_exists(sockgrade):
    try:
        done = subprocess.run([str(sockgrade), "grade", "--help"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def grade_class(sockgrade, class_root, labs, jobs, work, timeout):
    """Grades every lab's folder with one `grade` each; returns totals."""
    wall = 0.0
    cpu = 0.0
    tests = {"passed_seconds": 0.0, "failed_seconds": 0.0, "passed": 0, "failed": 0}
    per_submission = []
    for lab in labs:
        out = work / f"out-{lab}-{jobs}-{class_root.name}"
        shutil.rmtree(out, ignore_errors=True)
        cpu_before = children_cpu()
        seconds, done = timed([str(sockgrade), "grade", lab, str(class_root / lab), "--jobs", str(jobs),
                               "--out", str(out), "--force"], timeout=timeout, cwd=ROOT)
        cpu += children_cpu() - cpu_before
        wall += seconds
        if done.returncode not in (0, 1):
            sys.exit(f"sockgrade grade {lab} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
        for record in sorted((out / "results").glob("*.json")):
            data = json.loads(record.read_text())
            per_submission.append(data.get("seconds", 0))
            for test in data.get("result", {}).get("tests", []):
                key = "passed" if test.get("passed") else "failed"
                tests[key] += 1
                tests[key + "_seconds"] += test.get("seconds", 0) * max(1, test.get("runs", 1))
    return {"wall": wall, "cpu": cpu, "tests": tests, "submissions": len(per_submission),
            "submission_seconds": sum(per_submission)}


def batch(args):
    build = args.build
    sockgrade = build / "sockgrade"
    m = machine()
    print(f"batch throughput: `sockgrade grade` on a generated class\n{describe_machine(m)}")
    warn_if_busy(m)
    if not grade_exists(sockgrade):
        print("SKIPPED: this build has no `sockgrade grade` command yet; the benchmark runs once it exists")
        save(args.out, "batch", {"machine": m, "skipped": "no `sockgrade grade` in this build"})
        return
    sizes = sorted(args.sizes)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="sockgrade-bench-") as tmp:
        work = Path(tmp)
        classes = {}
        for size in sorted(set(sizes + [args.compare_size])):
            root = work / f"class{size}"
            classes[size] = (root, make_class(build, root, size))
        mix = {}
        for lab, program, how in CLASS_MIX:
            mix.setdefault(how, 0)
            mix[how] += 1
        print(f"class ({', '.join(sorted({lab for lab, _, _ in CLASS_MIX}))}), per {len(CLASS_MIX)} students: "
              + ", ".join(f"{n} {k}" for k, n in mix.items()))

        runs = {}
        # jobs 1 vs jobs 2 on the same class first, then the size sweep at jobs 2.
        plan = [(args.compare_size, 1), (args.compare_size, 2)] + [(s, 2) for s in sizes if s != args.compare_size]
        rate = {}  # seconds per student seen so far, per --jobs: to skip a run that cannot fit
        for size, jobs in plan:
            spent = time.monotonic() - started
            guess = size * rate.get(jobs, rate.get(1, 0) / 2)
            if spent + guess > BUDGET_SECONDS:
                print(f"  ({size} students with --jobs {jobs} not run: about {guess:.0f} s more would pass the "
                      f"{BUDGET_SECONDS} s budget; use smaller --sizes)")
                continue
            root, labs = classes[size]
            r = grade_class(sockgrade, root, labs, jobs, work, timeout=max(30, BUDGET_SECONDS))
            runs[f"{size}x{jobs}"] = {"size": size, "jobs": jobs, **r}
            rate[jobs] = max(rate.get(jobs, 0), r["wall"] / size)
            t = r["tests"]
            print(f"  {size:>4} students --jobs {jobs}: {r['wall']:7.1f} s wall, {r['cpu']:6.1f} s CPU, "
                  f"{r['wall'] / size * 1000:6.0f} ms per student; tests {t['passed']} passed "
                  f"({t['passed_seconds']:.1f} s), {t['failed']} failed ({t['failed_seconds']:.1f} s)")

    summary = {}
    one = runs.get(f"{args.compare_size}x1")
    two = runs.get(f"{args.compare_size}x2")
    print()
    if one and two:
        speedup = one["wall"] / two["wall"]
        summary["speedup_jobs2"] = speedup
        print(f"--jobs 2 vs --jobs 1 ({args.compare_size} students): {speedup:.2f}x faster "
              f"-> goal >= 1.8x {goal(speedup >= 1.8)}")
    swept = [runs[f"{s}x2"] for s in sizes if f"{s}x2" in runs]
    if len(swept) >= 2:
        first, last = swept[0], swept[-1]
        growth = last["wall"] / first["wall"]
        ideal = last["size"] / first["size"]
        summary["growth"] = growth
        summary["linear_growth"] = ideal
        print(f"class size {first['size']} -> {last['size']} (x{ideal:g}): time x{growth:.2f} "
              f"({'linear' if abs(growth / ideal - 1) <= 0.15 else 'not linear'} within 15%)")
        for r in swept:
            print(f"  {r['size']:>4} students: {r['wall']:.1f} s, {r['wall'] / r['size'] * 1000:.0f} ms per student")
    if swept:
        r = swept[-1]
        t = r["tests"]
        busy = r["cpu"] / (r["wall"] * r["jobs"])
        in_tests = t["passed_seconds"] + t["failed_seconds"]
        failed_share = t["failed_seconds"] / in_tests if in_tests else 0
        summary.update({"cpu_share": busy, "failed_test_share": failed_share})
        print(f"where the time goes ({r['size']} students, --jobs {r['jobs']}): CPU {r['cpu']:.1f} s of "
              f"{r['wall'] * r['jobs']:.1f} s of job slots ({100 * busy:.0f}% busy, the rest is waiting); "
              f"of the {in_tests:.1f} s spent inside tests, {100 * failed_share:.0f}% went to the "
              f"{t['failed']} failing tests ({t['failed']} of {t['passed'] + t['failed']} tests)")
    save(args.out, "batch", {"machine": m, "class_mix": CLASS_MIX, "runs": runs, "summary": summary})


# --- 4. chat server under load -------------------------------------------------------------

def load(args):
    build = args.build
    m = machine()
    print(f"chat server under load: bench/chat_load (Asio, one thread) against the reference "
          f"(two threads per client) and bench/asio_chat_server (one thread, epoll)\n{describe_machine(m)}")
    warn_if_busy(m)
    servers = {"reference": str(build / "reference" / "chat-server"),
               "asio": str(build / "bench" / "asio_chat_server")}
    started = time.monotonic()
    results = []
    for clients in args.clients:
        for name in (["reference", "asio"] if clients % 2 == 0 else ["asio", "reference"]):
            left = BUDGET_SECONDS - (time.monotonic() - started)
            if left < 10:
                print(f"  (time budget reached: {clients} clients on {name} not run)")
                continue
            limit = int(min(60, left))
            argv = [str(build / "bench" / "chat_load"), servers[name], "--clients", str(clients),
                    "--deliveries", str(args.deliveries), "--window", str(args.window), "--time-limit", str(limit)]
            _, done = timed(argv, timeout=limit + 30)
            try:
                r = json.loads(done.stdout)
            except json.JSONDecodeError:
                print(f"  {name} with {clients} clients: no result ({done.stderr.strip()[-300:]})")
                results.append({"server": name, "clients": clients, "error": done.stderr.strip()[-300:]})
                continue
            r["server"] = name
            results.append(r)
            flag = "" if r["finished"] and r["server_alive"] and not r["failed_clients"] else "  (INCOMPLETE)"
            print(f"  {name:<9} {clients:>5} clients: {r['deliveries_per_second']:>10.0f} deliveries/s, "
                  f"p50 {r['p50_ms']:7.2f} ms, p99 {r['p99_ms']:7.2f} ms, threads {r['server_threads']:>5}, "
                  f"RSS {r['server_rss_kb'] / 1024:6.1f} MiB, server CPU {r['server_cpu_seconds']:.2f} s, "
                  f"set-up {r['setup_seconds']:.2f} s{flag}")

    print(f"\n{'clients':>7} {'ref/asio throughput':>20} {'ref/asio p50':>13} {'ref/asio p99':>13} "
          f"{'ref threads':>11} {'ref RSS MiB':>11} {'ref CPU us/delivery':>20}")
    by = {(r["server"], r["clients"]): r for r in results if "error" not in r}
    summary = {}
    for clients in args.clients:
        ref, asio = by.get(("reference", clients)), by.get(("asio", clients))
        if not ref or not asio:
            continue
        tput = ref["deliveries_per_second"] / asio["deliveries_per_second"]
        p50 = ref["p50_ms"] / asio["p50_ms"] if asio["p50_ms"] else float("nan")
        p99 = ref["p99_ms"] / asio["p99_ms"] if asio["p99_ms"] else float("nan")
        cpu_us = 1e6 * ref["server_cpu_seconds"] / max(1, ref["deliveries"])
        summary[clients] = {"throughput_ratio": tput, "p50_ratio": p50, "p99_ratio": p99}
        print(f"{clients:>7} {tput:>19.2f}x {p50:>12.2f}x {p99:>12.2f}x {ref['server_threads']:>11} "
              f"{ref['server_rss_kb'] / 1024:>11.1f} {cpu_us:>20.2f}")
    if 100 in summary:
        s = summary[100]
        ok = s["throughput_ratio"] >= 0.5 and s["p50_ratio"] <= 2
        print(f"\nat 100 clients the reference has {s['throughput_ratio']:.2f}x the Asio server's throughput and "
              f"{s['p50_ratio']:.2f}x its p50 latency -> goal 'within 2x' {goal(ok)}")
    save(args.out, "load", {"machine": m, "deliveries": args.deliveries, "window": args.window,
                            "results": results, "summary": {str(k): v for k, v in summary.items()}})


# --- 5. the plot ---------------------------------------------------------------------------

def svg_chart(x0, y0, width, height, title, xlabel, ylabel, series, xlog=False, ylog=False):
    """A line chart as SVG elements. series: [(label, colour, [(x, y), ...])]."""
    import math
    points = [p for _, _, pts in series for p in pts if p[1] is not None and p[1] > 0]
    if not points:
        return [f'<text x="{x0 + width / 2}" y="{y0 + height / 2}" text-anchor="middle">{title}: no data</text>']
    fx = (lambda v: math.log10(v)) if xlog else (lambda v: v)
    fy = (lambda v: math.log10(v)) if ylog else (lambda v: v)
    xs = [fx(p[0]) for p in points]
    ys = [fy(p[1]) for p in points]
    xmin, xmax = (min(xs), max(xs)) if xlog else (0, max(xs))
    ymin, ymax = (math.floor(min(ys)), math.ceil(max(ys))) if ylog else (0, max(ys) * 1.1)
    if xmax == xmin:
        xmax = xmin + 1
    if ymax == ymin:
        ymax = ymin + 1
    left, right, top, bottom = 62, 16, 34, 46
    pw, ph = width - left - right, height - top - bottom

    def px(v):
        return x0 + left + (fx(v) - xmin) / (xmax - xmin) * pw

    def py(v):
        return y0 + top + ph - (fy(v) - ymin) / (ymax - ymin) * ph

    out = [f'<text x="{x0 + width / 2}" y="{y0 + 18}" text-anchor="middle" font-weight="bold">{title}</text>',
           f'<rect x="{x0 + left}" y="{y0 + top}" width="{pw}" height="{ph}" fill="none" stroke="#888"/>']
    # ticks
    if ylog:
        yticks = [10 ** e for e in range(int(ymin), int(ymax) + 1)]
    else:
        step = 10 ** math.floor(math.log10(ymax / 4)) if ymax > 0 else 1
        while ymax / step > 6:
            step *= 2
        yticks = [i * step for i in range(0, int(ymax / step) + 1)]
    for v in yticks:
        y = py(v)
        out.append(f'<line x1="{x0 + left}" y1="{y:.1f}" x2="{x0 + left + pw}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{x0 + left - 6}" y="{y + 4:.1f}" text-anchor="end">{v:g}</text>')
    xticks = sorted({p[0] for p in points})
    for v in xticks:
        x = px(v)
        out.append(f'<line x1="{x:.1f}" y1="{y0 + top}" x2="{x:.1f}" y2="{y0 + top + ph}" stroke="#eee"/>')
        out.append(f'<text x="{x:.1f}" y="{y0 + top + ph + 16}" text-anchor="middle">{v:g}</text>')
    out.append(f'<text x="{x0 + left + pw / 2}" y="{y0 + height - 8}" text-anchor="middle">{xlabel}</text>')
    out.append(f'<text transform="translate({x0 + 14},{y0 + top + ph / 2}) rotate(-90)" '
               f'text-anchor="middle">{ylabel}</text>')
    for i, (label, colour, pts) in enumerate(series):
        pts = [p for p in pts if p[1] is not None and p[1] > 0]
        if not pts:
            continue
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts)
        dash = ' stroke-dasharray="5,4"' if "p99" in label or "jobs 1" in label else ""
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        for x, y in pts:
            out.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}"/>')
        ly = y0 + top + 14 + 16 * i
        out.append(f'<line x1="{x0 + left + 10}" y1="{ly - 4}" x2="{x0 + left + 30}" y2="{ly - 4}" '
                   f'stroke="{colour}" stroke-width="2"{dash}/>')
        out.append(f'<text x="{x0 + left + 36}" y="{ly}">{label}</text>')
    return out


def plot(args):
    out = args.out
    elements = []
    width, height = 460, 320
    batch_file, load_file = out / "batch.json", out / "load.json"
    series = []
    if batch_file.exists():
        data = json.loads(batch_file.read_text())
        runs = data.get("runs", {}).values()
        for jobs, colour in ((2, "#1f77b4"), (1, "#d62728")):
            pts = sorted((r["size"], r["wall"]) for r in runs if r["jobs"] == jobs)
            if pts:
                series.append((f"--jobs {jobs}", colour, pts))
    elements += svg_chart(0, 0, width, height, "sockgrade grade: time vs class size", "submissions",
                          "seconds", series)
    series = []
    if load_file.exists():
        data = json.loads(load_file.read_text())
        results = [r for r in data.get("results", []) if "error" not in r]
        for name, colour in (("reference", "#d62728"), ("asio", "#1f77b4")):
            mine = sorted((r["clients"], r) for r in results if r["server"] == name)
            label = "reference (thread per client)" if name == "reference" else "Asio (one thread)"
            series.append((f"{label} p50", colour, [(c, r["p50_ms"]) for c, r in mine]))
            series.append((f"{label} p99", colour, [(c, r["p99_ms"]) for c, r in mine]))
    elements += svg_chart(width, 0, width, height, "chat server: delivery latency vs clients", "clients (log)",
                          "latency, ms (log)", series, xlog=True, ylog=True)
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * width}" height="{height}" '
           f'viewBox="0 0 {2 * width} {height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{2 * width}" height="{height}" fill="white"/>'] + elements + ["</svg>"]
    out.mkdir(parents=True, exist_ok=True)
    path = out / "benchmarks.svg"
    path.write_text("\n".join(svg) + "\n")
    print(f"plot: {path}")


# --- main ------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", type=Path, default=ROOT / "build")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("overhead", help="sockgrade run vs a hand-written driver")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--labs", nargs="+", default=["tcp-server", "chat-server"])
    p = sub.add_parser("sandbox", help="namespace + program start + teardown vs fork/exec")
    p.add_argument("--iterations", type=int, default=200)
    p = sub.add_parser("batch", help="sockgrade grade: --jobs 1 vs 2, class sizes")
    p.add_argument("--sizes", type=int, nargs="+", default=[25, 50, 100])
    p.add_argument("--compare-size", type=int, default=50, help="class graded with --jobs 1 and 2")
    p = sub.add_parser("load", help="reference chat server vs an Asio one")
    p.add_argument("--clients", type=int, nargs="+", default=[10, 100, 300, 1000, 2000])
    p.add_argument("--deliveries", type=int, default=100000)
    p.add_argument("--window", type=int, default=8)
    p = sub.add_parser("capture", help="run_scenario without --capture vs with it (packet captures)")
    p.add_argument("--rounds", type=int, default=15)
    p.add_argument("--labs", nargs="+", default=["tcp-server", "chat-server"])
    sub.add_parser("plot", help="OUT/benchmarks.svg from OUT/batch.json and OUT/load.json")
    args = parser.parse_args()
    args.build = args.build.resolve()
    args.out = args.out.resolve()
    {"overhead": overhead, "sandbox": sandbox, "batch": batch, "load": load, "capture": capture,
     "plot": plot}[args.command](args)
    if args.command in ("batch", "load") and (args.out / f"{args.command}.json").exists():
        plot(args)


if __name__ == "__main__":
    main()
