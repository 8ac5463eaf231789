#!/usr/bin/env python3
"""An independent implementation of SPOTCHECK-DRAW-1 (shared design DRAW.md), standard library
only, written from the specification and not from the Swift code. Usage:

    draw.py MANIFEST RESULT    recompute RESULT from MANIFEST and the values and substitutions
                               RESULT records; print OK, or the first difference and exit 1.
"""
import hashlib
import json
import sys


def sha(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def key_string(sources, values):
    parts = []
    for source in sources:
        value = values[source["name"]]
        if source["kind"] == "integers":
            parts.append("".join("%d." % n for n in sorted(value)) + "/")
        else:
            assert all(c.isascii() and (c.isalnum() or c in "-_:") for c in value)
            parts.append(value.lower() + "./")
    return "".join(parts)


def draw(manifest_bytes, values, substitutions):
    manifest = json.loads(manifest_bytes.decode("utf-8"))
    manifest_sha = hashlib.sha256(manifest_bytes).hexdigest()
    key = key_string(manifest["sources"], values)
    seed = sha("SPOTCHECK-DRAW-1\n" + manifest_sha + "\n" + key)

    def ticket(domain, ident):
        return sha(seed + "\n" + domain + "\n" + ident)

    def by_bytes(s):
        return s.encode("utf-8")

    institutions = manifest["institutions"]
    stage1 = None
    if manifest["stage1"] is not None:
        codes = sorted({i["jurisdiction"] for i in institutions},
                       key=lambda c: (ticket("jurisdiction", c), by_bytes(c)))
        drawn = codes[: manifest["stage1"]["jurisdictions"]]
        stage1 = {"drawn": [{"jurisdiction": c, "ticket": ticket("jurisdiction", c)} for c in drawn]}
        institutions = [i for i in institutions if i["jurisdiction"] in set(drawn)]

    if manifest["stratify_by_jurisdiction"]:
        groups = sorted({i["jurisdiction"] for i in institutions}, key=by_bytes)
    else:
        groups = [None]
    strata, selected = [], []
    for group in groups:
        for risk in ("high", "normal"):
            members = [i for i in institutions if i["risk"] == risk and (group is None or i["jurisdiction"] == group)]
            rate = manifest["rates"][risk]
            required = (len(members) * rate["num"] + rate["den"] - 1) // rate["den"]
            eligible = sorted((i for i in members if i["eligible"]),
                              key=lambda i: (ticket("institution", i["id"]), by_bytes(i["id"])))
            picked = eligible[:required]
            selected += [i["id"] for i in picked]
            strata.append({"jurisdiction": group, "risk": risk, "population": len(members),
                           "eligible": len(eligible), "required": required,
                           "selected": [{"institution": i["id"], "ticket": ticket("institution", i["id"])} for i in picked],
                           "shortfall": required - len(picked)})

    available = [p for p in manifest["inspectors"] if p["available"]]
    conflicts = {(c["inspector"], c["institution"]) for c in manifest["conflicts"]}
    cap = manifest["max_assignments_per_inspector"]
    size = manifest["team_size"]

    def order(institution):
        return sorted(available, key=lambda p: (p["pool"] != "local", ticket("inspector/" + institution, p["id"]), by_bytes(p["id"])))

    load, teams, current = {}, [], {}
    for institution in selected:
        members, skipped = [], []
        for person in order(institution):
            if len(members) == size:
                break
            pid = person["id"]
            if (pid, institution) in conflicts:
                skipped.append({"inspector": pid, "reason": "conflict"})
            elif cap is not None and load.get(pid, 0) >= cap:
                skipped.append({"inspector": pid, "reason": "at-capacity"})
            else:
                members.append({"inspector": pid, "ticket": ticket("inspector/" + institution, pid)})
                load[pid] = load.get(pid, 0) + 1
        teams.append({"institution": institution, "members": members, "skipped": skipped, "shortfall": size - len(members)})
        current[institution] = [m["inspector"] for m in members]

    done, out = [], {}
    for sub in substitutions:
        team = current[sub["institution"]]
        team.remove(sub["inspector"])
        load[sub["inspector"]] -= 1
        out.setdefault(sub["institution"], set()).add(sub["inspector"])
        replacement = None
        for person in order(sub["institution"]):
            pid = person["id"]
            if pid in team or pid in out[sub["institution"]] or (pid, sub["institution"]) in conflicts:
                continue
            if cap is not None and load.get(pid, 0) >= cap:
                continue
            replacement = pid
            break
        if replacement is not None:
            team.append(replacement)
            load[replacement] = load.get(replacement, 0) + 1
        done.append({"inspector": sub["inspector"], "institution": sub["institution"], "reason": sub["reason"], "replacement": replacement})

    return {"format": "SPOTCHECK-DRAW-1", "round": manifest["round"], "manifest_sha256": manifest_sha,
            "sources": [{"name": s["name"], "kind": s["kind"], "value": values[s["name"]]} for s in manifest["sources"]],
            "key_string": key, "seed": seed, "stage1": stage1, "strata": strata, "teams": teams, "substitutions": done}


def first_difference(a, b, path="result"):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in list(a.keys()) + [k for k in b.keys() if k not in a]:
            if k not in a or k not in b:
                return "%s.%s present on one side only" % (path, k)
            d = first_difference(a[k], b[k], path + "." + k)
            if d:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        for i in range(max(len(a), len(b))):
            if i >= len(a) or i >= len(b):
                return "%s[%d] present on one side only" % (path, i)
            d = first_difference(a[i], b[i], "%s[%d]" % (path, i))
            if d:
                return d
        return None
    return None if a == b else "%s: published %r, recomputed %r" % (path, b, a)


def main():
    manifest_bytes = open(sys.argv[1], "rb").read()
    published = json.load(open(sys.argv[2], encoding="utf-8"))
    values = {s["name"]: s["value"] for s in published["sources"]}
    subs = [{"inspector": s["inspector"], "institution": s["institution"], "reason": s["reason"]} for s in published["substitutions"]]
    try:
        recomputed = draw(manifest_bytes, values, subs)
    except (KeyError, ValueError, AssertionError) as error:
        print("DIFFERENT: cannot recompute from these files: %r" % (error,))
        sys.exit(1)
    difference = first_difference(recomputed, published)
    if difference:
        print("DIFFERENT: " + difference)
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
