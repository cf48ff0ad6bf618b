#!/usr/bin/env python3
"""Spoils the tags of a tagged PDF in one way, so that a test can show pdftags.py fails on it.

Usage: pdftags_doctor.py IN.pdf OUT.pdf MODE

MODE is one of
  swap-td       two TDs of one row exchange their content (and the parent tree follows, so only
                the cells' texts give it away)
  drop-p        a P is taken out of the Document (its content belongs to no element)
  swap-p        two Ps of the Document change places (reading order)
  drop-td       a TD is taken out of its TR
  scope         a TH with /Scope /Column says /Row
  drop-headers  the last TD with /Headers loses them (where the THs' /Scope alone does not say
                which THs head it)
  folio         page 1's number is marked as content (an MCID) instead of an artifact
  cross-text    page 1's first marked-content sequence inside the text object is cut by an ET
                and a BT (the sequence crosses the edge of a text object)

It edits through `qpdf --json` and `qpdf --update-from-json`. Exit status 2 if it cannot.
"""
import base64
import json
import re
import subprocess
import sys


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    src, dst, mode = sys.argv[1:]
    # Edited in a copy without object streams: qpdf 11.3's --update-from-json loses the
    # changes to objects of any object stream but the first.
    classic = dst + ".classic.pdf"
    if subprocess.run(["qpdf", "--object-streams=disable", src, classic]).returncode not in (0, 3):
        sys.exit(2)
    src = classic
    out = subprocess.run(["qpdf", "--json=2", "--json-stream-data=inline",
                          "--decode-level=generalized", src, "-"], capture_output=True)
    if out.returncode not in (0, 3):
        sys.exit(2)
    j = json.loads(out.stdout)
    objs = j["qpdf"][1]
    changed = {}

    def get(ref):
        o = objs.get("obj:" + ref)
        return o.get("value") if o else None

    def put(ref, value):
        objs["obj:" + ref]["value"] = value
        changed["obj:" + ref] = objs["obj:" + ref]

    elems = {k[4:]: v["value"] for k, v in objs.items()
             if k.startswith("obj:") and isinstance(v.get("value"), dict) and "/S" in v["value"]}
    root = get(objs["trailer"]["value"]["/Root"])
    st = get(root["/StructTreeRoot"])
    document = get(st["/K"][0] if isinstance(st["/K"], list) else st["/K"])
    doc_ref = st["/K"][0] if isinstance(st["/K"], list) else st["/K"]

    if mode in ("swap-td", "drop-td"):
        for ref, e in elems.items():
            if e["/S"] != "/TR":
                continue
            tds = [k for k in e.get("/K", []) if elems.get(k, {}).get("/S") == "/TD"
                   and elems[k].get("/K")]
            if len(tds) < 2:
                continue
            a, b = tds[0], tds[1]
            if mode == "drop-td":
                e["/K"].remove(a)
                put(ref, e)
                break
            ea, eb = dict(elems[a]), dict(elems[b])
            ea["/K"], eb["/K"] = elems[b]["/K"], elems[a]["/K"]
            ea["/Pg"], eb["/Pg"] = elems[b].get("/Pg"), elems[a].get("/Pg")
            put(a, ea)
            put(b, eb)
            # The parent tree follows the swap.
            pt = st["/ParentTree"]
            pt = get(pt) if isinstance(pt, str) else pt
            nums = pt["/Nums"]
            for i in range(1, len(nums), 2):
                arr = nums[i]
                arr_ref = arr if isinstance(arr, str) else None
                arr = get(arr) if arr_ref else arr
                arr[:] = [b if x == a else a if x == b else x for x in arr]
                if arr_ref:
                    put(arr_ref, arr)
            if isinstance(st["/ParentTree"], str):
                put(st["/ParentTree"], pt)
            else:
                put(root["/StructTreeRoot"], st)
            break
        else:
            sys.exit(2)
    elif mode in ("drop-p", "swap-p"):
        ps = [i for i, k in enumerate(document["/K"]) if elems.get(k, {}).get("/S") == "/P"]
        if len(ps) < 3:
            sys.exit(2)
        if mode == "drop-p":
            del document["/K"][ps[1]]
        else:
            k = document["/K"]
            k[ps[1]], k[ps[2]] = k[ps[2]], k[ps[1]]
        put(doc_ref, document)
    elif mode == "scope":
        for ref, e in elems.items():
            a = e.get("/A")
            if e["/S"] == "/TH" and isinstance(a, dict) and a.get("/Scope") == "/Column":
                a["/Scope"] = "/Row"
                put(ref, e)
                break
        else:
            sys.exit(2)
    elif mode == "drop-headers":
        with_headers = [ref for ref, e in elems.items() if e["/S"] == "/TD" and
                        isinstance(e.get("/A"), dict) and "/Headers" in e["/A"]]
        if not with_headers:
            sys.exit(2)
        ref = max(with_headers, key=lambda r: int(r.split()[0]))
        e = elems[ref]
        del e["/A"]["/Headers"]
        put(ref, e)
    elif mode in ("folio", "cross-text"):
        page = get(get(root["/Pages"])["/Kids"][0])
        ref = page["/Contents"]
        stream = objs["obj:" + ref]["stream"]
        data = base64.b64decode(stream["data"])
        if mode == "folio":
            at = data.rfind(b"/Artifact BMC")
            if at < 0:
                sys.exit(2)
            data = data[:at] + b"/P << /MCID 999 >> BDC" + data[at + len(b"/Artifact BMC"):]
        else:
            bt = data.find(b"BT")
            at = data.find(b"BDC", bt) if bt >= 0 else -1
            if at < 0:
                sys.exit(2)
            data = data[:at + 3] + b"\nET\nBT\n" + data[at + 3:]
        stream["data"] = base64.b64encode(data).decode()
        stream["dict"].pop("/Filter", None)
        stream["dict"].pop("/DecodeParms", None)
        changed["obj:" + ref] = {"stream": stream}
    else:
        print("pdftags_doctor.py: unknown mode " + mode, file=sys.stderr)
        sys.exit(2)

    update = {"qpdf": [j["qpdf"][0], changed]}
    tmp = dst + ".json"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(update, f, ensure_ascii=False)
    r = subprocess.run(["qpdf", src, "--update-from-json=" + tmp, dst])
    sys.exit(0 if r.returncode in (0, 3) else 2)


if __name__ == "__main__":
    main()
