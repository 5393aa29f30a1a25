#!/usr/bin/python3
"""Checks `emoguard --json` output against docs/output-format.schema.json and the rules of
docs/output-format.md that a schema cannot say: begin first, summary last, counts that agree.

usage: validate_jsonl.py SCHEMA FILE [--expect-exit N]
Exits 0 when every line is valid, 1 otherwise, printing each problem with its line number."""
import base64
import json
import sys

import jsonschema


def main() -> int:
    schema_path, data_path = sys.argv[1], sys.argv[2]
    expect_exit = int(sys.argv[sys.argv.index("--expect-exit") + 1]) if "--expect-exit" in sys.argv else None
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    records = []
    with open(data_path, "rb") as f:
        for n, raw in enumerate(f, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                problems.append(f"line {n}: not UTF-8: {e}")
                continue
            if not line.endswith("\n"):
                problems.append(f"line {n}: not terminated by a newline")
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                problems.append(f"line {n}: not JSON: {e}")
                continue
            for err in validator.iter_errors(rec):
                problems.append(f"line {n}: {'/'.join(map(str, err.absolute_path))}: {err.message}")
            records.append(rec)
    if not records:
        problems.append("no records")
    else:
        if records[0].get("type") != "begin":
            problems.append("first record is not begin")
        if records[-1].get("type") != "summary":
            problems.append("last record is not summary")
        if sum(1 for r in records if r.get("type") == "begin") != 1:
            problems.append("begin appears more than once")
        if sum(1 for r in records if r.get("type") == "summary") != 1:
            problems.append("summary appears more than once")
        summary = records[-1].get("data", {})
        kinds = {k: sum(1 for r in records if r.get("type") == k) for k in ("finding", "anomaly", "error")}
        if summary.get("anomalies") != kinds["anomaly"]:
            problems.append(f"summary.anomalies {summary.get('anomalies')} != {kinds['anomaly']} anomaly lines")
        if summary.get("errors") != kinds["error"]:
            problems.append(f"summary.errors {summary.get('errors')} != {kinds['error']} error lines")
        by_sev = summary.get("findings", {})
        if isinstance(by_sev, dict) and sum(by_sev.values()) != kinds["finding"]:
            problems.append(f"summary.findings total {sum(by_sev.values())} != {kinds['finding']} finding lines")
        if isinstance(summary.get("files_by_type"), dict) and sum(summary["files_by_type"].values()) != summary.get("files"):
            problems.append("summary.files_by_type does not add up to summary.files")
        if expect_exit is not None and summary.get("exit_code") != expect_exit:
            problems.append(f"summary.exit_code {summary.get('exit_code')} != expected {expect_exit}")
        for r in records:
            if r.get("type") == "finding":
                d = r["data"]
                joined = " > ".join(p if isinstance(p, str) else "<bytes>" for p in d["object"])
                if isinstance(d["object_path"], str) and all(isinstance(p, str) for p in d["object"]) and joined != d["object_path"]:
                    problems.append(f"object_path {d['object_path']!r} != joined object {joined!r}")
            # Every {"bytes": ...} must be real base64.
            stack = [r]
            while stack:
                v = stack.pop()
                if isinstance(v, dict):
                    if set(v) == {"bytes"}:
                        base64.b64decode(v["bytes"], validate=True)
                    stack.extend(v.values())
                elif isinstance(v, list):
                    stack.extend(v)
    for p in problems:
        print(p)
    print(f"{len(records)} records checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
