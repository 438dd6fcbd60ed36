"""Write docs/fejlfinding.md: each kind of bad input and the message takst gives for it.

Run from the repository root after a change to a message: python docs/fejlfinding_eksempler.py
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from takst_cli.cli.app import app  # noqa: E402
from takst_cli.errors import file_error, interrupted_message  # noqa: E402
from tests.conftest import TINY_GRANTS, TINY_MODEL, TINY_VISITS  # noqa: E402
from tests.test_cycle import INDEXATION, SHEET  # noqa: E402
from tests.test_free_choice import FREE_CHOICE  # noqa: E402

BASE = Path(tempfile.mkdtemp(prefix="takst_fejl_"))


def setup(
    visits: bytes = TINY_VISITS.encode(),
    model: str = TINY_MODEL,
    grants: bytes = TINY_GRANTS.encode(),
    grants_name: str = "visitationer.csv",
) -> Path:
    folder = BASE / "kommune"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "leverancer.csv").write_bytes(visits)
    (folder / grants_name).write_bytes(grants)
    (folder / "model.yaml").write_text(model, encoding="utf-8")
    return folder


def beregn(folder: Path) -> list[str]:
    return ["beregn", "--config", str(folder / "model.yaml")]


def workbook_without_the_sheet() -> bytes:
    wb = Workbook()
    wb.active.title = "Ark1"
    path = BASE / "bog.xlsx"
    wb.save(path)
    return path.read_bytes()


def _existing(folder: Path) -> Path:
    path = folder / "resultat.xlsx"
    path.write_bytes(b"sidste maaneds rapport")
    return path


def chart_only_workbook() -> bytes:
    from openpyxl.chart import BarChart, Reference

    wb = Workbook()
    ws = wb.active
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=1, min_row=1, max_row=2))
    wb.create_chartsheet("Diagram").add_chart(chart)
    wb.remove(ws)
    path = BASE / "diagram.xlsx"
    wb.save(path)
    return path.read_bytes()


def _old_folder(folder: Path) -> Path:
    path = folder / "resultater"
    path.mkdir()
    (path / "forloebstakster.csv").write_text("sidste maaneds takster\n", encoding="utf-8")
    return path


def _locked(folder: Path) -> Path:
    """A target another run is writing right now: its lock file, with this (live) process."""
    (folder / ".resultat.xlsx.laas").write_text(
        f"{os.getpid()} {socket.gethostname()}\n", encoding="utf-8"
    )
    return folder / "resultat.xlsx"


def _cpr_named(folder: Path) -> Path:
    path = folder / "leverancer_0101011234.csv"
    path.write_text(TINY_VISITS.splitlines()[0] + "\n", encoding="utf-8")
    return path


def opfoelgning_med(budget: str) -> Callable[[Path], list[str]]:
    def args(folder: Path) -> list[str]:
        (folder / "budget.csv").write_text(budget, encoding="utf-8")
        return [
            "opfoelgning",
            "--config",
            str(folder / "model.yaml"),
            "--dato",
            "2025-03-31",
            "--budgetfil",
            str(folder / "budget.csv"),
        ]

    return args


def with_column(header: str, values: dict[int, str]) -> bytes:
    """The tiny visits with one more column: `values` by data row (1 = first), else empty."""
    lines = TINY_VISITS.splitlines()
    rows = [f"{line};{values.get(i, '')}" for i, line in enumerate(lines[1:], start=1)]
    return ("\n".join([f"{lines[0]};{header}", *rows]) + "\n").encode()


def _folder(folder: Path, name: str) -> Path:
    (folder / name).mkdir()
    return folder / name


FV_MODEL = TINY_MODEL + FREE_CHOICE
FV_YEAR = FV_MODEL.replace(
    "fra: 2025-01-06\n  til: 2025-03-30", "fra: 2025-01-01\n  til: 2025-12-31"
)


def fv(old: str, new: str, model: str = FV_MODEL) -> str:
    assert old in model, old
    return model.replace(old, new)


def efterberegning(folder: Path, rows: str = "A;Pleje dag;1;1\n") -> list[str]:
    path = folder / "leverandoerer.csv"
    path.write_text("Leverandør;ydelse;Timer;Betalt pris\n" + rows, encoding="utf-8")
    model = str(folder / "model.yaml")
    return ["efterberegning", "-c", model, "--aar", "2025", "--leverandoerer", str(path)]


def afregn(month: str, sheet: dict[str, object] = SHEET) -> Callable[[Path], list[str]]:
    """takst afregn on the tiny municipality with a takstblad written by hand."""

    def args(folder: Path) -> list[str]:
        (folder / "takstblad.json").write_text(json.dumps(sheet), encoding="utf-8")
        return [
            "afregn",
            "-c",
            str(folder / "model.yaml"),
            "--takstblad",
            str(folder / "takstblad.json"),
            "--maaned",
            month,
        ]

    return args


def from_ledger(date: str) -> Callable[[Path], list[str]]:
    """takst opfoelgning from a ledger that holds February 2025 only."""

    def args(folder: Path) -> list[str]:
        import polars as pl

        from takst_cli.pipeline.settlement import LEDGER_SCHEMA

        rows = [("Nord", "2025-02", "aktivitet", Decimal("100.00"), "0")]
        pl.DataFrame(rows, schema=LEDGER_SCHEMA, orient="row").write_parquet(
            folder / "afregning.parquet"
        )
        (folder / "budget.csv").write_text("team;budget;aar\nNord;20000;2025\n", encoding="utf-8")
        return [
            "opfoelgning",
            "-c",
            str(folder / "model.yaml"),
            "--dato",
            date,
            "--budgetfil",
            str(folder / "budget.csv"),
        ]

    return args


def not_a_ledger(folder: Path) -> list[str]:
    import polars as pl

    pl.DataFrame({"team": ["Nord"], "beloeb": [1.5]}).write_parquet(folder / "regnskab.parquet")
    return [*afregn("2025-02")(folder), "--regnskab", str(folder / "regnskab.parquet")]


def budget_takstblad(sheet: dict[str, object]) -> Callable[[Path], list[str]]:
    """takst budget on the tiny municipality with a takstblad written by hand."""

    def args(folder: Path) -> list[str]:
        (folder / "takstblad.json").write_text(json.dumps(sheet), encoding="utf-8")
        model = str(folder / "model.yaml")
        return ["budget", "-c", model, "--takstblad", str(folder / "takstblad.json")]

    return args


def explained_without_parts(folder: Path) -> list[str]:
    """takst opfoelgning --takstblad with a takstblad from before budget_dele."""
    old = {k: v for k, v in SHEET.items() if k != "budget_dele"}
    (folder / "takstblad.json").write_text(json.dumps(old), encoding="utf-8")
    args = opfoelgning_med("team;budget;aar\nNord;20000;2025\nSyd;20000;2025\n")(folder)
    return [*args, "--takstblad", str(folder / "takstblad.json")]


def budget_alone(folder: Path) -> list[str]:
    (folder / "budget.csv").write_text("team;budget;aar\nNord;20000;2025\n", encoding="utf-8")
    (folder / "alene.yaml").write_text("data:\n  budget: budget.csv\n", encoding="utf-8")
    return ["opfoelgning", "-c", str(folder / "alene.yaml"), "--dato", "2025-03-31"]


def scenarie(folder: Path, *sets: str) -> list[str]:
    return ["scenarie", "-c", str(folder / "model.yaml"), *(a for x in sets for a in ("--saet", x))]


def scenario_file_without_section(folder: Path) -> list[str]:
    (folder / "s.yaml").write_text("loen:\n  timepris.tillaeg.aften: 0.3\n", encoding="utf-8")
    return ["scenarie", "-c", str(folder / "model.yaml"), "--scenarie", str(folder / "s.yaml")]


def other_inputs(folder: Path) -> list[str]:
    text = (folder / "model.yaml").read_text(encoding="utf-8")
    (folder / "b.yaml").write_text(text.replace("leverancer.csv", "andre.csv"), encoding="utf-8")
    return ["sammenlign", str(folder / "model.yaml"), str(folder / "b.yaml")]


def v(old: str, new: str) -> bytes:
    assert old in TINY_VISITS, old
    return TINY_VISITS.replace(old, new).encode()


CASES: list[tuple[str, Callable[[Path], list[str]], dict[str, object]]] = [
    ("Modelfilen findes ikke", lambda d: ["beregn", "--config", str(d / "nej.yaml")], {}),
    ("Modelfilen er ikke gyldig YAML", beregn, {"model": "navn: [Lilleby\n"}),
    (
        "Forkert type og ukendt nøgle i modelfilen",
        beregn,
        {
            "model": TINY_MODEL.replace("aarsloen: 400000", "aarsloen: mange").replace(
                "normtimer: 1924", "normtimer: 1924\n      loen: 3"
            )
        },
    ),
    (
        "Andele og niveaubånd uden mening",
        beregn,
        {
            "model": TINY_MODEL.replace("fravaer_andel: 0.15", "fravaer_andel: 1.5").replace(
                "{transport: 0.25}", "{transport: 0.7, pauser: 0.4}"
            )
            + "niveauer:\n  baand:\n    - {niveau: 1, fra: 0, til: 5}\n    - {niveau: 2, fra: 6}\n"
        },
    ),
    (
        "Modelfilen er en mappe",
        lambda d: ["beregn", "--config", str(_folder(d, "modeller"))],
        {},
    ),
    ("Tom modelfil", beregn, {"model": "# kun en kommentar\n"}),
    (
        "Modelfiler kontrolleret i CI (--format github)",
        lambda d: ["valider", str(d / "model.yaml"), "--format", "github"],
        {"model": TINY_MODEL.replace("fravaer_andel: 0.15", "fravaer_andel: 1.5") + "loen: 3\n"},
    ),
    ("valider uden modelfil", lambda d: ["valider"], {}),
    ("Et påkrævet tilvalg mangler", lambda d: ["beregn"], {}),
    ("Et ukendt tilvalg", lambda d: ["beregn", "--config", str(d / "model.yaml"), "--fra"], {}),
    (
        "En dato, der ikke findes",
        lambda d: ["opfoelgning", "--config", str(d / "model.yaml"), "--dato", "31-02-2025"],
        {},
    ),
    (
        "En dato, der ikke kan læses entydigt",
        lambda d: ["opfoelgning", "--config", str(d / "model.yaml"), "--dato", "3/31/25"],
        {},
    ),
    ("Modelfilen er for stor", beregn, {"model": TINY_MODEL + "# fyld\n" * 40_000}),
    (
        "YAML-alias i modelfilen",
        beregn,
        {"model": 'a: &a ["lol", "lol"]\nb: [*a, *a]\n' + TINY_MODEL},
    ),
    (
        "Nøgle eller afsnit to gange i modelfilen",
        beregn,
        {"model": TINY_MODEL + "forloeb:\n  udviklende: {periode_uger: 12}\n"},
    ),
    (
        "Tal med tusindtalspunktum i modelfilen",
        beregn,
        {
            "model": TINY_MODEL.replace("normtimer: 1924", "normtimer: 1.924").replace(
                "aarsloen: 400000", "aarsloen: 400.000"
            )
        },
    ),
    (
        "Urimelige normtimer eller årsløn",
        beregn,
        {
            "model": TINY_MODEL.replace("normtimer: 1924", "normtimer: 400").replace(
                "aarsloen: 400000", 'aarsloen: "40.000"'
            )
        },
    ),
    (
        "Uendelige, negative eller urimelige tal i modelfilen",
        beregn,
        {
            "model": TINY_MODEL.replace("{ledelse: 700}", "{ledelse: -700}")
            + "niveauer:\n  baand:\n    - {niveau: 1, fra: 0, til: .nan}\n"
            "    - {niveau: 2, fra: 5}\nmaks_minutter_pr_besoeg: .inf\n"
            "tildeling:\n  standard: {model: ramme, ramme: -1000000}\n"
        },
    ),
    (
        "Klokkeslæt og datoer i modelfilen",
        beregn,
        {
            "model": TINY_MODEL.replace("til: 2025-03-30", "til: 2025-02-29")
            + "vagter:\n  nat_fra: 25:00\n  aften_fra: 15\n"
        },
    ),
    (
        "Vagter i forkert rækkefølge",
        beregn,
        {"model": TINY_MODEL + 'vagter:\n  nat_fra: "00:23"\n'},
    ),
    (
        "Nøgle uden virkning, hvor den står",
        beregn,
        {
            "model": TINY_MODEL.replace(
                "{periode_uger: 2, efterperiode_uger: 2}",
                "{periode_uger: 2, taerskel_timer_uge: 20}\n"
                "  fastholdende: {forventet_reduktion: 0.1}",
            ).replace("timepris: 420\n", "timepris: 420\n      normtimer: 1600\n")
            + "tildeling:\n  standard: {model: aktivitet, fast_ramme: 900000}\n"
        },
    ),
    (
        "Forløbstyper, der ikke kan forstås",
        beregn,
        {
            "model": TINY_MODEL
            + "  natpleje: {art: individuel, periode_uger: 4, faggrupper: [Kok]}\n"
            + "  kompleks: {art: fastholdende, synonymer: [Rehabilitering]}\n"
        },
    ),
    (
        "Prisstruktur, hvis tal ikke hænger sammen",
        lambda d: ["valider", str(d / "model.yaml")],
        {
            "model": TINY_MODEL
            + "niveauer:\n  generator: {antal_trin: 10, foerste_fra: 10, foerste_trin: 7,"
            + " sidste_fra: 71, trin: 6}\n"
        },
    ),
    (
        "Team i tildeling.teams findes ikke i data",
        lambda d: ["valider", str(d / "model.yaml"), "--data"],
        {
            "model": TINY_MODEL
            + "tildeling:\n  standard: {model: aktivitet}\n  teams:\n    - {team: Sydd}\n"
        },
    ),
    (
        "Ukendt nøgle eller element i et scenarie",
        lambda d: scenarie(
            d,
            "forloeb.udviklende.forventet_reduktio=0,08",
            "timepris.faggrupper[SHH].aarsloen=+4%",
        ),
        {},
    ),
    (
        "Tvetydig værdi i et scenarie",
        lambda d: scenarie(d, "timepris.faggrupper[SSH].aarsloen=4 %"),
        {},
    ),
    (
        "Fortegn uden procent i et scenarie",
        lambda d: scenarie(d, "timepris.tillaeg.aften=+0,05"),
        {},
    ),
    (
        "Relativ ændring af en andel i et scenarie",
        lambda d: scenarie(d, "timepris.tillaeg.aften=+4%"),
        {},
    ),
    (
        "Scenariet ændrer inputfilerne",
        lambda d: scenarie(d, "data.leverancer=andre.csv"),
        {},
    ),
    (
        "Scenarie, der ikke er en gyldig model",
        lambda d: scenarie(d, "timepris.faggrupper[SSH].fravaer_andel=1,5"),
        {},
    ),
    (
        "Ingen scenarier",
        lambda d: ["scenarie", "-c", str(d / "model.yaml")],
        {},
    ),
    (
        "Scenariefil uden scenarier",
        scenario_file_without_section,
        {},
    ),
    (
        "Sammenligning af modeller med forskellige inputfiler",
        other_inputs,
        {},
    ),
    (
        "Niveauer over ugens 168 timer (advarsel)",
        lambda d: ["valider", str(d / "model.yaml"), "--streng"],
        {"model": TINY_MODEL + "niveauer:\n  generator: {antal_trin: 3, foerste_trin: 100}\n"},
    ),
    (
        "Datafilen findes ikke",
        beregn,
        {"model": TINY_MODEL.replace("leverancer.csv", "leverancer_2025.csv")},
    ),
    ("Tom fil", beregn, {"visits": b""}),
    (
        "UTF-8-mærke over Windows-1252-tegn",
        beregn,
        {"visits": b"\xef\xbb\xbf" + TINY_VISITS.replace("Nord", "Nørd").encode("cp1252")},
    ),
    ("UTF-16 uden byte-ordensmærke", beregn, {"visits": TINY_VISITS.encode("utf-16-le")}),
    (
        "Kun overskrifter, ingen rækker",
        beregn,
        {"visits": (TINY_VISITS.splitlines()[0] + "\n").encode()},
    ),
    (
        "Manglende eller stavet forkert kolonne",
        beregn,
        {"visits": v("faggruppe;team", "fag gruppe;hold")},
    ),
    (
        "Dato eller tal, der ikke kan læses",
        beregn,
        {
            "visits": v("07-01-2025;16:00;30", "32-01-2025;16:00;30").replace(
                b"08-01-2025;02:00;30", b"08-01-2025;02:00;tre"
            )
        },
    ),
    (
        "Tal, som kolonnen ikke afgør skrivemåden for (1.071)",
        beregn,
        {"grants": TINY_GRANTS.replace(";;600\nF", ";;1.071\nF").encode()},
    ),
    (
        "Samme borger med 9 cifre i den ene fil og som CPR-nummer i den anden",
        beregn,
        {
            "visits": TINY_VISITS.replace("\nA;", "\n010101-1234;").encode(),
            "grants": (
                TINY_GRANTS.replace("\nA;", "\n101011234;")
                + "9999999999;Nord;fastholdende;01-01-2025;;60\n"
            ).encode(),
        },
    ),
    (
        "Tocifret årstal",
        beregn,
        {"visits": v("07-01-2025;16:00;30", "07-01-25;16:00;30")},
    ),
    (
        "Negative eller urimeligt mange minutter",
        beregn,
        {
            "visits": v("07-01-2025;16:00;30", "07-01-2025;16:00;-30").replace(
                b"06-01-2025;08:00;60", b"06-01-2025;08:00;6000"
            )
        },
    ),
    ("Ukendt faggruppe", beregn, {"visits": v("45;SUL §138;SPL", "45;SUL §138;Kok")}),
    (
        "Funktionsevne, der ikke kan læses",
        beregn,
        {
            "model": TINY_MODEL + "niveauer: {grundlag: funktionsevne}\n",
            "grants": (
                TINY_GRANTS.replace(
                    "visiterede_minutter_uge", "visiterede_minutter_uge;funktionsevne"
                )
                .replace("\n", ";2\n")
                .replace("funktionsevne;2", "funktionsevne")
                .replace("600;2\nD", "600;meget svær\nD")
                .replace("1800;2", "1800;")
            ).encode(),
        },
    ),
    (
        "Den samme visitationsrække to gange",
        beregn,
        {"grants": (TINY_GRANTS + TINY_GRANTS.splitlines()[2] + "\n").encode()},
    ),
    (
        "En revision, hvor den gamle række ikke blev afsluttet",
        beregn,
        {
            "grants": (
                TINY_GRANTS.replace("visiterede_minutter_uge", "visiterede_minutter_uge;indsats")
                .replace("\n", ";Pleje\n")
                .replace("visiterede_minutter_uge;indsats;Pleje", "visiterede_minutter_uge;indsats")
                + "A;Nord;fastholdende;01-02-2025;;180;Pleje\n"
            ).encode()
        },
    ),
    (
        "Visitationerne mangler den visiterede tid",
        beregn,
        {"grants": TINY_GRANTS.replace("visiterede_minutter_uge", "timer").encode()},
    ),
    ("Ødelagt CSV (anførselstegn)", beregn, {"visits": v("\nD;14-01-2025", '\n"D;14-01-2025')}),
    ("Dubletter", beregn, {"visits": (TINY_VISITS + TINY_VISITS.splitlines()[1] + "\n").encode()}),
    (
        "En fil, der hedder .xlsx, men ikke er det",
        lambda d: [*beregn(d), "--visitationer", str(d / "visitationer.xlsx")],
        {"grants": b"dette er ikke en projektmappe", "grants_name": "visitationer.xlsx"},
    ),
    (
        "Et ark, der ikke findes",
        lambda d: [*beregn(d), "--visitationer", str(d / "visitationer.xlsx")],
        {
            "grants": workbook_without_the_sheet(),
            "grants_name": "visitationer.xlsx",
            "model": TINY_MODEL.replace(
                "  visitationer: visitationer.csv",
                "  visitationer: visitationer.csv\n  visitationer_ark: Visitationer",
            ),
        },
    ),
    (
        "Team uden finansieringsmodel",
        lambda d: ["fordeling", "--config", str(d / "model.yaml")],
        {"model": TINY_MODEL + "tildeling:\n  teams:\n    - {team: Nord}\n"},
    ),
    (
        "CPR-nummer i en fejlværdi",
        beregn,
        {"visits": v("06-01-2025;08:00;60", "06-01-2025;08:00;010101-1234")},
    ),
    (
        "Dato uden for budgetåret",
        lambda d: ["opfoelgning", "--config", str(d / "model.yaml"), "--dato", "2026-03-31"],
        {"model": TINY_MODEL + "budget: {aar: 2025}\n"},
    ),
    (
        "To kolonner til samme felt",
        beregn,
        {"visits": with_column("Team", dict.fromkeys(range(1, 17), "Øst"))},
    ),
    (
        "Én kolonne sat til to felter",
        beregn,
        {"model": TINY_MODEL + "kolonner:\n  leverancer: {paragraf: Team}\n"},
    ),
    (
        "Aflyst af hverken borger eller leverandør",
        beregn,
        {"visits": with_column("aflyst_af", {5: "Andet"})},
    ),
    (
        "Paragraf både med og uden for modellen",
        beregn,
        {"model": TINY_MODEL + "  uden_for_model: [Serviceloven § 83]\n"},
    ),
    (
        "Paragraf uden lov, som modellen har under to love",
        beregn,
        {
            "model": TINY_MODEL + "  uden_for_model: [SUL §83]\n",
            "visits": v("SEL §83;SSH;Nord;leveret\nA;07", "§83;SSH;Nord;leveret\nA;07"),
        },
    ),
    (
        "Paragraf i data, der hverken er med eller med vilje udenfor",
        lambda d: ["valider", str(d / "model.yaml"), "--data", "--streng"],
        {},
    ),
    (
        "Forbrugskolonne, der ikke læses",
        opfoelgning_med("Team;Budget;Forbrug pr. 31-03\nNord;20000;5000\n"),
        {"model": TINY_MODEL + "budget: {aar: 2025}\n"},
    ),
    (
        "Budgetfil for et andet år",
        opfoelgning_med("Team;Budget;År\nNord;20000;2024\nSyd;10000;2024\n"),
        {},
    ),
    (
        "Forbrug opgjort på en anden dag",
        opfoelgning_med("Team;Budget;Forbrug;Opgjort dato\nNord;20000;5000;28-02-2025\n"),
        {},
    ),
    (
        "Plausibilitetstjek: mange besøg uden for modellen",
        beregn,
        {"model": TINY_MODEL + "advarsel_andel: 0.10\n"},
    ),
    (
        "Plausibilitetstjek med --streng",
        lambda d: [*beregn(d), "--streng", "--stille"],
        {
            "model": TINY_MODEL.replace(
                "  udviklende: {periode_uger: 2, efterperiode_uger: 2}",
                "  udviklende: {periode_uger: 2, efterperiode_uger: 2, paragraffer: [SEL §85]}\n"
                "  fastholdende: {paragraffer: [SEL §85]}\n"
                "  individuel: {paragraffer: [SEL §85]}",
            )
        },
    ),
    (
        "Team på standardmodellen",
        lambda d: ["fordeling", "--config", str(d / "model.yaml"), "--stille"],
        {
            "model": TINY_MODEL
            + "tildeling:\n  standard: {model: aktivitet}\n  teams:\n"
            + "    - {team: Nord}\n    - {team: Sydd, model: ramme, ramme: 100000}\n"
        },
    ),
    (
        "Ugyldige ordlister og advarselsandel i modelfilen",
        beregn,
        {
            "model": TINY_MODEL
            + "advarsel_andel: 2\ntildeling:\n  aflyst_af: {borger: [borger, Andet], "
            + "leverandoer: [andet]}\n"
        },
    ),
    ("Udfil findes allerede", lambda d: [*beregn(d), "--ud", str(_existing(d))], {}),
    (
        "Projektmappe uden .xlsx",
        lambda d: [*beregn(d), "--format", "xlsx", "--ud", str(d / "resultat")],
        {},
    ),
    (
        "Udmappe findes allerede",
        lambda d: [*beregn(d), "--format", "csv", "--ud", str(_old_folder(d))],
        {},
    ),
    (
        "En mappe, der hedder .xlsx",
        lambda d: [*beregn(d), "--ud", str(_folder(d, "resultat.xlsx")), "--overskriv"],
        {},
    ),
    (
        "En udfil med en endelse uden mening (fx en tastefejl)",
        lambda d: [*beregn(d), "--ud", str(d / "budget2026.xslx")],
        {},
    ),
    (
        "Dansk CSV-dialekt til en projektmappe",
        lambda d: [*beregn(d), "--ud", str(d / "resultat.xlsx"), "--csv-dialekt", "dansk"],
        {},
    ),
    (
        "En fil midt i udstien",
        lambda d: [*beregn(d), "--ud", str(d / "model.yaml" / "resultat.xlsx")],
        {},
    ),
    (
        "Udfilen skrives af en anden kørsel",
        lambda d: [*beregn(d), "--ud", str(_locked(d))],
        {},
    ),
    (
        "Projektmappe med kun et diagram",
        lambda d: [*beregn(d), "--visitationer", str(d / "visitationer.xlsx")],
        {"grants": chart_only_workbook(), "grants_name": "visitationer.xlsx"},
    ),
    (
        "En projektmappe med et tomt ark",
        lambda d: [*beregn(d), "--visitationer", str(d / "visitationer.xlsx")],
        {"grants": workbook_without_the_sheet(), "grants_name": "visitationer.xlsx"},
    ),
    (
        "Et ark, der er et diagram",
        lambda d: [*beregn(d), "--visitationer", str(d / "visitationer.xlsx")],
        {
            "grants": chart_only_workbook(),
            "grants_name": "visitationer.xlsx",
            "model": TINY_MODEL.replace(
                "  visitationer: visitationer.csv",
                "  visitationer: visitationer.csv\n  visitationer_ark: Diagram",
            ),
        },
    ),
    (
        "CPR-nummer i et filnavn",
        lambda d: [*beregn(d), "--leverancer", str(_cpr_named(d))],
        {},
    ),
    (
        "Frit valg uden frit_valg-sektion",
        lambda d: ["frit-valg", "-c", str(d / "model.yaml")],
        {},
    ),
    (
        "Frit valg: ydelser, der overlapper, og omkostninger uden gyldig placering",
        lambda d: ["frit-valg", "-c", str(d / "model.yaml")],
        {
            "model": fv(
                "    - navn: Pleje aften og weekend\n      paragraffer: [SEL §83]\n",
                "    - navn: Pleje aften og weekend\n      paragraffer: [SEL §83, SEL §83a]\n"
                "    - navn: Alt for SSH\n      faggrupper: [SSH]\n",
            )
            .replace("ydelser: [Pleje aften og weekend]", "ydelser: [Pleje nat]")
            .replace('Pleje dag: "75 %"', 'Pleje dag: "70 %"')
            .replace("loen: {placering: timepris, post: aarsloen}", "loen: {placering: timepris}")
            .replace(
                "paragraffer: [SEL §83]\n      vagter: [dag]",
                "paragraffer: [SEL §86]\n      vagter: [dag]",
            )
            .replace(
                "  omkostninger:\n",
                "  omkostninger:\n    vikar: {beloeb: 10, placering: direkte, noegle: timer, "
                "ydelser: [Pleje dag]}\n",
            )
        },
    ),
    (
        "Frit valg: en ydelse uden leverede timer",
        lambda d: ["frit-valg", "-c", str(d / "model.yaml")],
        {"model": fv("vagter: [dag]", "vagter: [nat]")},
    ),
    (
        "Frit valg: kategorier, der mangler, visiterede timer og gammel efterberegning (advarsel)",
        lambda d: ["valider", str(d / "model.yaml")],
        {
            "model": fv("sidste_efterberegning: 2026-04-30", "sidste_efterberegning: 2020-01-31")
            .replace("frit_valg:\n", "frit_valg:\n  grundlag: visiteret\n")
            .replace("noedkald: {beloeb: 460", "noedkald: {beloeb: 0")
        },
    ),
    ("Efterberegning uden data for hele året", efterberegning, {"model": FV_MODEL}),
    (
        "Efterberegning: overheadsatsen skifter midt i året",
        efterberegning,
        {"model": fv("gyldig_fra: 2025-01-01", "gyldig_fra: 2025-07-01", FV_YEAR)},
    ),
    (
        "Efterberegning: ugyldige værdier i leverandørfilen",
        lambda d: efterberegning(
            d,
            "A;Pleje dag;12,5;400\nA;Pleje nat;1;400\nB;Pleje dag;-3;400\n"
            ";Pleje dag;2;fire hundrede\nC;Pleje dag;2.5;412.50\nD;Pleje dag;1.071;1.071\n"
            "E;Pleje dag;3;400\nE;Pleje dag;3;400\n",
        ),
        {"model": FV_YEAR},
    ),
    (
        "Fremskrivning: en omkostning uden lønandel",
        lambda d: ["valider", str(d / "model.yaml")],
        {"model": TINY_MODEL + INDEXATION.replace("SPL: 0.2, ", "")},
    ),
    (
        "Fremskrivning: intet indeks for budgetåret",
        lambda d: ["budget", "-c", str(d / "model.yaml")],
        {"model": TINY_MODEL + INDEXATION.replace('    2026: {loen: "104,0", pris: 101}\n', "")},
    ),
    (
        "Modelfil uden timepriser, der læser leverancer",
        lambda d: ["valider", str(d / "model.yaml")],
        {"model": "data:\n  leverancer: leverancer.csv\n  visitationer: visitationer.csv\n"},
    ),
    (
        "Takstblad med et beløb, der ikke er skrevet som takst skriver det",
        afregn("2025-02", {**SHEET, "overhead_pr_uge": "16,50"}),
        {},
    ),
    (
        "Takstbladet findes ikke",
        lambda d: [
            "afregn",
            "-c",
            str(d / "model.yaml"),
            "--takstblad",
            "takstblad_2026.json",
            "--maaned",
            "2026-01",
        ],
        {},
    ),
    ("Regnskabet er ikke et takst-regnskab", not_a_ledger, {}),
    (
        "Fremskrivning: en lønandel for en omkostning, modellen ikke har",
        lambda d: ["valider", str(d / "model.yaml")],
        {"model": TINY_MODEL + INDEXATION.replace("ledelse: 0.9}", "ledelse: 0.9, husleje: 0.1}")},
    ),
    ("Afregning af en måned, eksporten ikke dækker helt", afregn("2025-01"), {}),
    ("Afregning med et takstblad for et andet år", afregn("2026-02"), {}),
    ("Afregning, hvor takstbladet mangler takster for månedens forløb", afregn("2025-02"), {}),
    ("Opfølgning fra regnskabet midt i en måned", from_ledger("2025-02-14"), {}),
    ("Opfølgning fra regnskabet med en måned, der ikke er afregnet", from_ledger("2025-02-28"), {}),
    ("Opfølgning fra en budgetfil alene uden forbrug", budget_alone, {}),
    ("Budget med et takstblad for et andet budgetår", budget_takstblad(SHEET), {}),
    (
        "Takstblad med en budgetdel, hvis celle ikke passer til delen",
        budget_takstblad(
            {**SHEET, "budget_dele": [{**SHEET["budget_dele"][0], "celle": ["SSH", "dag"]}]}  # type: ignore[index]
        ),
        {},
    ),
    (
        "Takstblad, hvor et team står to gange for samme forløbscelle",
        budget_takstblad({**SHEET, "budget": [*SHEET["budget"], SHEET["budget"][-1]]}),  # type: ignore[index]
        {},
    ),
    ("Afvigelsen forklares med et takstblad uden budgetdele", explained_without_parts, {}),
    ("Forkert brug af kommandoen", lambda d: [*beregn(d), "--format", "pdf"], {}),
]


def writing_faults() -> list[str]:
    """Faults of the machine rather than the input (a full disk, no access, a signal): the
    messages come from the same functions the program uses."""
    target = "resultat.xlsx"
    codes = [
        errno.ENOSPC,
        errno.EDQUOT,
        errno.EFBIG,
        errno.EACCES,
        errno.EROFS,
        errno.EISDIR,
        errno.ENOTDIR,
        errno.ENAMETOOLONG,
        errno.EBUSY,
        errno.EIO,
    ]
    lines = [f"Fejl: {file_error(OSError(c, os.strerror(c)), target).message}" for c in codes]
    stops = [
        (sig, interrupted_message(sig, []))
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    ]
    return [
        "## Fuld disk, ingen adgang, skrivebeskyttet, en mappe i vejen",
        "",
        f"`takst beregn --config model.yaml --ud {target}` → exitkode 1. Udfilen (eller",
        "udmappen) er som før kørslen, og der efterlades ingen midlertidige filer.",
        "",
        "```",
        *lines,
        "```",
        "",
        "## Afbrudt (Ctrl-C, SIGTERM, SIGHUP)",
        "",
        "`takst beregn --config model.yaml --ud resultat.xlsx` → exitkode",
        " / ".join(f"{128 + sig} ({sig.name})" for sig, _ in stops)
        + ". Intet er skrevet, og udfilen er som før.",
        "",
        "```",
        *(text for _, text in stops),
        "```",
        "",
    ]


def api_faults() -> list[str]:
    """Messages only the Python API gives (the CLI checks the same before it calculates)."""
    from takst_cli import write
    from takst_cli.errors import TakstError

    try:
        write([], BASE / "resultat", "pdf")
        raise AssertionError("write accepted the format 'pdf'")
    except TakstError as exc:
        text = f"{exc.__class__.__name__}: {exc.message}"
    return [
        "## Fra Python: et format, takst ikke skriver",
        "",
        '`takst_cli.write(resultat, "resultat", "pdf")` rejser en `TakstError` (i CLI\'en er',
        "det `--format`, som kontrolleres, før der regnes).",
        "",
        "```",
        text,
        "```",
        "",
    ]


INTRO = """# Fejlfinding

Hver slags ugyldigt input giver én dansk besked på stderr med fil, række/kolonne eller nøgle og
årsag — aldrig en fejlsporing (kun med `takst --debug`). Exitkode 1 ved ugyldige data eller
modelfil, 2 ved forkert brug af kommandoen (også den beskeds ramme er på dansk). Udfilen
(`--ud`) kontrolleres, før der regnes: findes den, har den en endelse uden mening, eller kan
der ikke skrives der, stopper kørslen straks. Lukkes stdout undervejs (`takst … | head -1`),
fortsætter kørslen uden at vise mere og slutter med exitkode 0.
Der skrives ingen halve filer: en projektmappe eller en udmappe (`--format csv/json/parquet`)
skrives helt eller slet ikke — også ved fuld disk, Ctrl-C, SIGTERM eller SIGHUP — og to
kørsler til samme udfil på samme tid blandes aldrig. En eksisterende udfil røres ikke uden
`--overskriv`; i en udmappe erstatter det alle takst-filer fra en tidligere kørsel (også i et
andet format), mens andre filer og mapper i den røres ikke. Inputfiler ændres aldrig.
Ugyldige rækker stopper kørslen; med `--udelad-ugyldige` udelades de og listes (fil og række)
i arket Datakvalitet (er listen længere end et Excel-ark, står den hele i en CSV-fil ved siden
af projektmappen).
CPR-lignende borger-id'er pseudonymiseres ved indlæsning (HMAC-SHA256 med nøglen i
`TAKST_PSEUDONYM_NOEGLE` eller `pseudonymisering.noegle`), og CPR-numre — skrevet
`ddmmåå-xxxx`, `ddmmåå xxxx` eller `ddmmååxxxx` — maskeres i alle beskeder, tabeller og filer,
også i filnavne.

Beskederne nedenfor er skrevet af `python docs/fejlfinding_eksempler.py` på en lille
testkommune (tests/conftest.py).
"""


def render() -> str:
    out = [INTRO]
    for title, args_of, kwargs in CASES:
        folder = setup(**kwargs)  # type: ignore[arg-type]
        args = args_of(folder)
        res = CliRunner().invoke(app, args, env={"COLUMNS": "100"})
        text = (res.stderr or res.stdout).strip().replace(str(folder) + "/", "")
        shown = " ".join(a.replace(str(folder) + "/", "") for a in args)
        out += [
            f"## {title}",
            "",
            f"`takst {shown}` → exitkode {res.exit_code}",
            "",
            "```",
            text,
            "```",
            "",
        ]
    shutil.rmtree(BASE, ignore_errors=True)
    return "\n".join(out + writing_faults() + api_faults())


def main() -> None:
    (ROOT / "docs" / "fejlfinding.md").write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    main()
