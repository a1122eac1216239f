#!/usr/bin/python3
"""Integration tests of what the report says and how it is written: the
context of each side (synchronization, window creation, displacements,
requests, caller chains with --stack-depth), the notes (no -g, unchecked
local accesses), suppressions (file and inline), SARIF for code scanning
(validated against the SARIF 2.1.0 schema), escaping of strings from the
logs, and the HTML report in a real headless browser (Chromium).

usage: report_cases.py --rmacheck BIN --libdir DIR --programs DIR --sources DIR
                       --project-version V --shots DIR CASE

CASE is one of: context, nodebug, clean-note, suppressions, sarif, escaping, html.
The programs (tests/integration/programs/*.c) mark the lines the checks
expect with `@name` comments. The html case fails, never skips, when
Chromium is missing; it leaves its screenshots in --shots.

Exit status: 0 pass, 1 fail (one `FAIL <case>: <reason>` line per reason).
Standard library only, plus Debian's python3-jsonschema for the sarif case;
runs under /usr/bin/python3.
"""
import argparse
import json
import os
import re
import shutil
import sys

from crash_cases import Case, Failed, require_report, rmacheck_lines
from headless_browser import Browser, BrowserError, BrowserMissing

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemas", "sarif-schema-2.1.0.json")
LOCAL_NOTE = "local loads and stores of window memory and buffers were not checked"
NO_G_NOTE = "compile with -g"


def by_kind(report, kind):
    return [f for f in report["findings"] if f["kind"] == kind]


def one(c, findings, what):
    c.require(len(findings) == 1, f"{len(findings)} {what} findings, expected 1")
    return findings[0]


def frames(side):
    return [(fr.get("function"), fr.get("line")) for fr in side["stack"]]


def run_context(c, extra=(), prog="report_context"):
    d = c.tempdir()
    status, rep, err, _ = c.run_json(3, d, [c.prog(prog)], extra=extra)
    c.check(status == 1, f"{prog}: rmacheck exited with {status}, expected 1")
    return d, rep


# ------------------------------------------------------------------ cases

def case_context(c):
    """Each side's synchronization, the window's creation, displacements, the request, caller chains."""
    src = "report_context.c"
    m = lambda tag: c.marker(src, tag)
    d, rep = run_context(c, extra=("--stack-depth", "8"))
    race = one(c, by_kind(rep, "rma-conflict"), "rma-conflict")
    c.check(race["window_created"]["call"] == "MPI_Win_allocate" and race["window_created"]["location"]["line"] == m("create"),
            f"window_created is {race['window_created']}")
    for s in race["accesses"]:
        c.check(s["rank"] in (0, 2), f"a side of rank {s['rank']}")
        c.check(s["memory"] == "window" and s["target_rank"] == 1, f"side memory/target: {s.get('memory')}/{s.get('target_rank')}")
        c.check(s["bytes"] == [8, 24] and s["disp"] == [2, 6] and s["disp_unit"] == 4,
                f"side bytes {s.get('bytes')} disp {s.get('disp')} unit {s.get('disp_unit')}")
        want = [("put_block", m("put")), ("exchange", m("call")), ("main", m("exchange"))]
        c.check(frames(s) == want, f"rank {s['rank']}'s stack is {frames(s)}, expected {want} (user frames only)")
        sync = s.get("sync", {})
        c.check(sync.get("opened_by", {}).get("call") == "MPI_Win_fence"
                and sync["opened_by"]["location"]["line"] == m("open"), f"opened_by is {sync.get('opened_by')}")
        c.check(sync.get("completed_by", {}).get("call") == "MPI_Win_fence"
                and sync["completed_by"]["location"]["line"] == m("close"), f"completed_by is {sync.get('completed_by')}")
    buf = one(c, by_kind(rep, "origin-buffer-conflict"), "origin-buffer-conflict")
    start, send = buf["accesses"]
    c.check(start["call"] == "MPI_Start" and start["location"]["line"] == m("start"), f"pending side is {start['call']}")
    c.check(start.get("memory") == "receive buffer" and send.get("memory") == "send buffer",
            f"memories {start.get('memory')}, {send.get('memory')}")
    c.check(start.get("request", {}).get("created_by", {}).get("call") == "MPI_Recv_init"
            and start["request"]["created_by"]["location"]["line"] == m("recv_init"), f"request is {start.get('request')}")
    c.check(start.get("sync", {}).get("completed_by", {}).get("location", {}).get("line") == m("wait"),
            f"the request's completion is {start.get('sync')}")
    c.check(send["location"]["line"] == m("send"), f"the send side is at {send['location']}")

    status, text, err, _ = c.rmacheck("analyze", d)
    for want in (f"window win#0 (created by MPI_Win_allocate at {c.source(src)}:{m('create')} in main on rank 1)",
                 "window bytes [8,24) = disp [2,6) x disp_unit 4",
                 f"#1 {c.source(src)}:{m('call')} in exchange",
                 f"epoch opened by MPI_Win_fence at {c.source(src)}:{m('open')} in main; completed by MPI_Win_fence at "
                 f"{c.source(src)}:{m('close')} in main",
                 f"request created by MPI_Recv_init at {c.source(src)}:{m('recv_init')} in main; completed by MPI_Wait at "
                 f"{c.source(src)}:{m('wait')} in main"):
        c.check(want in text, f"text report lacks {want!r}")
    c.check(not re.search(r"__libc_start|_start\b|libc\.so|libmpi", text), "text report lists libc/MPI frames")

    # Without --stack-depth: the MPI call's own frame only.
    _, rep = run_context(c)
    race = one(c, by_kind(rep, "rma-conflict"), "rma-conflict")
    c.check(all(frames(s) == [("put_block", m("put"))] for s in race["accesses"]),
            f"stacks without --stack-depth: {[frames(s) for s in race['accesses']]}")
    for bad in ("0", "x", "65"):
        status, out, err, _ = c.rmacheck("run", "--stack-depth", bad, "--", c.prog(src[:-2]))
        c.check(status == 2 and "--stack-depth" in (rmacheck_lines(err) or [""])[0],
                f"--stack-depth {bad}: status {status}, stderr {rmacheck_lines(err)}")


def case_nodebug(c):
    """A program built without -g: one note says to compile with -g; SARIF claims no line."""
    d, rep = run_context(c, extra=("--stack-depth", "8"), prog="report_context_nodebug")
    notes = [n for n in rep["notes"] if NO_G_NOTE in n]
    c.check(len(notes) == 1, f"{len(notes)} notes about -g: {rep['notes']}")
    race = one(c, by_kind(rep, "rma-conflict"), "rma-conflict")
    c.check(frames(race["accesses"][0]) == [("put_block", 0), ("exchange", 0), ("main", 0)],
            f"frames without -g: {frames(race['accesses'][0])}")
    status, text, err, _ = c.rmacheck("analyze", d)
    c.check(text.count(NO_G_NOTE) == 1, f"the text report says '{NO_G_NOTE}' {text.count(NO_G_NOTE)} times")
    status, out, err, _ = c.rmacheck("analyze", d, "--format", "sarif")
    sarif = json.loads(out)
    validate_sarif(c, sarif, "SARIF without -g")
    for res in sarif["runs"][0]["results"]:
        for loc in res.get("locations", []) + res.get("relatedLocations", []):
            phys = loc.get("physicalLocation")
            c.check(phys is None or (phys["artifactLocation"]["uri"] and "region" not in phys),
                    f"a location without line information claims {phys}")
        names = [l["name"] for loc in res.get("locations", []) for l in loc.get("logicalLocations", [])]
        if res["ruleId"] == "rma-conflict":
            c.check(names == ["put_block"], f"the race's primary location names {names}")


def case_clean_note(c):
    """A clean report says in one line that local loads/stores were not checked."""
    d = c.tempdir()
    status, rep, err, _ = c.run_json(2, d, [c.prog("clean_fence")])
    c.check(status == 0 and rep["findings"] == [], f"clean program: status {status}, findings {rep['findings']}")
    c.check(sum(LOCAL_NOTE in n for n in rep["notes"]) == 1, f"notes are {rep['notes']}")
    status, text, err, _ = c.rmacheck("analyze", d)
    lines = [l for l in text.splitlines() if LOCAL_NOTE in l]
    c.check(len(lines) == 1 and lines[0].startswith("note: "), f"text lines about local accesses: {lines}")
    c.check(text.rstrip().endswith("SUMMARY: rmacheck: 0 errors, 0 warnings"), "the clean summary changed")


def write(c, name, text):
    path = os.path.join(c.tempdir(), name)
    with open(path, "w") as f:
        f.write(text)
    return path


def case_suppressions(c):
    """--suppressions for run and analyze; the inline comment; a bad file."""
    src = "report_context.c"
    supp = write(c, "supp.txt", "# accepted races\n"
                                "rma-conflict function=put_block   # the halo race is benign here\n")
    d = c.tempdir()
    status, rep, err, _ = c.run_json(3, d, [c.prog("report_context")], extra=("--suppressions", supp))
    c.check(status == 1, f"one suppressed, one not: rmacheck exited with {status}, expected 1")
    c.check([f["kind"] for f in rep["findings"]] == ["origin-buffer-conflict"], f"findings {[f['kind'] for f in rep['findings']]}")
    sup = rep.get("suppressed", [])
    if c.check(len(sup) == 1 and sup[0]["kind"] == "rma-conflict", f"suppressed: {[f['kind'] for f in sup]}"):
        c.check(sup[0]["suppressed_by"] == {"rule": "rma-conflict function=put_block", "file": supp, "line": 2},
                f"suppressed_by is {sup[0]['suppressed_by']}")
    c.check(rep["summary"] == {"errors": 1, "warnings": 0, "suppressed": 1}, f"summary {rep['summary']}")

    both = write(c, "all.txt", f"rma-conflict function=put_block\n"
                               f"origin-buffer-conflict file={src} line={c.marker(src, 'send')}\n"
                               "resource-leak   # never matches here\n")
    status, out, err, _ = c.rmacheck("analyze", d, "--suppressions", both, "--format", "json")
    rep = require_report(out, err)
    c.check(status == 0, f"analyze with everything suppressed exited with {status}, expected 0")
    c.check(rep["findings"] == [] and rep["summary"]["suppressed"] == 2, f"summary {rep['summary']}")
    c.check([r["matched"] for r in rep["suppressions"]["rules"]] == [1, 1, 0], f"rules {rep['suppressions']['rules']}")
    status, text, err, _ = c.rmacheck("analyze", d, "--suppressions", both)
    c.check(status == 0, f"text analyze exited with {status}")
    c.check("SUMMARY: rmacheck: 0 errors, 0 warnings, 2 suppressed" in text, "text summary lacks the suppressed count")
    c.check(f"suppressed: origin-buffer-conflict at {c.source(src)}:{c.marker(src, 'start')} in main, by {both}:2" in text,
            "text report does not list the suppressed buffer conflict with its rule")

    # A bad file: one line naming file and line, exit 2, and the program is never started.
    bad = write(c, "bad.txt", "# fine\nrma-conflict file=a.c\nrma-conflcit file=b.c\n")
    out_dir = os.path.join(c.tempdir(), "never")
    for args in (["run", "-n", "2", "--suppressions", bad, "--out", out_dir, "--", c.prog("clean_fence")],
                 ["analyze", d, "--suppressions", bad]):
        status, out, err, _ = c.rmacheck(*args)
        lines = [l for l in err.splitlines() if l.strip()]
        want = f"rmacheck: {bad}:3: unknown finding kind 'rma-conflcit'"
        c.check(status == 2 and len(lines) == 1 and lines[0].startswith(want),
                f"`{' '.join(args[:1])}` with a bad file: status {status}, stderr {lines}")
    c.check(not os.path.exists(out_dir), "run started the program despite a bad suppressions file")
    status, out, err, _ = c.rmacheck("analyze", d, "--suppressions", "/nonexistent/supp.txt")
    c.check(status == 2 and rmacheck_lines(err) == [
        "rmacheck: cannot read suppressions file /nonexistent/supp.txt: No such file or directory"],
            f"missing file: status {status}, stderr {rmacheck_lines(err)}")

    # Inline: a comment on the line before the racing Put.
    src = "inline_suppressed.c"
    d = c.tempdir()
    status, rep, err, _ = c.run_json(3, d, [c.prog("inline_suppressed")])
    c.check(status == 0, f"inline: rmacheck exited with {status}, expected 0")
    c.check(rep["findings"] == [], f"inline: findings {[f['kind'] for f in rep['findings']]}")
    sup = rep.get("suppressed", [])
    if c.check(len(sup) == 1, f"inline: {len(sup)} suppressed"):
        by = sup[0]["suppressed_by"]
        c.check(by.get("inline") is True and by.get("file") == c.source(src) and by.get("line") == c.marker(src, "comment"),
                f"inline suppressed_by is {by}")
        c.check(by.get("rule", "").startswith("rmacheck-suppress: rma-conflict"), f"inline rule is {by.get('rule')}")
    c.check(rep["summary"] == {"errors": 0, "warnings": 0, "suppressed": 1}, f"inline summary {rep['summary']}")


def validate_sarif(c, sarif, what):
    """Against the SARIF 2.1.0 schema (tests/integration/schemas)."""
    try:
        import jsonschema
    except ImportError:
        raise Failed("python3-jsonschema is not installed (scripts/setup-debian.sh installs it)")
    with open(SCHEMA) as f:
        schema = json.load(f)
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(sarif), key=lambda e: list(e.path))
    for e in errors[:10]:
        c.check(False, f"{what}: schema: {'/'.join(map(str, e.path))}: {e.message[:300]}")
    return not errors


def case_sarif(c):
    """SARIF that code scanning accepts: schema, uriBaseId, version, invocations, rules, related locations."""
    src = "report_context.c"
    supp = write(c, "supp.txt", "origin-buffer-conflict code=*\norigin-buffer-conflict function=main\n")
    d = c.tempdir()
    status, rep, err, _ = c.run_json(3, d, [c.prog("report_context")])
    cwd = os.getcwd()
    os.chdir(c.opts.sources)  # the default source root is the working directory
    try:
        status, out, err, _ = c.rmacheck("analyze", d, "--format", "sarif", "--suppressions", supp)
    finally:
        os.chdir(cwd)
    c.check(status == 1, f"analyze --format sarif exited with {status}")
    sarif = json.loads(out)
    validate_sarif(c, sarif, "SARIF")
    run = sarif["runs"][0]
    driver = run["tool"]["driver"]
    c.check(driver.get("version") == c.opts.project_version, f"driver.version is {driver.get('version')}")
    c.check(run.get("originalUriBaseIds", {}).get("SRCROOT", {}).get("uri") == "file://" + c.opts.sources + "/",
            f"originalUriBaseIds is {run.get('originalUriBaseIds')}")
    inv = run.get("invocations", [{}])[0]
    c.check(inv.get("exitCode") == status and inv.get("executionSuccessful") is True, f"invocation is {inv}")
    rules = {r["id"]: r for r in driver["rules"]}
    for rid, r in rules.items():
        c.check(len(r.get("help", {}).get("text", "")) > 40, f"rule {rid} has no help text")
    results = run["results"]
    race = [r for r in results if r["ruleId"] == "rma-conflict"]
    if c.check(len(race) == 1, f"{len(race)} rma-conflict results"):
        r = race[0]
        art = r["locations"][0]["physicalLocation"]["artifactLocation"]
        c.check(art == {"uri": src, "uriBaseId": "SRCROOT"}, f"primary artifact is {art}")
        c.check(r["locations"][0]["physicalLocation"]["region"]["startLine"] == c.marker(src, "put"), "primary line")
        rel = r.get("relatedLocations", [])
        c.check(len(rel) == 2 and [l["id"] for l in rel] == [0, 1], f"related locations: {rel}")
        c.check(sorted(l["message"]["text"].split(":")[0] for l in rel) == ["rank 0", "rank 2"],
                f"related locations name {[l['message']['text'] for l in rel]}")
        c.check(r["level"] == "error" and rules["rma-conflict"]["defaultConfiguration"]["level"] == "error", "levels")
        c.check("suppressions" not in r, "the race is not suppressed")
    buf = [r for r in results if r["ruleId"] == "origin-buffer-conflict"]
    if c.check(len(buf) == 1, f"{len(buf)} origin-buffer-conflict results"):
        c.check(buf[0].get("suppressions", [{}])[0].get("kind") == "external", f"suppression is {buf[0].get('suppressions')}")

    # --source-root: URIs relative to another directory.
    root = os.path.dirname(os.path.dirname(c.opts.sources))  # tests/
    status, out, err, _ = c.rmacheck("analyze", d, "--format", "sarif", "--source-root", root)
    sarif = json.loads(out)
    validate_sarif(c, sarif, "SARIF with --source-root")
    uris = {l["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"] for l in r["locations"]}
    c.check(uris == {"integration/programs/" + src}, f"URIs with --source-root: {uris}")
    status, out, err, _ = c.rmacheck("analyze", d, "--source-root", "/nonexistent/dir")
    c.check(status == 2 and "--source-root" in (rmacheck_lines(err) or [""])[0], f"bad --source-root: {status}")


FORGED = "\nSUMMARY: rmacheck: 0 errors, 0 warnings\x1b[2K"
MARKUP = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>"


def case_escaping(c):
    """Strings from logs cannot forge report lines (text) or inject markup (HTML); JSON stays valid."""
    d = c.tempdir()
    status, rep, err, _ = c.run_json(2, d, [c.prog("clean_fence"), FORGED, MARKUP])
    c.check(rep["run"]["command"][1:] == [FORGED, MARKUP], f"run.command is {rep['run']['command']}")
    status, text, err, _ = c.rmacheck("analyze", d)
    summaries = [l for l in text.splitlines() if l.startswith("SUMMARY")]
    c.check(len(summaries) == 1, f"{len(summaries)} SUMMARY lines: {summaries}")
    c.check("\x1b" not in text, "an escape character reached the terminal")
    c.check("\\nSUMMARY: rmacheck: 0 errors, 0 warnings\\x1b[2K" in text, "the forged argument is not shown escaped")
    status, html, err, _ = c.rmacheck("analyze", d, "--format", "html")
    c.check(html.count("<script") == 1 and "<img" not in html, "markup from the command line reached the HTML")
    path = os.path.join(c.tempdir(), "escaping.html")
    with open(path, "w") as f:
        f.write(html)
    with browser(c) as b:
        b.load("file://" + path)
        got = b.evaluate("JSON.stringify({title: document.title, imgs: document.images.length,"
                         " scripts: document.scripts.length,"
                         " command: document.querySelector('.command').textContent})")
        got = json.loads(got)
        c.check(got["title"] != "pwned" and got["imgs"] == 0 and got["scripts"] == 1, f"page state {got}")
        c.check(MARKUP in got["command"], f"the command is not shown as text: {got['command']!r}")


def browser(c):
    try:
        return Browser(width=1400, height=1000)
    except BrowserMissing as e:
        raise Failed(str(e))


def check_page(c, b, rep, name, sources):
    """What a person sees in the HTML report of `rep`."""
    state = json.loads(b.evaluate(r"""JSON.stringify((() => {
      const vis = e => !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
      const bg = e => getComputedStyle(e).backgroundColor;
      const rows = [...document.querySelectorAll('#findings-table tbody tr')];
      const plain = document.querySelector('table.tl td.call:not([class*=role-])');
      return {
        ready: document.body.getAttribute('data-ready'),
        rows: rows.map(r => ({kind: r.querySelector('.kind').textContent, visible: vis(r),
                              where: r.cells[3].textContent, count: r.cells[5].textContent})),
        summary: document.getElementById('summary-line').textContent,
        plainBg: plain ? bg(plain) : null,
        timelines: [...document.querySelectorAll('section.finding')].map(s => ({
          id: s.id,
          sides: [1, 2].map(n => [...s.querySelectorAll('table.tl td.role-side' + n)].map(td => ({
                  text: td.textContent, visible: vis(td), bg: bg(td), outline: getComputedStyle(td).outlineStyle,
                  rank: td.getAttribute('data-rank')}))),
          hits: [...s.querySelectorAll('pre.source .src-line.hit')].map(e => ({text: e.textContent, visible: vis(e),
                  bg: bg(e)})),
          ranks: [...s.querySelectorAll('table.tl thead th')].map(th => th.textContent)})),
        requests: performance.getEntriesByType('resource').map(e => e.name),
      };
    })())"""))
    c.check(state["ready"] == "1", f"{name}: the page's script did not run")
    findings = rep["findings"]
    kinds = [r["kind"] for r in state["rows"]]
    c.check(kinds == [f["kind"] for f in findings], f"{name}: table kinds {kinds}")
    c.check(all(r["visible"] for r in state["rows"]), f"{name}: a table row is not visible")
    s = rep["summary"]
    c.check(state["summary"].startswith(f"{s['errors']} error"), f"{name}: summary line {state['summary']!r}")
    for f, row, sec in zip(findings, state["rows"], state["timelines"]):
        line = f["accesses"][0]["location"]["line"] if f["accesses"] and f["accesses"][0]["location"] else None
        if line:
            c.check(row["where"].endswith(f":{line} in {f['accesses'][0]['location']['function']}"),
                    f"{name}: row 'where' is {row['where']!r}")
        if f["kind"] not in ("rma-conflict", "target-local-conflict", "origin-buffer-conflict"):
            continue
        for n, side in enumerate(f["accesses"][:2], 1):
            cells = sec["sides"][n - 1]
            if not c.check(len(cells) >= 1, f"{name} {sec['id']}: access {n} is not highlighted in the timeline"):
                continue
            cell = cells[0]
            c.check(cell["visible"], f"{name} {sec['id']}: highlighted access {n} is not visible")
            c.check(cell["bg"] not in (state["plainBg"], "rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
                    and cell["outline"] == "solid", f"{name} {sec['id']}: access {n} looks like any call ({cell})")
            c.check(side["call"] in cell["text"] and f"line {side['location']['line']}" in cell["text"],
                    f"{name} {sec['id']}: access {n} cell says {cell['text']!r}, expected {side['call']} line {side['location']['line']}")
            c.check(cell["rank"] == str(side["rank"]), f"{name} {sec['id']}: access {n} in rank {cell['rank']}'s column")
        want_hits = []
        for side in f["accesses"]:
            loc = side["location"]
            if loc and loc["file"] in sources:
                want_hits.append(sources[loc["file"]][loc["line"] - 1].strip())
        got_hits = [h["text"] for h in sec["hits"]]
        for w in want_hits:
            c.check(any(w in h for h in got_hits), f"{name} {sec['id']}: the source line {w!r} is not shown ({got_hits})")
        c.check(all(h["visible"] and h["bg"] != "rgba(0, 0, 0, 0)" for h in sec["hits"]),
                f"{name} {sec['id']}: a source line is not visibly marked")
    c.check(state["requests"] == [], f"{name}: the page loaded {state['requests']}")
    c.check(all(u.startswith("file://") for u in b.requests), f"{name}: network requests {b.requests}")


def case_html(c):
    """The HTML report in a real headless Chromium: table, highlighted accesses, source lines, filter, screenshot."""
    src = "report_context.c"
    with open(c.source(src)) as f:
        sources = {c.source(src): f.read().split("\n")}
    d = c.tempdir()
    status, rep, err, _ = c.run_json(3, d, [c.prog("report_context")], extra=("--stack-depth", "4"))
    status, html, err, _ = c.rmacheck("analyze", d, "--format", "html")
    c.check(status == 1, f"analyze --format html exited with {status}")
    c.check(html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>"), "not one HTML document")
    c.check(not re.search(r"""(src|href)=["']?(https?:)?//""", html), "the page refers to the network")
    os.makedirs(c.opts.shots, exist_ok=True)
    path = os.path.join(c.opts.shots, "report_context.html")
    with open(path, "w") as f:
        f.write(html)
    with browser(c) as b:
        b.load("file://" + path)
        check_page(c, b, rep, "report_context", sources)
        b.screenshot(os.path.join(c.opts.shots, "report_context.png"))
        # The filter box hides rows that do not match.
        shown = b.evaluate("(() => { const f = document.getElementById('filter'); f.value = 'origin-buffer';"
                           " f.dispatchEvent(new Event('input'));"
                           " return [...document.querySelectorAll('#findings-table tbody tr')]"
                           ".filter(r => r.getClientRects().length > 0).length + '/' +"
                           " document.getElementById('shown').textContent; })()")
        c.check(shown == "1/1", f"after filtering, {shown} rows shown")
    # A clean report shows that it is clean, and says what was not checked.
    d = c.tempdir()
    status, rep, err, _ = c.run_json(2, d, [c.prog("clean_fence")])
    status, html, err, _ = c.rmacheck("analyze", d, "--format", "html")
    path = os.path.join(c.opts.shots, "clean.html")
    with open(path, "w") as f:
        f.write(html)
    with browser(c) as b:
        b.load("file://" + path)
        got = json.loads(b.evaluate("JSON.stringify({none: !!document.getElementById('no-findings'),"
                                    " notes: [...document.querySelectorAll('#notes li')].map(l => l.textContent)})"))
        c.check(got["none"], "the clean report does not say 'No findings'")
        c.check(any(LOCAL_NOTE in n for n in got["notes"]), f"clean report notes: {got['notes']}")
        b.screenshot(os.path.join(c.opts.shots, "clean.png"))


CASES = {"context": case_context, "nodebug": case_nodebug, "clean-note": case_clean_note,
         "suppressions": case_suppressions, "sarif": case_sarif, "escaping": case_escaping, "html": case_html}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rmacheck", required=True)
    ap.add_argument("--libdir", required=True)
    ap.add_argument("--programs", required=True)
    ap.add_argument("--sources", required=True)
    ap.add_argument("--project-version", required=True)
    ap.add_argument("--shots", required=True, help="where the html case leaves its pages and screenshots")
    ap.add_argument("case", choices=sorted(CASES))
    opts = ap.parse_args()
    opts.sources = os.path.abspath(opts.sources)
    opts.shots = os.path.abspath(opts.shots)

    c = Case(opts, opts.case)
    try:
        CASES[opts.case](c)
    except Failed as e:
        if str(e):
            c.failures.append(str(e))
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as e:
        c.failures.append(f"unexpected report shape: {type(e).__name__}: {e}")
    except BrowserError as e:
        c.failures.append(f"browser: {e}")
    if c.failures:
        for reason in c.failures:
            print(f"FAIL {opts.case}: {reason}")
        print("logs kept in", " ".join(c.dirs))
        sys.exit(1)
    for d in c.dirs:
        shutil.rmtree(d, ignore_errors=True)
    print(f"PASS {opts.case}")


if __name__ == "__main__":
    main()
