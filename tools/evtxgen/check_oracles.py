#!/usr/bin/env python3
"""Checks files written by emoguard-evtxgen against two independent EVTX readers.

  check_oracles.py check SPEC.json FILE.evtx [--repeat N] [--records-per-chunk-max N]
      Every record read back by python-evtx (the Evtx library behind evtx_dump.py) and by libevtx
      (evtxexport -f xml) must carry the System fields and EventData/UserData values the spec gave,
      after normalising what the readers render differently; the record count must be right and
      neither reader may report an error. The file's own structure is checked too: header fields,
      every CRC, string and template tables, inline template definitions at first use per chunk.
  check_oracles.py damage KIND[:ARG] CLEAN.evtx DAMAGED.evtx
      DAMAGED must be CLEAN with exactly the defect that --damage KIND[:ARG] promises.

Needs /usr/bin/python3 with python3-evtx (module Evtx) and evtxexport (libevtx-utils) on PATH.
Exit 0 when everything matches, 1 with one line per mismatch otherwise.
"""

import argparse
import base64
import datetime
import json
import math
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib

import Evtx.Evtx as pyevtx

FILETIME_EPOCH = datetime.datetime(1601, 1, 1)
DEFAULT_FIRST_TIME = (1667380500 + 11644473600) * 10_000_000  # 2022-11-02T09:15:00Z
SECOND = 10_000_000

TYPES = {
    "null": 0x00, "string": 0x01, "ansistring": 0x02, "int8": 0x03, "uint8": 0x04, "int16": 0x05,
    "uint16": 0x06, "int32": 0x07, "uint32": 0x08, "int64": 0x09, "uint64": 0x0A, "real32": 0x0B,
    "real64": 0x0C, "bool": 0x0D, "binary": 0x0E, "guid": 0x0F, "sizet": 0x10, "filetime": 0x11,
    "systemtime": 0x12, "sid": 0x13, "hexint32": 0x14, "hexint64": 0x15, "binxml": 0x21,
}
SIGNED_BITS = {"int8": 8, "int16": 16, "int32": 32, "int64": 64}
# What each reader cannot read (found by trying; see README.md). python-evtx 0.6.1 knows no array
# type but 0x81 and raises KeyError on the others; libevtx 20181227 refuses these array types.
PY_UNSUPPORTED = {t + "[]" for t in TYPES if t not in ("string", "null", "binary", "binxml")}
LIBEVTX_UNSUPPORTED = {"bool[]", "sid[]", "sizet[]"}

errors = []


def fail(msg):
    errors.append(msg)


# ---------------------------------------------------------------- the spec, as the writer must read it

def is_typed(v):
    return isinstance(v, dict) and isinstance(v.get("type"), str) and set(v) <= {"type", "value"}


def typed(v):
    """(type name, value) of a spec value, with the writer's default types."""
    if is_typed(v):
        return v["type"], v.get("value")
    if isinstance(v, bool):
        return "bool", v
    if isinstance(v, str):
        return "string", v
    if v is None:
        return "null", None
    if isinstance(v, int):
        if v >= 0:
            return ("uint32" if v <= 0xFFFFFFFF else "uint64"), v
        return ("int32" if v >= -2**31 else "int64"), v
    if isinstance(v, float):
        return "real64", v
    if isinstance(v, list):
        if v and all(isinstance(x, str) for x in v):
            return "string[]", v
        if v and all(isinstance(x, int) and not isinstance(x, bool) and x >= 0 for x in v):
            return ("uint64[]" if any(x > 0xFFFFFFFF for x in v) else "uint32[]"), v
    raise ValueError(f"cannot type {v!r}")


def parse_uint(v):
    return int(v, 0) if isinstance(v, str) else int(v)


def iso_to_ticks(s):
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?Z?", s)
    if not m:
        raise ValueError(f"not a time: {s!r}")
    y, mo, d, h, mi, sec = (int(x) for x in m.groups()[:6])
    frac = (m.group(7) or "")
    delta = datetime.datetime(y, mo, d, h, mi, sec) - FILETIME_EPOCH
    ticks = (delta.days * 86400 + delta.seconds) * SECOND
    # fractions: up to 9 digits (libevtx); keep 100 ns resolution, remember the digits for tolerance
    digits = len(frac)
    if digits:
        ticks += int(frac[:7].ljust(7, "0"))
    return ticks, digits


def time_value(v):
    return v if isinstance(v, int) else iso_to_ticks(v)[0]


class TypeTree:
    """An element tree from a spec (user_data or a binxml value)."""

    def __init__(self, name, body):
        self.name = name
        self.attrs = {}       # name -> ("literal", text) or (type, value)
        self.children = []
        self.value = None     # (type, value) or None
        if isinstance(body, dict) and not is_typed(body):
            for k, v in body.items():
                if k == "#attributes":
                    for an, av in v.items():
                        self.attrs[an] = ("literal", av) if isinstance(av, str) else typed(av)
                elif k == "#text":
                    self.value = typed(v)
                elif isinstance(v, list):
                    self.children += [TypeTree(k, item) for item in v]
                else:
                    self.children.append(TypeTree(k, v))
        else:
            self.value = typed(body)

    def types(self):
        out = set()
        if self.value:
            out |= value_types(self.value)
        for a in self.attrs.values():
            if a[0] != "literal":
                out |= value_types(a)
        for c in self.children:
            out |= c.types()
        return out


def value_types(tv):
    t, v = tv
    if t == "binxml":
        (name, body), = v.items()
        return {t} | TypeTree(name, body).types()
    return {t}


class Expected:
    def __init__(self, ev, top, time, record_id):
        self.provider = ev["provider"]
        self.guid = ev.get("guid")
        self.event_id = ev["event_id"]
        self.qualifiers = ev.get("qualifiers")
        self.version = ev.get("version", 0)
        self.level = ev.get("level", 4)
        self.task = ev.get("task", 0)
        self.opcode = ev.get("opcode", 0)
        self.keywords = parse_uint(ev.get("keywords", 0))
        self.time = time
        self.record_id = record_id
        self.activity_id = ev.get("activity_id")
        self.related_activity_id = ev.get("related_activity_id")
        self.process_id = ev.get("process_id", 0)
        self.thread_id = ev.get("thread_id", 0)
        self.channel = ev["channel"]
        self.computer = ev.get("computer", top.get("computer"))
        self.user_sid = ev.get("user_sid")
        self.body_kind = None
        self.types = set()
        if "event_data" in ev:
            self.body_kind = "event_data"
            self.named = [(k, typed(v)) for k, v in ev["event_data"].items()]
            for _, tv in self.named:
                self.types |= value_types(tv)
        elif "data" in ev:
            self.body_kind = "data"
            items = ev["data"] if isinstance(ev["data"], list) else [ev["data"]]
            self.unnamed = [typed(v) for v in items]
            for tv in self.unnamed:
                self.types |= value_types(tv)
        elif "user_data" in ev:
            self.body_kind = "user_data"
            (name, body), = ev["user_data"].items()
            self.tree = TypeTree(name, body)
            self.types |= self.tree.types()


def expected_records(spec, repeat):
    events = spec["events"]
    times = []
    next_time = DEFAULT_FIRST_TIME
    for ev in events:
        t = time_value(ev["time"]) if "time" in ev else next_time
        times.append(t)
        next_time = t + SECOND
    period = (max(times) - min(times) + SECOND) if times else 0
    rid = spec.get("start_record_id", 1)
    out = []
    for k in range(repeat):
        for ev, t in zip(events, times):
            out.append(Expected(ev, spec, t + k * period, rid))
            rid += 1
    return out


# ---------------------------------------------------------------- what the readers print

def parse_xml(text):
    # Keep xmlns declarations as plain attributes, so that they can be compared like the others.
    text = text.replace(' xmlns="', ' _xmlns="').replace(" xmlns:", " _xmlns_")
    return ET.fromstring(text)


def local(tag):
    return tag.rsplit("}", 1)[-1]


def child(elem, name):
    for c in elem:
        if local(c.tag) == name:
            return c
    return None


def attr(elem, name):
    if elem is None:
        return None
    v = elem.get(name)
    return None if v in (None, "") else v   # python-evtx writes a null optional attribute as ""


def text_of(elem):
    return "" if elem is None or elem.text is None else elem.text


def norm_nl(s):
    return s.replace("\r\n", "\n").replace("\r", "\n")


def canon_guid(s):
    return s.strip().strip("{}").upper()


def canon(t, text, oracle):
    """A reader's text for a value of type t, as a comparable Python value."""
    text = text or ""
    if t in ("string", "ansistring"):
        return norm_nl(text)
    if t in SIGNED_BITS:
        if oracle == "libevtx" and text.startswith("-"):
            # libevtx 20181227 prints a negative number as '-' and its two's complement bits
            # without the sign bit (-5 as int8 -> "-123"): undo that.
            bits = SIGNED_BITS[t]
            raw = int(text[1:]) | (1 << (bits - 1))
            return raw - (1 << bits)
        return int(text)
    if t in ("uint8", "uint16", "uint32", "uint64"):
        return int(text)
    if t in ("real32", "real64"):
        return float(text)
    if t == "bool":
        return text.strip().lower() in ("true", "1")
    if t == "binary":
        return base64.b64decode(text) if oracle == "python-evtx" else bytes.fromhex(text)
    if t == "guid":
        return canon_guid(text)
    if t == "sizet":
        return int(text, 0)
    if t in ("hexint32", "hexint64"):
        return int(text, 16)
    if t == "filetime":
        return iso_to_ticks(text)[0]
    if t == "systemtime":
        m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?Z?", text)
        frac = m.group(7) or ""
        if oracle == "python-evtx":
            ms = int(frac.ljust(6, "0")) if frac else 0   # python-evtx 0.6.1 puts milliseconds into microseconds
        else:
            ms = int(frac[:3].ljust(3, "0")) if frac else 0
        return tuple(int(x) for x in m.groups()[:6]) + (ms,)
    if t == "sid":
        return text.strip()
    if t == "null":
        return text
    raise ValueError(f"no canonical form for {t}")


def canon_expected(t, v):
    if t in ("string", "ansistring"):
        return norm_nl(v)
    if t in SIGNED_BITS or t in ("uint8", "uint16", "uint32", "uint64", "sizet", "hexint32", "hexint64"):
        return parse_uint(v) if isinstance(v, str) and not v.startswith("-") else int(v)
    if t == "real32":
        return struct.unpack("<f", struct.pack("<f", v))[0]
    if t == "real64":
        return float(v)
    if t == "bool":
        return bool(v)
    if t == "binary":
        return bytes.fromhex(v.replace(" ", ""))
    if t == "guid":
        return canon_guid(v)
    if t == "filetime":
        return time_value(v)
    if t == "systemtime":
        m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?Z?", v)
        frac = m.group(7) or ""
        return tuple(int(x) for x in m.groups()[:6]) + (int(frac.ljust(3, "0")) if frac else 0,)
    if t == "sid":
        return v
    if t == "null":
        return ""
    raise ValueError(f"no canonical form for {t}")


def same(t, got, want, oracle):
    if t == "filetime":
        # python-evtx computes float(ticks) * 1e-7, whose resolution near 1.3e10 s is about 2 us,
        # then keeps microseconds: allow 5 us there, nothing for libevtx (100 ns, 9 digits).
        return abs(got - want) <= (50 if oracle == "python-evtx" else 0)
    if t == "real32":
        return math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-30)
    if t == "real64":
        return math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-300)
    return got == want


def compare_scalar(where, t, text, v, oracle):
    try:
        got = canon(t, text, oracle)
    except Exception as e:  # noqa: BLE001 - any unreadable text is a mismatch
        fail(f"{oracle}: {where}: cannot read {text!r} as {t}: {e}")
        return
    want = canon_expected(t, v)
    if not same(t, got, want, oracle):
        fail(f"{oracle}: {where}: {t} {got!r} != expected {want!r} (text {text!r})")


def array_items(elems, oracle):
    """The item texts of an array value: libevtx repeats the element, python-evtx writes <string> markup."""
    if oracle == "python-evtx":
        text = text_of(elems[0]) if elems else ""
        return re.findall(r"<string>(.*?)</string>", text, re.S)
    texts = [text_of(e) for e in elems]
    return texts


def compare_value(where, tv, elems, oracle):
    """elems: the reader's elements carrying this value (several for an array read by libevtx)."""
    t, v = tv
    if t.endswith("[]"):
        base = t[:-2]
        got = array_items(elems, oracle)
        want = list(v)
        if got == [""] and not want:
            got = []
        if len(got) != len(want):
            fail(f"{oracle}: {where}: {len(got)} array items, expected {len(want)}")
            return
        for i, (text, item) in enumerate(zip(got, want)):
            compare_scalar(f"{where}[{i}]", base, text, item, oracle)
        return
    if t == "null":
        if any(text_of(e) or len(e) for e in elems):
            fail(f"{oracle}: {where}: expected an empty value")
        return
    if len(elems) != 1:
        fail(f"{oracle}: {where}: {len(elems)} elements, expected 1")
        return
    if t == "binxml":
        (name, body), = v.items()
        kids = list(elems[0])
        if len(kids) != 1:
            fail(f"{oracle}: {where}: binxml value holds {len(kids)} elements, expected 1")
            return
        compare_tree(where, TypeTree(name, body), kids[0], oracle)
        return
    compare_scalar(where, t, text_of(elems[0]), v, oracle)


def elements_per_value(tv, elems, pos, oracle):
    """How many of the reader's consecutive elements carry value tv (unnamed Data)."""
    t, v = tv
    if t == "null":
        return 0 if oracle == "libevtx" else 1
    if t.endswith("[]") and oracle == "libevtx":
        return max(1, len(v))
    return 1


def compare_tree(where, exp, elem, oracle):
    here = f"{where}/{exp.name}"
    if local(elem.tag) != exp.name:
        fail(f"{oracle}: {here}: element <{local(elem.tag)}>, expected <{exp.name}>")
        return
    seen = set()
    for an, av in exp.attrs.items():
        key = "_" + an.replace(":", "_") if an == "xmlns" or an.startswith("xmlns:") else an
        seen.add(key)
        got = elem.get(key)
        if av[0] == "literal":
            if got != av[1]:
                fail(f"{oracle}: {here}@{an}: {got!r} != expected {av[1]!r}")
        elif av[0] == "null":
            if got not in (None, ""):
                fail(f"{oracle}: {here}@{an}: expected no value, got {got!r}")
        else:
            if got is None:
                fail(f"{oracle}: {here}@{an}: missing")
            else:
                compare_scalar(f"{here}@{an}", av[0], got, av[1], oracle)
    for k, v in elem.attrib.items():
        if k not in seen and v != "":
            fail(f"{oracle}: {here}: unexpected attribute {k}={v!r}")
    kids = list(elem)
    want = exp.children
    if oracle == "libevtx":  # an optional substitution with a null value drops its element
        want = [c for c in want if not (c.value and c.value[0] == "null" and not c.children and not c.attrs)]
    if len(kids) != len(want):
        fail(f"{oracle}: {here}: {len(kids)} child elements, expected {len(want)}")
        return
    for c, e in zip(want, kids):
        compare_tree(here, c, e, oracle)
    if exp.value is not None and not exp.children:
        compare_value(here, exp.value, [elem], oracle)


def compare_record(exp, ev, oracle):
    where = f"record {exp.record_id}"
    system = child(ev, "System")
    if system is None:
        fail(f"{oracle}: {where}: no <System>")
        return
    prov = child(system, "Provider")
    if attr(prov, "Name") != exp.provider:
        fail(f"{oracle}: {where}: Provider Name {attr(prov, 'Name')!r} != {exp.provider!r}")
    guid = attr(prov, "Guid")
    if (canon_guid(guid) if guid else None) != (canon_guid(exp.guid) if exp.guid else None):
        fail(f"{oracle}: {where}: Provider Guid {guid!r} != {exp.guid!r}")
    eid = child(system, "EventID")
    if text_of(eid) != str(exp.event_id):
        fail(f"{oracle}: {where}: EventID {text_of(eid)!r} != {exp.event_id}")
    q = attr(eid, "Qualifiers")
    if (int(q) if q is not None else None) != exp.qualifiers:
        fail(f"{oracle}: {where}: Qualifiers {q!r} != {exp.qualifiers!r}")
    for name, want in (("Version", exp.version), ("Level", exp.level), ("Task", exp.task), ("Opcode", exp.opcode),
                       ("EventRecordID", exp.record_id)):
        got = text_of(child(system, name))
        if got != str(want):
            fail(f"{oracle}: {where}: {name} {got!r} != {want}")
    kw = text_of(child(system, "Keywords"))
    if int(kw, 16) != exp.keywords:
        fail(f"{oracle}: {where}: Keywords {kw!r} != {exp.keywords:#x}")
    tc = attr(child(system, "TimeCreated"), "SystemTime")
    if tc is None or not same("filetime", iso_to_ticks(tc)[0], exp.time, oracle):
        fail(f"{oracle}: {where}: TimeCreated {tc!r} != {exp.time} ticks")
    corr = child(system, "Correlation")
    for name, want in (("ActivityID", exp.activity_id), ("RelatedActivityID", exp.related_activity_id)):
        got = attr(corr, name)
        if (canon_guid(got) if got else None) != (canon_guid(want) if want else None):
            fail(f"{oracle}: {where}: Correlation {name} {got!r} != {want!r}")
    execution = child(system, "Execution")
    for name, want in (("ProcessID", exp.process_id), ("ThreadID", exp.thread_id)):
        if attr(execution, name) != str(want):
            fail(f"{oracle}: {where}: Execution {name} {attr(execution, name)!r} != {want}")
    for name, want in (("Channel", exp.channel), ("Computer", exp.computer)):
        if text_of(child(system, name)) != want:
            fail(f"{oracle}: {where}: {name} {text_of(child(system, name))!r} != {want!r}")
    uid = attr(child(system, "Security"), "UserID")
    if uid != exp.user_sid:
        fail(f"{oracle}: {where}: Security UserID {uid!r} != {exp.user_sid!r}")

    ed = child(ev, "EventData")
    ud = child(ev, "UserData")
    if exp.body_kind is None:
        if ed is not None or ud is not None:
            fail(f"{oracle}: {where}: has a body, expected none")
        return
    if exp.body_kind == "user_data":
        if ud is None or len(ud) != 1:
            fail(f"{oracle}: {where}: expected <UserData> with one element")
            return
        compare_tree(where + " UserData", exp.tree, ud[0], oracle)
        return
    if ed is None:
        fail(f"{oracle}: {where}: no <EventData>")
        return
    datas = [d for d in ed if local(d.tag) == "Data"]
    if len(datas) != len(ed):
        fail(f"{oracle}: {where}: <EventData> holds elements other than <Data>")
    if exp.body_kind == "event_data":
        groups = {}
        for d in datas:
            groups.setdefault(d.get("Name"), []).append(d)
        for name, tv in exp.named:
            elems = groups.pop(name, [])
            if not elems and tv[0] == "null" and oracle == "libevtx":
                continue
            if not elems:
                fail(f"{oracle}: {where}: no Data Name={name!r}")
                continue
            compare_value(f"{where} Data[{name}]", tv, elems, oracle)
        for name in groups:
            fail(f"{oracle}: {where}: unexpected Data Name={name!r}")
    else:
        pos = 0
        for i, tv in enumerate(exp.unnamed):
            n = elements_per_value(tv, datas, pos, oracle)
            elems = datas[pos:pos + n]
            for d in elems:
                if d.get("Name") is not None:
                    fail(f"{oracle}: {where}: Data {i} has a Name")
            if len(elems) != n:
                fail(f"{oracle}: {where}: too few <Data> elements")
                return
            compare_value(f"{where} Data#{i}", tv, elems, oracle)
            pos += n
        if pos != len(datas):
            fail(f"{oracle}: {where}: {len(datas) - pos} unexpected <Data> elements")


# ---------------------------------------------------------------- the two readers

def read_python_evtx(path, expected, render):
    """Record ids through python-evtx; with render, each record rendered by Record.xml(), what
    evtx_dump.py prints, so that a record it cannot read does not hide the ones after it."""
    skipped = 0
    count = 0
    with pyevtx.Evtx(path) as log:
        for i, rec in enumerate(log.records()):
            count += 1
            exp = expected[i] if i < len(expected) else None
            unsupported = sorted(exp.types & PY_UNSUPPORTED) if exp else []
            if not render:
                if exp is not None and rec.record_num() != exp.record_id:
                    fail(f"python-evtx: record #{i}: header id {rec.record_num()} != {exp.record_id}")
                continue
            try:
                xml = rec.xml()
            except Exception as e:  # noqa: BLE001
                if unsupported:
                    skipped += 1
                    print(f"  python-evtx: record {exp.record_id} not compared: python-evtx 0.6.1 cannot read "
                          f"{', '.join(unsupported)} ({type(e).__name__}: {e})")
                    continue
                fail(f"python-evtx: record #{i}: {type(e).__name__}: {e}")
                continue
            if exp is None:
                continue
            if rec.record_num() != exp.record_id:
                fail(f"python-evtx: record #{i}: header id {rec.record_num()} != {exp.record_id}")
            if unsupported:
                skipped += 1
                print(f"  python-evtx: record {exp.record_id} rendered but not compared ({', '.join(unsupported)})")
                continue
            try:
                ev = parse_xml(xml)
            except ET.ParseError as e:
                fail(f"python-evtx: record {exp.record_id}: output is not XML: {e}")
                continue
            compare_record(exp, ev, "python-evtx")
    if count != len(expected):
        fail(f"python-evtx: {count} records, expected {len(expected)}")
    return skipped


def run_evtx_dump(path, expected):
    """evtx_dump.py itself, on files it can read whole: exit 0, nothing on stderr, every record."""
    r = subprocess.run(["evtx_dump.py", path], capture_output=True, text=True)
    if r.returncode != 0 or r.stderr.strip():
        fail(f"evtx_dump.py: exit {r.returncode}: {r.stderr.strip().splitlines()[-1:] }")
        return
    body = r.stdout.split("\n", 1)[1] if r.stdout.startswith("<?xml") else r.stdout
    try:
        root = parse_xml(body)
    except ET.ParseError as e:
        fail(f"evtx_dump.py: output is not XML: {e}")
        return
    events = [e for e in root if local(e.tag) == "Event"]
    if len(events) != len(expected):
        fail(f"evtx_dump.py: {len(events)} records, expected {len(expected)}")
    for exp, ev in zip(expected, events):
        compare_record(exp, ev, "python-evtx")


def read_libevtx(path, expected):
    r = subprocess.run(["evtxexport", "-f", "xml", path], capture_output=True, text=True)
    if r.returncode != 0 or r.stderr.strip():
        fail(f"evtxexport: exit {r.returncode}; stderr: {' | '.join(r.stderr.strip().splitlines()[:3])}")
    body = r.stdout
    start = body.find("<Event")
    if "Unable" in body:
        fail("evtxexport: " + next(line for line in body.splitlines() if "Unable" in line))
    root = parse_xml("<Events>" + (body[start:] if start >= 0 else "") + "</Events>")
    events = [e for e in root if local(e.tag) == "Event"]
    if len(events) != len(expected):
        fail(f"libevtx: {len(events)} records, expected {len(expected)}")
    for exp, ev in zip(expected, events):
        compare_record(exp, ev, "libevtx")


# ---------------------------------------------------------------- the file's own structure

def name_hash(units):
    """MS-EVEN6 NameHash over UTF-16 code units (a str is taken as its UTF-16LE units)."""
    if isinstance(units, str):
        b = units.encode("utf-16-le")
        units = struct.unpack(f"<{len(b) // 2}H", b)
    h = 0
    for u in units:
        h = (h * 65599 + u) & 0xFFFFFFFF
    return h & 0xFFFF


def chunk_crcs_ok(c):
    free = struct.unpack_from("<I", c, 48)[0]
    data_ok = zlib.crc32(c[512:free]) == struct.unpack_from("<I", c, 52)[0]
    head_ok = zlib.crc32(c[:120] + c[128:512]) == struct.unpack_from("<I", c, 124)[0]
    return head_ok, data_ok


def check_structure(path, expected, per_chunk_max):
    data = open(path, "rb").read()
    h = data[:4096]
    nchunks = (len(data) - 4096) // 65536
    if (len(data) - 4096) % 65536:
        fail(f"structure: file size {len(data)} is not 4096 + n * 65536")
    magic, first, last, next_id, hsize, minor, major, block, count = struct.unpack_from("<8sQQQIHHHH", h)
    flags, crc = struct.unpack_from("<II", h, 120)
    want_next = expected[-1].record_id + 1 if expected else None
    checks = [
        ("magic", magic, b"ElfFile\0"), ("first chunk", first, 0), ("last chunk", last, max(nchunks - 1, 0)),
        ("header size", hsize, 128), ("version", (major, minor), (3, 1)), ("block size", block, 4096),
        ("chunk count", count, nchunks & 0xFFFF), ("flags", flags, 0), ("header CRC", crc, zlib.crc32(h[:120])),
    ]
    if want_next is not None:
        checks.append(("next record id", next_id, want_next))
    for name, got, want in checks:
        if got != want:
            fail(f"structure: file header {name} {got!r} != {want!r}")
    if any(h[128:]) or any(h[44:120]):
        fail("structure: unused file header bytes are not zero")
    with pyevtx.Evtx(path) as log:
        fh = log.get_file_header()
        if not fh.verify():
            fail("python-evtx: FileHeader.verify() is false")
        for i, ch in enumerate(fh.chunks()):
            if not ch.verify():
                fail(f"python-evtx: chunk {i}: ChunkHeader.verify() is false (magic or a CRC)")
    rid = expected[0].record_id if expected else None
    for k in range(nchunks):
        c = data[4096 + k * 65536:4096 + (k + 1) * 65536]
        if c[:8] != b"ElfChnk\0":
            fail(f"structure: chunk {k}: bad magic")
            continue
        f_first, f_last, l_first, l_last, csize, last_off, free = struct.unpack_from("<QQQQIII", c, 8)
        if struct.unpack_from("<I", c, 120)[0] != 0:
            fail(f"structure: chunk {k}: flags are not 0")
        head_ok, data_ok = chunk_crcs_ok(c)
        if not head_ok or not data_ok:
            fail(f"structure: chunk {k}: header CRC {'ok' if head_ok else 'BAD'}, data CRC {'ok' if data_ok else 'BAD'}")
        if csize != 128 or f_first != l_first or f_last != l_last or (rid is not None and l_first != rid):
            fail(f"structure: chunk {k}: header fields {csize} {f_first}..{f_last} {l_first}..{l_last}, next id {rid}")
        if any(c[free:]):
            fail(f"structure: chunk {k}: bytes after the free-space offset are not zero")
        # records, and the first use of each template in the chunk being an inline definition
        pos, n, last_seen, templates = 512, 0, None, {}
        while pos < free:
            magic_r, size, rec_id = struct.unpack_from("<IIQ", c, pos)
            if magic_r != 0x2A2A or size % 8 or struct.unpack_from("<I", c, pos + size - 4)[0] != size:
                fail(f"structure: chunk {k}: bad record at {pos}")
                break
            if rid is not None and rec_id != rid:
                fail(f"structure: chunk {k}: record id {rec_id}, expected {rid}")
            frag, tok, one, tid, toff = struct.unpack_from("<IBBII", c, pos + 24)
            if frag != 0x0001010F or tok != 0x0C:
                fail(f"structure: chunk {k}: record {rec_id} does not start with a fragment and a template instance")
            elif tid not in templates:
                if toff != pos + 24 + 4 + 10:
                    fail(f"structure: chunk {k}: record {rec_id}: first use of template {tid:#x} is not inline")
                templates[tid] = toff
            elif templates[tid] != toff:
                fail(f"structure: chunk {k}: record {rec_id}: template {tid:#x} referenced at {toff}, defined at {templates[tid]}")
            last_seen = pos
            pos += size
            n += 1
            if rid is not None:
                rid += 1
        if pos != free or last_seen != last_off:
            fail(f"structure: chunk {k}: records end at {pos} (free {free}), last at {last_seen} (header {last_off})")
        if n != (l_last - l_first + 1):
            fail(f"structure: chunk {k}: {n} records, header says {l_first}..{l_last}")
        if per_chunk_max and n > per_chunk_max:
            fail(f"structure: chunk {k}: {n} records, more than --records-per-chunk-max {per_chunk_max}")
        for b in range(64):  # string table: chains of names in the right buckets
            off = struct.unpack_from("<I", c, 128 + 4 * b)[0]
            hops = 0
            while off:
                nxt, hsh, ln = struct.unpack_from("<IHH", c, off)
                name = c[off + 8:off + 8 + 2 * ln].decode("utf-16-le")
                if name_hash(name) != hsh or hsh % 64 != b:
                    fail(f"structure: chunk {k}: name {name!r} at {off} has hash {hsh:#06x}, bucket {b}")
                off = nxt
                hops += 1
                if hops > 10000:
                    fail(f"structure: chunk {k}: string table loops")
                    break
        for b in range(32):  # template table
            off = struct.unpack_from("<I", c, 384 + 4 * b)[0]
            while off:
                guid = c[off + 4:off + 20]
                if name_hash(struct.unpack("<8H", guid)) % 32 != b:
                    fail(f"structure: chunk {k}: template at {off} in bucket {b}")
                if c[off - 10] != 0x0C or struct.unpack_from("<I", c, off - 4)[0] != off:
                    fail(f"structure: chunk {k}: template table entry {off} is not an inline definition")
                off = struct.unpack_from("<I", c, off)[0]
    if rid is not None and expected and rid != expected[-1].record_id + 1:
        fail(f"structure: records end at id {rid - 1}, expected {expected[-1].record_id}")


# ---------------------------------------------------------------- damage

def record_offsets(data):
    out = {}
    for k in range((len(data) - 4096) // 65536):
        base = 4096 + k * 65536
        c = data[base:base + 65536]
        if c[:8] != b"ElfChnk\0":
            continue
        free = struct.unpack_from("<I", c, 48)[0]
        pos = 512
        while pos < free:
            size, rid = struct.unpack_from("<IQ", c, pos + 4)
            out[rid] = (k, base + pos)
            pos += size
    return out


def check_damage(kind, clean_path, damaged_path):
    clean = open(clean_path, "rb").read()
    bad = open(damaged_path, "rb").read()
    name, _, arg = kind.partition(":")
    n = int(arg, 0) if arg else None
    nchunks = (len(clean) - 4096) // 65536

    def diff_ranges():
        return [i for i in range(min(len(clean), len(bad))) if clean[i] != bad[i]]

    def header_crc_ok(d):
        return zlib.crc32(d[:120]) == struct.unpack_from("<I", d, 124)[0]

    def chunk(d, k):
        return d[4096 + k * 65536:4096 + (k + 1) * 65536]

    if name == "truncate-chunk":
        free = struct.unpack_from("<I", chunk(clean, n), 48)[0]
        want = 4096 + n * 65536 + 512 + (free - 512) // 2
        if len(bad) != want or bad != clean[:want]:
            fail(f"damage {kind}: length {len(bad)}, expected {want} bytes of the clean file")
        return
    if len(bad) != len(clean):
        fail(f"damage {kind}: the length changed")
        return
    d = diff_ranges()
    flags = struct.unpack_from("<I", bad, 120)[0]
    with pyevtx.Evtx(damaged_path) as log:
        fh = log.get_file_header()
        chunk_verify = [ch.verify() for ch in fh.chunks()]
        file_verify = fh.verify()
    if name == "flip":
        if d != [n] or bad[n] != clean[n] ^ 0xFF:
            fail(f"damage {kind}: bytes {d[:5]} differ, expected only byte {n} xor 0xFF")
    elif name == "header-crc":
        if not d or min(d) < 124 or max(d) > 127 or header_crc_ok(bad) or file_verify:
            fail(f"damage {kind}: expected only a wrong file header CRC")
    elif name == "dirty":
        if flags != 1 or not header_crc_ok(bad) or not file_verify or max(d) > 127:
            fail(f"damage {kind}: flags {flags:#x}, CRC ok {header_crc_ok(bad)}")
    elif name == "chunk-count":
        if struct.unpack_from("<H", bad, 42)[0] != n or not header_crc_ok(bad) or max(d) > 127:
            fail(f"damage {kind}: chunk count {struct.unpack_from('<H', bad, 42)[0]}")
    elif name == "no-crc":
        if flags & 4 == 0 or struct.unpack_from("<I", bad, 124)[0] != 0:
            fail(f"damage {kind}: file flags {flags:#x} / CRC not 0")
        for k in range(nchunks):
            c = chunk(bad, k)
            if struct.unpack_from("<I", c, 120)[0] & 4 == 0 or struct.unpack_from("<I", c, 52)[0] or struct.unpack_from("<I", c, 124)[0]:
                fail(f"damage {kind}: chunk {k} has no 0x4 flag or a CRC that is not 0")
    elif name == "chunk-crc":
        head_ok, data_ok = chunk_crcs_ok(chunk(bad, n))
        lo, hi = 4096 + n * 65536, 4096 + n * 65536 + 128
        if not head_ok or data_ok or min(d) < lo or max(d) >= hi or chunk_verify[n]:
            fail(f"damage {kind}: chunk {n} header CRC ok {head_ok}, data CRC ok {data_ok}")
        if not all(v for i, v in enumerate(chunk_verify) if i != n):
            fail(f"damage {kind}: another chunk fails its CRC")
    elif name == "zero-chunk":
        c = chunk(bad, n)
        if any(c) or min(d) < 4096 + n * 65536 or max(d) >= 4096 + (n + 1) * 65536:
            fail(f"damage {kind}: chunk {n} is not all zero, or other bytes changed")
    elif name == "garbage":
        k, off = record_offsets(clean)[n]
        c = chunk(bad, k)
        head_ok, data_ok = chunk_crcs_ok(c)
        if bad[off + 24] != 0x7F or clean[off + 24] != 0x0F or not (head_ok and data_ok):
            fail(f"damage {kind}: record {n} byte {bad[off + 24]:#x}, chunk CRCs ok {head_ok}/{data_ok}")
        if any(x < 4096 + k * 65536 or x >= 4096 + (k + 1) * 65536 for x in d):
            fail(f"damage {kind}: bytes outside chunk {k} changed")
    else:
        fail(f"damage {kind}: unknown kind")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check")
    c.add_argument("spec")
    c.add_argument("evtx")
    c.add_argument("--repeat", type=int, default=1)
    c.add_argument("--records-per-chunk-max", type=int, default=0)
    d = sub.add_parser("damage")
    d.add_argument("kind")
    d.add_argument("clean")
    d.add_argument("damaged")
    a = ap.parse_args()
    if a.cmd == "damage":
        check_damage(a.kind, a.clean, a.damaged)
    else:
        spec = json.load(open(a.spec, encoding="utf-8"))
        expected = expected_records(spec, a.repeat)
        all_types = set().union(*(e.types for e in expected)) if expected else set()
        check_structure(a.evtx, expected, a.records_per_chunk_max)
        py_unreadable = any(e.types & PY_UNSUPPORTED for e in expected)
        skipped = read_python_evtx(a.evtx, expected, render=py_unreadable)
        if not py_unreadable:
            run_evtx_dump(a.evtx, expected)
        else:
            print(f"  evtx_dump.py: not run on the whole file ({skipped} record(s) it cannot read; the rest were "
                  "rendered one by one with the same Record.xml())")
        lib_unsupported = sorted(all_types & LIBEVTX_UNSUPPORTED)
        if lib_unsupported:
            print(f"  libevtx: not compared: evtxexport 20181227 stops at {', '.join(lib_unsupported)}")
        else:
            read_libevtx(a.evtx, expected)
        print(f"  {len(expected)} records, python-evtx compared {len(expected) - skipped}, "
              f"libevtx compared {0 if lib_unsupported else len(expected)}")
    for e in errors[:50]:
        print("MISMATCH " + e)
    if len(errors) > 50:
        print(f"... and {len(errors) - 50} more")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
