#!/usr/bin/env python3
"""Classroom 50 per-assignment autograder for a sockgrade lab (docs/ci.md).

Classroom 50's runner runs this with the student's checkout as the working
folder and CLASSROOM50_BUNDLE_DIR naming this file's bundle
(CLASSROOM/autograders/ASSIGNMENT/ in the classroom50 repository, built by
ci/classroom50/make-bundle.sh):

  sockgrade-assignment.yaml   lab, and defaults for run, build, port; lang
  sockgrade_ci.py             shared with the Gradescope autograder
  sockgrade/bin/sockgrade     a portable sockgrade tree

It writes, in the checkout, what the runner reads:
  result.json      schema classroom50/result/v1 (sockgrade --format classroom);
                   owner, assignment_type, datetime and graded_at are stamped by the runner
  release-body.md  the Markdown report, shown on the submission's Release

It exits 0 whenever it wrote result.json, whatever the score: a non-zero exit
is an autograder error for Classroom 50.
"""

import json
import math
import os
import sys

BUNDLE = os.environ.get("CLASSROOM50_BUNDLE_DIR") or os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BUNDLE)
import sockgrade_ci  # noqa: E402

RESULT = "result.json"
RELEASE_BODY = "release-body.md"


def whole_points(result):
    """Classroom 50 wants whole points (runner.py and collect_scores.py reject
    any other number). A lab with half points is scaled by the smallest factor
    that makes every score whole; returns the factor (1 when none is needed)."""
    numbers = [result["score"], result["max-score"]]
    for test in result["tests"]:
        numbers += [test["score"], test["max-score"]]
    for factor in (1, 2, 4, 5, 10, 20, 100):
        if all(math.isclose(n * factor, round(n * factor), abs_tol=1e-9) for n in numbers):
            break
    else:
        factor = 100
    if factor == 1 and all(isinstance(n, int) for n in numbers):
        return 1
    result["score"] = int(round(result["score"] * factor))
    result["max-score"] = int(round(result["max-score"] * factor))
    for test in result["tests"]:
        test["score"] = int(round(test["score"] * factor))
        test["max-score"] = int(round(test["max-score"] * factor))
    return factor


def write_markdown(text):
    with open(RELEASE_BODY, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    checkout = os.getcwd()
    assignment = sockgrade_ci.read_assignment(os.path.join(BUNDLE, "sockgrade-assignment.yaml"))
    sockgrade = os.path.join(BUNDLE, "sockgrade", "bin", "sockgrade")

    for stale in (RESULT, RELEASE_BODY):
        if os.path.exists(stale):
            os.remove(stale)  # a student must not hand in their own result

    try:
        plan, notes = sockgrade_ci.resolve(assignment, checkout)
    except sockgrade_ci.ConfigError as e:
        # No tests ran: Classroom 50 then records an error, with this reason in the log.
        print(f"::error::{e}")
        return 1
    for note in notes:
        print(note)

    if plan["build"]:
        ok, log = sockgrade_ci.run_build(plan["build"], plan["dir"], int(assignment.get("build_timeout") or 300),
                                         sockgrade)
        print(f"$ {plan['build']}\n{log}")
        if not ok:
            # Still graded: every test then fails, and the score counts them.
            notes.append(f"**The build failed** (`{plan['build']}`):\n\n```\n{log.strip()}\n```")

    reports = [("classroom", os.path.join(checkout, RESULT)), ("markdown", os.path.join(checkout, RELEASE_BODY))]
    argv = sockgrade_ci.sockgrade_command(sockgrade, plan, reports, lang=assignment.get("lang", ""),
                                          extra=["--student"])
    status, report = sockgrade_ci.run_sockgrade(argv, int(assignment.get("grade_timeout") or 900))
    print(report)
    if status == 2 or not os.path.isfile(RESULT):
        print("::error::sockgrade could not grade this submission (a grader error, see above)")
        return 1

    with open(RESULT, encoding="utf-8") as f:
        result = json.load(f)
    factor = whole_points(result)
    with open(RESULT, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2, ensure_ascii=False)
        f.write("\n")
    if factor != 1 or notes:
        with open(RELEASE_BODY, encoding="utf-8") as f:
            body = f.read()
        extra = list(notes)
        if factor != 1:
            extra.append(f"Classroom 50 counts whole points: every score here is multiplied by {factor} "
                         f"({result['score']}/{result['max-score']}).")
        write_markdown("\n\n".join(extra) + "\n\n" + body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
