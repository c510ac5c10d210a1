"""Per trial of bench/gpu-check/run.sh: the GPU it used, its time and loss; fails on a shared GPU."""
import json
import re
import sys
from datetime import datetime
from pathlib import Path

trials_json, trial_dirs = sys.argv[1], Path(sys.argv[2])
data = json.load(open(trials_json))
items = data["items"] if isinstance(data, dict) else data
rows = []
for t in items:
    out = (trial_dirs / t["name"] / "output.log").read_text()
    device = re.search(r"^device=(.*) visible=(\S*)", out, re.M)
    seconds = re.search(r"^train_seconds=(\S+)", out, re.M)
    times = {c["type"]: c["lastTransitionTime"] for c in t.get("conditions", [])}
    start = datetime.fromisoformat(t.get("startTime") or times.get("Running"))
    end = datetime.fromisoformat(t.get("completionTime") or times.get(t["condition"]))
    rows.append({"name": t["name"], "visible": device.group(2) if device else "?", "device": device.group(1) if device else "?",
                 "seconds": float(seconds.group(1)) if seconds else float("nan"), "condition": t["condition"], "start": start, "end": end,
                 "loss": next((m.get("latest") for m in t.get("observation", {}).get("metrics", []) if m["name"] == "loss"), "-")})
print(f"{'TRIAL':32} {'CUDA_VISIBLE_DEVICES':20} {'DEVICE':28} {'TRAIN s':>8} {'LOSS':>10} CONDITION")
for r in rows:
    print(f"{r['name']:32} {r['visible']:20} {r['device']:28} {r['seconds']:8.2f} {r['loss']:>10} {r['condition']}")
shared = [(a["name"], b["name"]) for i, a in enumerate(rows) for b in rows[i + 1:]
          if a["visible"] == b["visible"] and a["start"] < b["end"] and b["start"] < a["end"]]
if shared or any(r["condition"] != "Succeeded" for r in rows):
    print(f"gpu-check: FAILED: overlapping trials on one GPU: {shared}" if shared else "gpu-check: FAILED: a trial did not succeed", file=sys.stderr)
    sys.exit(1)
print(f"gpu-check: {len(rows)} trials, each on its own GPU while it ran")
