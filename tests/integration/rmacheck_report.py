"""Helpers shared by the integration drivers (check_sample.py, crash_cases.py)."""
import json
import re


def find_report(stdout):
    """The rmacheck JSON document in stdout (the program's own output may surround it), or None."""
    decoder = json.JSONDecoder()
    for m in re.finditer(r"^\{", stdout, re.MULTILINE):
        try:
            doc, _ = decoder.raw_decode(stdout, m.start())
        except ValueError:
            continue
        if isinstance(doc, dict) and doc.get("tool") == "rmacheck":
            return doc
    return None
