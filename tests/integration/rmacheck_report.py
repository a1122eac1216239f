"""Helpers shared by the integration drivers (check_sample.py, crash_cases.py)."""
import json
import os
import re


def find_report(stdout):
    """The rmacheck JSON document that is the whole of stdout, or None.

    Strict on purpose: a report on stdout must be the whole of stdout (the
    program's and mpirun's output go to stderr), so surrounding text is a bug
    to catch, not to skip."""
    try:
        doc = json.loads(stdout)
    except ValueError:
        return None
    return doc if isinstance(doc, dict) and doc.get("tool") == "rmacheck" else None


KINDS_DEF = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "analyzer", "detectors", "finding_kinds.def")


def kind_severities():
    """{kind: "error"|"warning"} from the analyzer's own table of finding kinds (finding_kinds.def)."""
    kinds = {}
    with open(KINDS_DEF, encoding="utf-8") as f:
        for m in re.finditer(r'^RMACHECK_KIND\(\s*\w+\s*,\s*"([^"]+)"\s*,\s*(kError|kWarning)\b', f.read(), re.MULTILINE):
            kinds[m.group(1)] = "error" if m.group(2) == "kError" else "warning"
    if not kinds:
        raise RuntimeError(f"no RMACHECK_KIND entries in {KINDS_DEF}")
    return kinds
