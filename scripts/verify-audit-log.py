#!/usr/bin/env python3
"""Checks a Masker audit log on its own, with nothing but Python's standard library: the
independent check docs/audit.md promises auditors.

Usage: MASKER_AUDIT_HMAC_KEY=<base64 key> python3 verify-audit-log.py audit.jsonl [expected-root]
Prints the record count and root and exits 0 when the chain holds; prints the first broken line and
exits 1 otherwise.
"""
import base64, hashlib, hmac, json, os, sys

GENESIS = "0" * 64


def canonical(value):
    # Masker's canonical JSON is exactly this call's output (docs/audit.md, "Canonical JSON").
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def verify(path, key, expected_root=None):
    previous, start, records, checkpoint_roots, seen_expected = GENESIS, GENESIS, 0, set(), False
    with open(path, "rb") as log:
        for number, raw in enumerate(log, start=1):
            if not raw.endswith(b"\n"):
                return f"line {number}: incomplete last record"
            record = json.loads(raw.decode("utf-8"))
            this_hash = record.pop("this_hash")
            mac = hmac.new(key, record["prev_hash"].encode("ascii") + canonical(record).encode("utf-8"), hashlib.sha256)
            if not hmac.compare_digest(mac.hexdigest(), this_hash):
                return f"line {number}: this_hash does not match the record (edited, or another key)"
            if records == 0:
                start = record["prev_hash"]
            elif record["prev_hash"] != previous:
                return f"line {number}: prev_hash does not follow the previous record (deleted, inserted or reordered)"
            if record["kind"] == "retention_checkpoint":
                checkpoint_roots.add(record["detail"]["dropped_root"])
            previous, records = this_hash, records + 1
            seen_expected = seen_expected or this_hash == expected_root
    if start != GENESIS and start not in checkpoint_roots:
        return "line 1: records were deleted from the start (no retention checkpoint accounts for them)"
    if expected_root and not seen_expected:
        return "the expected root is not in the chain: records were cut from the end"
    print(f"chain holds: {records} records, root {previous}")
    return None


if __name__ == "__main__":
    problem = verify(sys.argv[1], base64.b64decode(os.environ["MASKER_AUDIT_HMAC_KEY"]), sys.argv[2] if len(sys.argv) > 2 else None)
    if problem:
        print(problem)
        sys.exit(1)
