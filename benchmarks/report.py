"""Turn samples into the markdown tables, ``bench-results.json`` and ``bench-results.png``."""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from pathlib import Path
from typing import Any

from benchmarks.scenarios import SCENARIOS

Sample = dict[str, Any]


def summarise(samples: list[Sample]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(scenario, loop, client) -> median/min/max over the good samples, plus failures."""
    groups: dict[tuple[str, str, str], list[Sample]] = defaultdict(list)
    for s in samples:
        groups[(s["scenario"], s["loop"], s["client"])].append(s)
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    for key, group in groups.items():
        values = [s["value"] for s in group if "value" in s]
        cpus = [s["cpu_us_per_op"] for s in group if "cpu_us_per_op" in s]
        rss = [s["maxrss_kib"] for s in group if "maxrss_kib" in s]
        errors = [s["error"] for s in group if "error" in s]
        out[key] = {
            "n": len(values),
            "median": statistics.median(values) if values else None,
            "min": min(values) if values else None,
            "max": max(values) if values else None,
            "cpu_us_per_op": statistics.median(cpus) if cpus else None,
            "maxrss_kib": statistics.median(rss) if rss else None,
            "errors": errors,
            "crashed": any(s.get("exit_crash") for s in group),
            "capped": any(s.get("capped") for s in group),
        }
    return out


def _num(v: float) -> str:
    return f"{v:,.0f}" if v >= 100 else f"{v:,.1f}"


def _cell(st: dict[str, Any] | None) -> str:
    if st is None:
        return "–"
    if st["median"] is None:
        return "failed"
    text = _num(st["median"])
    if st["n"] > 1:
        text += f" ({_num(st['min'])}–{_num(st['max'])})"
    marks = ("*" if st["errors"] else "") + ("†" if st["crashed"] else "")
    marks += "‡" if st["capped"] else ""
    return text + marks


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def markdown(samples: list[Sample], clients: list[str], loops: list[str],
             scenarios: list[str], notes: list[str]) -> str:
    summary = summarise(samples)
    parts: list[str] = []
    for loop in loops:
        rows = []
        for sid in scenarios:
            scen = SCENARIOS[sid]
            rows.append([f"{sid} {scen.title} ({scen.unit})"]
                        + [_cell(summary.get((sid, loop, c))) for c in clients])
        parts.append(f"### {loop}: median (min–max)\n\n" + _table(["scenario", *clients], rows))
        rows = []
        for sid in scenarios:
            scen = SCENARIOS[sid]
            # A download's CPU is in milliseconds; a request's in microseconds.
            scale, unit = (1e-3, "ms/download") if scen.stream else (1.0, "µs/request")
            row = [f"{sid} ({unit})"]
            for c in clients:
                st = summary.get((sid, loop, c))
                cpu = st and st["cpu_us_per_op"]
                row.append(_num(cpu * scale) if cpu else "–")
            rows.append(row)
        parts.append(f"### {loop}: client CPU per operation, all threads (median; lower is "
                     "better, and steadier than rates on a shared machine)\n\n"
                     + _table(["scenario", *clients], rows))
        rows = []
        for sid in scenarios:
            row = [sid]
            for c in clients:
                st = summary.get((sid, loop, c))
                rss = st and st["maxrss_kib"]
                row.append(f"{rss / 1024:.1f}" if rss else "–")
            rows.append(row)
        parts.append(f"### {loop}: peak RSS of the client process (MiB, median)\n\n"
                     + _table(["scenario", *clients], rows))
        for ref in ("aiohttp", "raw"):
            if ref not in clients:
                continue
            rows = []
            for sid in scenarios:
                base = summary.get((sid, loop, ref))
                row = [sid]
                for c in clients:
                    st = summary.get((sid, loop, c))
                    if not base or not base["median"] or not st or st["median"] is None:
                        row.append("–")
                    else:
                        row.append(f"{st['median'] / base['median']:.2f}×")
                rows.append(row)
            parts.append(f"### {loop}: ratio to {ref} (same loop, medians)\n\n"
                         + _table(["scenario", *clients], rows))
    legend = ("`*` some rounds failed (see below), `†` the process crashed at exit after "
              "printing its result, `‡` stopped at the time cap (rate over what finished).")
    parts.append(legend)
    failures = sorted({(c, lp, sid, e.splitlines()[0][:160])
                       for (sid, lp, c), st in summary.items() for e in st["errors"]})
    if failures:
        parts.append("Failures:\n\n" + "\n".join(f"- {c} / {lp} / {sid}: {e}"
                                                 for c, lp, sid, e in failures))
    if notes:
        parts.append("Notes:\n\n" + "\n".join(f"- {n}" for n in notes))
    return "\n\n".join(parts) + "\n"


def write_json(path: Path, samples: list[Sample], meta: dict[str, Any]) -> None:
    summary = summarise(samples)
    doc = {
        **meta,
        "summary": [
            {"scenario": sid, "loop": loop, "client": c, **st}
            for (sid, loop, c), st in sorted(summary.items())
        ],
        "samples": samples,
    }
    path.write_text(json.dumps(doc, indent=1, default=str) + "\n")


def write_png(path: Path, samples: list[Sample], clients: list[str], loops: list[str],
              scenarios: list[str], title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display here, and none needed
    import matplotlib.pyplot as plt

    summary = summarise(samples)
    ncols = min(len(scenarios), 4)
    nrows = (len(scenarios) + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.6 * ncols, 3.8 * nrows), squeeze=False)
    width = 0.8 / max(len(loops), 1)
    for ax, sid in zip(axes.flat, scenarios, strict=False):
        scen = SCENARIOS[sid]
        for li, loop in enumerate(loops):
            xs, ys, lo, hi = [], [], [], []
            for ci, c in enumerate(clients):
                st = summary.get((sid, loop, c))
                if not st or st["median"] is None:
                    continue
                xs.append(ci + (li - (len(loops) - 1) / 2) * width)
                ys.append(st["median"])
                lo.append(st["median"] - st["min"])
                hi.append(st["max"] - st["median"])
            ax.bar(xs, ys, width, yerr=[lo, hi], capsize=2, label=loop)
        ax.set_title(f"{sid}: {scen.title}", fontsize=9)
        ax.set_ylabel(scen.unit)
        ax.set_xticks(range(len(clients)))
        ax.set_xticklabels(clients, rotation=45, ha="right", fontsize=8)
        ax.grid(axis="y", alpha=0.3)
    for ax in list(axes.flat)[len(scenarios):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
