"""Benchmark `takst beregn` as a whole process against polars.read_csv of the same file.

Not collected by pytest. From the repository root, in the project's venv:

    python tests/benchmark.py                 # 1 M and 10 M visits, 3 runs each
    python tests/benchmark.py --sizes 1 --runs 5
    python tests/benchmark.py --parquet-100m  # also 100 M visits from Parquet (slow, ~1 h)
    python tests/benchmark.py --scenarier [MAPPE]  # five scenarios vs one beregn (10 M visits)

Data is made by `takst eksempel` into bench_out/ (ignored by git) and reused. Each size runs
twice over the same visits: with the tidy grants (one row per course) and with the same grants
as a care system's history (one row per service, a review every 5 days: up to ~200 rows per
citizen). Prints a table and writes bench_out/benchmark.json: median wall time, ratio to the
parse time, peak RSS, rows/s; also the time to read a 500 000-row XLSX and `takst --help`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench_out"
VISITS_PER_CITIZEN = 751  # what `takst eksempel` makes per citizen, on average
TAKST = [sys.executable, "-m", "takst_cli"]


def run_measured(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err}")
    return wall, usage.ru_maxrss * 1024


HISTORY_REVIEW_DAYS = 5


def ensure_data(millions: float, fmt: str = "csv") -> Path:
    folder = OUT / f"{millions:g}M_{fmt}_forloeb"
    if not (folder / "model.yaml").exists():
        citizens = int(millions * 1_000_000 / VISITS_PER_CITIZEN)
        print(f"laver {millions:g} mio. besøg ({citizens} borgere) i {folder} ...", flush=True)
        subprocess.run(
            [
                *TAKST,
                "eksempel",
                "--ud",
                str(folder),
                "--borgere",
                str(citizens),
                "--seed",
                "1",
                "--leveranceformat",
                fmt,
                "--visitationsform",
                "ryddelig",
                "--visitationsformat",
                "csv",
                "--overskriv",
            ],
            check=True,
        )
    if not (folder / "model_historik.yaml").exists():
        write_history(folder)
    return folder


def write_history(folder: Path) -> None:
    """The folder's tidy grants as a care system's history, and a model file that reads it."""
    import polars as pl

    sys.path.insert(0, str(ROOT))
    from takst_cli.sample import GRANT_HEADERS, grants_export, system_grants

    tidy = pl.read_csv(
        folder / "visitationer.csv", separator=";", infer_schema=False, encoding="utf8-lossy"
    )
    fields = {v: k for k, v in GRANT_HEADERS.items()}
    tidy = tidy.rename({c: fields.get(c.lstrip("\ufeff"), c) for c in tidy.columns})
    tidy = tidy.with_columns(
        pl.col("start_dato", "slut_dato").str.to_date(),
        pl.col("visiterede_minutter_uge", "funktionsevne").str.replace(",", ".").cast(pl.Float64),
    )
    history = grants_export(system_grants(tidy, HISTORY_REVIEW_DAYS))
    history.write_csv(folder / "visitationer_historik.csv", separator=";", date_format="%d-%m-%Y")
    model = (folder / "model.yaml").read_text(encoding="utf-8")
    (folder / "model_historik.yaml").write_text(
        model.replace("visitationer: visitationer.csv", "visitationer: visitationer_historik.csv"),
        encoding="utf-8",
    )


def rows_per_citizen(path: Path) -> tuple[int, int]:
    """Grant rows in all and the most for one citizen."""
    import polars as pl

    grants = pl.read_csv(path, separator=";", infer_schema=False, encoding="utf8-lossy")
    return grants.height, int(grants.group_by(grants.columns[0]).len()["len"].max())  # type: ignore[arg-type]


def rows_of(folder: Path) -> int:
    import polars as pl

    path = next(folder.glob("leverancer.*"))
    lf = pl.scan_parquet(path) if path.suffix == ".parquet" else pl.scan_csv(path, separator=";")
    return int(lf.select(pl.len()).collect().item())


def read_csv_cmd(path: Path) -> list[str]:
    code = (
        f"import polars as pl; pl.read_csv({str(path)!r}, separator=';')"
        if path.suffix == ".csv"
        else f"import polars as pl; pl.read_parquet({str(path)!r})"
    )
    return [sys.executable, "-c", code]


def bench_size(millions: float, runs: int, fmt: str = "csv") -> list[dict[str, object]]:
    """read_csv, then `takst beregn` with the tidy grants and with the grant history,
    alternating, so a busy spell of the machine hits all alike."""
    folder = ensure_data(millions, fmt)
    path = next(folder.glob("leverancer.*"))
    n = rows_of(folder)
    forms = {"ryddelig": "model.yaml", "historik": "model_historik.yaml"}
    cmds = {
        form: [
            *TAKST,
            "beregn",
            "--config",
            str(folder / model),
            "--ud",
            str(folder / f"resultat_{form}.xlsx"),
            "--overskriv",
            "--stille",
            "--udelad-ugyldige",
        ]
        for form, model in forms.items()
    }
    parse: list[tuple[float, int]] = []
    full: dict[str, list[tuple[float, int]]] = {form: [] for form in forms}
    for _ in range(runs):
        parse.append(run_measured(read_csv_cmd(path)))
        for form, cmd in cmds.items():
            full[form].append(run_measured(cmd))
    t_parse = statistics.median(p[0] for p in parse)
    out = []
    for form in forms:
        t_full = statistics.median(f[0] for f in full[form])
        grants = "visitationer.csv" if form == "ryddelig" else "visitationer_historik.csv"
        rows, most = rows_per_citizen(folder / grants)
        out.append(
            {
                "besoeg": n,
                "format": fmt,
                "visitationer": form,
                "visitationsraekker": rows,
                "max_raekker_pr_borger": most,
                "koersler": runs,
                "read_s": round(t_parse, 2),
                "beregn_s": round(t_full, 2),
                "forhold": round(t_full / t_parse, 2),
                "top_rss_mb": round(max(f[1] for f in full[form]) / 2**20),
                "read_rss_mb": round(max(p[1] for p in parse) / 2**20),
                "besoeg_pr_s": round(n / t_full),
            }
        )
    return out


def bench_xlsx(rows: int = 500_000) -> dict[str, object]:
    """Write an XLSX of `rows` visits once, then time reading it through takst's reader."""
    import polars as pl

    path = OUT / f"leverancer_{rows}.xlsx"
    if not path.exists():
        src = next(ensure_data(1).glob("leverancer.csv"))
        frame = pl.read_csv(src, separator=";", infer_schema=False).head(rows)
        sys.path.insert(0, str(ROOT))
        from takst_cli.io.writers import write_xlsx_export

        print(f"skriver {path} ...", flush=True)
        write_xlsx_export(path, frame, "Leverancer")
    code = (
        "from pathlib import Path; from takst_cli.io.readers import read_table; "
        "from takst_cli.models import LEVERANCER_FIELDS as F; "
        "from takst_cli.sample import VISIT_HEADERS as H; "
        f"t = read_table('leverancer', Path({str(path)!r}), F, "
        "{k: H.get(k, k) for k in F}); print(t.frame.collect().height)"
    )
    wall, rss = run_measured([sys.executable, "-c", code])
    return {"raekker": rows, "laes_s": round(wall, 2), "top_rss_mb": round(rss / 2**20)}


# Five price and funding scenarios (issue 18): none changes how the visits fold, so one pass
# over the visits serves all six models (the base and five). Target: ≤ 1,3 × one takst beregn.
FIVE_SCENARIOS = """\
scenarier:
  Løn +4 %:
    timepris.faggrupper[Social- og sundhedshjælper].aarsloen: +4 %
    timepris.faggrupper[Social- og sundhedsassistent].aarsloen: +4 %
  r 8 %:
    forloeb.udviklende.forventet_reduktion: 0,08
  Team Nord på forløb:
    tildeling.teams[Team Nord].model: forloeb
  Klinik 40 %:
    klinik.andel: 40 %
  Aftentillæg og demografi:
    timepris.tillaeg.aften: 0.30
    budget.demografi: 0.03
"""


def bench_scenarios(folder: Path, runs: int) -> dict[str, object]:
    """`takst scenarie` with FIVE_SCENARIOS against one `takst beregn` on the same model and
    visits, both to the screen (--stille), alternating."""
    scenarios = folder / "fem_scenarier.yaml"
    scenarios.write_text(FIVE_SCENARIOS, encoding="utf-8")
    model = str(folder / "model.yaml")
    common = ["--stille", "--udelad-ugyldige"]
    beregn = [*TAKST, "beregn", "--config", model, *common]
    scenarie = [*TAKST, "scenarie", "--config", model, "--scenarie", str(scenarios), *common]
    times: dict[str, list[tuple[float, int]]] = {"beregn": [], "scenarie": []}
    for _ in range(runs):
        times["beregn"].append(run_measured(beregn))
        times["scenarie"].append(run_measured(scenarie))
    t_b = statistics.median(t[0] for t in times["beregn"])
    t_s = statistics.median(t[0] for t in times["scenarie"])
    return {
        "besoeg": rows_of(folder),
        "koersler": runs,
        "beregn_s": round(t_b, 2),
        "fem_scenarier_s": round(t_s, 2),
        "forhold": round(t_s / t_b, 2),
        "top_rss_mb": round(max(t[1] for t in times["scenarie"]) / 2**20),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=float, nargs="*", default=[1, 10], help="millioner besøg (CSV)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument(
        "--parquet-100m",
        action="store_true",
        help="også 100 mio. besøg fra Parquet (laves i bidder; ca. 20 min)",
    )
    ap.add_argument("--uden-xlsx", action="store_true")
    ap.add_argument(
        "--scenarier",
        nargs="?",
        const="",
        metavar="MAPPE",
        help="kun fem scenarier mod én takst beregn på 10 mio. besøg (eller data i MAPPE)",
    )
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    if args.scenarier is not None:
        folder = Path(args.scenarier) if args.scenarier else ensure_data(10)
        r = bench_scenarios(folder, args.runs)
        (OUT / "benchmark_scenarier.json").write_text(json.dumps(r, indent=2, ensure_ascii=False))
        print(
            f"{r['besoeg']:,} besøg: takst beregn {r['beregn_s']} s, fem scenarier "
            f"{r['fem_scenarier_s']} s = {r['forhold']} × (mål ≤ 1,3), top RSS {r['top_rss_mb']} MB"
        )
        return
    help_times = [run_measured([*TAKST, "--help"])[0] for _ in range(5)]
    results: dict[str, object] = {
        "maskine": {
            "cpu": os.cpu_count(),
            "python": platform.python_version(),
            "system": platform.platform(),
        },
        "help_s": round(statistics.median(help_times), 2),
        "beregn": [r for m in args.sizes for r in bench_size(m, args.runs)],
    }
    if args.parquet_100m:
        results["beregn"].extend(bench_size(100, 1, "parquet"))  # type: ignore[union-attr]
    if not args.uden_xlsx:
        results["xlsx"] = bench_xlsx()
    (OUT / "benchmark.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"takst --help: {results['help_s']} s")
    print(
        f"{'besøg':>12} {'visitationer':>12} {'rækker (max/borger)':>20} {'read_csv s':>10} "
        f"{'beregn s':>9} {'forhold':>8} {'top RSS MB':>10} {'besøg/s':>10}"
    )
    for r in results["beregn"]:  # type: ignore[union-attr]
        grants = f"{r['visitationsraekker']:,} ({r['max_raekker_pr_borger']})"
        print(
            f"{r['besoeg']:>12,} {r['visitationer']:>12} {grants:>20} {r['read_s']:>10} "
            f"{r['beregn_s']:>9} {r['forhold']:>8} {r['top_rss_mb']:>10} {r['besoeg_pr_s']:>10,}"
        )
    if "xlsx" in results:
        x = results["xlsx"]
        print(f"XLSX {x['raekker']:,} rækker læst på {x['laes_s']} s")  # type: ignore[index]


if __name__ == "__main__":
    main()
