"""A synthetic municipality: grants and visits that behave like a real export, deterministically.

No real person is in it: citizen ids are 'B' + a number, never CPR-shaped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import polars as pl

TEAMS = ["Team Nord", "Team Syd", "Team Øst", "Team Vest", "Team Midtby"]
SSH, SSA, SPL, TER = (
    "Social- og sundhedshjælper",
    "Social- og sundhedsassistent",
    "Sygeplejerske",
    "Terapeut",
)
YEAR = 2025
PERIOD = (dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))

VISIT_HEADERS = {
    "borger_id": "Borger ID",
    "dato": "Dato",
    "start": "Starttid",
    "minutter": "Minutter",
    "paragraf": "Paragraf",
    "faggruppe": "Faggruppe",
    "team": "Team",
    "klinik": "Klinik",
    "status": "Status",
    "aflyst_tidspunkt": "Aflyst tidspunkt",
    "aflyst_af": "Aflyst af",
}
GRANT_HEADERS = {
    "borger_id": "Borger ID",
    "team": "Team",
    "forloebstype": "Forløbstype",
    "indsats": "Indsats",
    "paragraf": "Paragraf",
    "start_dato": "Startdato",
    "slut_dato": "Slutdato",
    "visiterede_minutter_uge": "Visiterede minutter pr. uge",
    "funktionsevne": "Funktionsevne",
}
_LEVEL_WEIGHTS = [0.34, 0.26, 0.18, 0.12, 0.10]


@dataclass(frozen=True)
class Sample:
    grants: pl.DataFrame  # canonical field names
    visits: pl.DataFrame
    budgets: pl.DataFrame  # team, budget, aar: the data year's budgets for the follow-up


def _hours_for_levels(rng: np.random.Generator, n: int) -> np.ndarray:
    level = rng.choice(5, size=n, p=_LEVEL_WEIGHTS)
    low = level * 5.0
    high = np.where(level == 4, 24.5, low + 5.0)
    return np.round(rng.uniform(np.maximum(low, 0.75), high), 2)


def make_grants(rng: np.random.Generator, n_citizens: int, first_id: int = 1) -> pl.DataFrame:
    """One or two grant rows per citizen: development courses (some followed by a stabilising
    course at reduced or unchanged hours, some leaving help), stabilising and individual ones."""
    kind = rng.choice(3, size=n_citizens, p=[0.32, 0.60, 0.08])
    team = rng.integers(0, len(TEAMS), n_citizens)
    hours = _hours_for_levels(rng, n_citizens)
    hours = np.where(kind == 2, np.round(rng.uniform(26, 45, n_citizens), 2), hours)
    p0 = np.datetime64(PERIOD[0])
    start = np.where(
        kind == 0,
        p0 + rng.integers(0, 300, n_citizens).astype("timedelta64[D]"),
        np.where(
            rng.random(n_citizens) < 0.75,
            p0 - rng.integers(30, 900, n_citizens).astype("timedelta64[D]"),
            p0 + rng.integers(0, 330, n_citizens).astype("timedelta64[D]"),
        ),
    )
    end = np.where(
        kind == 0,
        start + np.timedelta64(83, "D"),
        np.where(
            rng.random(n_citizens) < 0.12,
            p0 + rng.integers(60, 364, n_citizens).astype("timedelta64[D]"),
            np.datetime64("NaT"),
        ),
    )
    end = np.where((kind != 0) & (end < start), start + np.timedelta64(30, "D"), end)
    # After a development course: 8 % leave help, 30 % continue reduced on a new stabilising
    # grant, 62 % go on unchanged on the same grant (its days after period 1: the after-phase).
    outcome = rng.choice(3, size=n_citizens, p=[0.08, 0.30, 0.62])
    end = np.where((kind == 0) & (outcome == 2), np.datetime64("NaT"), end)
    # A reduced grant after period 1 continues the same development course (its after-phase).
    follow = (kind == 0) & (outcome == 1)
    factor = rng.uniform(0.55, 0.9, n_citizens)
    fsiii = np.clip(np.round(hours / 7 + rng.normal(0, 0.5, n_citizens)), 0, 4) + 0.0
    ids = np.array([f"B{i:06d}" for i in range(first_id, first_id + n_citizens)])
    names = np.array(["udviklende", "fastholdende", "individuel"])
    first = pl.DataFrame(
        {
            "borger_id": ids,
            "team": np.array(TEAMS)[team],
            "forloebstype": names[kind],
            "start_dato": start.astype("datetime64[D]"),
            "slut_dato": end.astype("datetime64[D]"),
            "visiterede_minutter_uge": np.round(hours * 60),
            "funktionsevne": fsiii,
        }
    )
    second = pl.DataFrame(
        {
            "borger_id": ids[follow],
            "team": np.array(TEAMS)[team[follow]],
            "forloebstype": np.full(follow.sum(), "udviklende"),
            "start_dato": (end[follow] + np.timedelta64(1, "D")).astype("datetime64[D]"),
            "slut_dato": np.full(follow.sum(), np.datetime64("NaT"), dtype="datetime64[D]"),
            "visiterede_minutter_uge": np.round(hours[follow] * factor[follow] * 60),
            "funktionsevne": np.clip(fsiii[follow] - (outcome[follow] == 1), 0, 4),
        }
    )
    # A stabilising course that starts in the year follows an earlier grant that ended 5-40
    # days before (a citizen with no grant in the 90 days before would be a new citizen).
    earlier = (kind != 0) & (start >= p0)
    gap = rng.integers(5, 41, n_citizens).astype("timedelta64[D]")
    before = pl.DataFrame(
        {
            "borger_id": ids[earlier],
            "team": np.array(TEAMS)[team[earlier]],
            "forloebstype": np.full(earlier.sum(), "fastholdende"),
            "start_dato": (start[earlier] - gap[earlier] - np.timedelta64(400, "D")).astype(
                "datetime64[D]"
            ),
            "slut_dato": (start[earlier] - gap[earlier]).astype("datetime64[D]"),
            "visiterede_minutter_uge": np.round(np.minimum(hours[earlier], 8.0) * 60),
            "funktionsevne": np.clip(fsiii[earlier] - 1, 0, 4),
        }
    )
    return (
        pl.concat([before, first, second])
        .with_columns(pl.col("start_dato").cast(pl.Date), pl.col("slut_dato").cast(pl.Date))
        .sort(["borger_id", "start_dato"])
    )


def make_visits(rng: np.random.Generator, grants: pl.DataFrame) -> pl.DataFrame:
    """Visits for each grant day in the year: about the granted minutes, spread over day, evening,
    night and weekend; nursing at clinics and delegated to assistants; ~3 % cancelled."""
    p0, p1 = np.datetime64(PERIOD[0]), np.datetime64(PERIOD[1])
    g_start = np.maximum(grants["start_dato"].to_numpy().astype("datetime64[D]"), p0)
    g_end_raw = grants["slut_dato"].to_numpy().astype("datetime64[D]")
    g_end = np.where(np.isnat(g_end_raw), p1, np.minimum(g_end_raw, p1))
    days = (g_end - g_start).astype(int) + 1
    days = np.where(days > 0, days, 0)
    # Stabilising grants that stop in the year: a few visits registered after the end, which
    # count for activity but belong to no course.
    stops = (
        ~np.isnat(g_end_raw)
        & (g_end_raw < p1)
        & (grants["forloebstype"] != "udviklende").to_numpy()
    )
    extra = np.minimum(5, (p1 - g_end).astype(int))
    days = np.where(stops & (days > 0), days + extra, days)
    weekly = grants["visiterede_minutter_uge"].to_numpy() * rng.uniform(0.85, 1.05, grants.height)
    dev = (grants["forloebstype"] == "udviklende").to_numpy()
    mean_len = np.where(weekly > 900, 40.0, 30.0)
    n = np.round(days / 7 * weekly / mean_len).astype(int)
    n = np.where(days > 0, np.maximum(n, 1), 0)
    row = np.repeat(np.arange(grants.height), n)
    total = int(n.sum())
    date = g_start[row] + (rng.random(total) * days[row]).astype("timedelta64[D]")
    minutes = np.round(mean_len[row] * rng.uniform(0.5, 1.5, total) * 2) / 2
    cat = rng.random(total)
    rehab = np.where(dev[row], 0.30, 0.06)
    paragraph = np.select(
        [cat < 0.60 - rehab[row] / 2, cat < 0.60 + rehab[row] / 2, cat < 0.95, cat < 0.98],
        ["SEL §83", "SEL §83a", "SUL §138", "SEL §86"],
        "SEL §85",
    )
    who = rng.random(total)
    staff = np.select(
        [paragraph == "SEL §83", paragraph == "SEL §83a", paragraph == "SUL §138"],
        [
            np.where(who < 0.6, SSH, SSA),
            np.where(who < 0.5, TER, SSA),
            np.where(who < 0.62, SPL, SSA),
        ],
        TER,
    )
    shift_draw = rng.random(total)
    hour = np.select(
        [shift_draw < 0.72, shift_draw < 0.96],
        [rng.integers(7, 15, total), rng.integers(15, 23, total)],
        np.where(rng.random(total) < 0.5, 23, rng.integers(0, 7, total)),
    )
    minute = rng.choice([0, 15, 30, 45], total)
    weekday = (date.astype("datetime64[D]").view("int64") - 4) % 7  # 0 = Monday
    clinic = (staff == SPL) & (hour < 15) & (weekday < 5) & (rng.random(total) < 0.25)
    cancelled = rng.random(total) < 0.03
    by_citizen = rng.random(total) < 0.6
    ahead_h = rng.uniform(1, 60, total)
    visit_ts = date.astype("datetime64[m]") + (hour * 60 + minute).astype("timedelta64[m]")
    cancel_ts = visit_ts - (ahead_h * 60).astype("timedelta64[m]")
    frame = pl.DataFrame(
        {
            "borger_id": grants["borger_id"].to_numpy()[row],
            "dato": date,
            "hour": hour,
            "minute": minute,
            "minutter": minutes,
            "paragraf": paragraph,
            "faggruppe": staff,
            "team": grants["team"].to_numpy()[row],
            "klinik": np.where(clinic, "ja", "nej"),
            "status": np.where(cancelled, "aflyst", "leveret"),
            "aflyst_tidspunkt": np.where(cancelled, cancel_ts, np.datetime64("NaT")).astype(
                "datetime64[ms]"
            ),
            "aflyst_af": np.where(by_citizen, "borger", "leverandør"),
        }
    )
    return (
        frame.with_columns(
            pl.col("dato").cast(pl.Date),
            pl.format(
                "{}:{}",
                pl.col("hour").cast(pl.String).str.zfill(2),
                pl.col("minute").cast(pl.String).str.zfill(2),
            ).alias("start"),
            pl.col("aflyst_tidspunkt").cast(pl.Datetime("us")),
            pl.when(pl.col("status") == "aflyst").then(pl.col("aflyst_af")).alias("aflyst_af"),
        )
        .drop("hour", "minute")
        .sort(["dato", "start", "borger_id"])
        .select(
            "borger_id",
            "dato",
            "start",
            *[c for c in VISIT_HEADERS if c not in ("borger_id", "dato", "start")],
        )
        # two random visits can coincide to the minute; a real export has no such duplicates
        .unique(
            subset=[
                "borger_id",
                "dato",
                "start",
                "minutter",
                "paragraf",
                "faggruppe",
                "team",
                "klinik",
                "status",
            ],
            keep="first",
            maintain_order=True,
        )
    )


BATCH = 20_000  # citizens generated at a time (about 15 million visits)


def sample_batches(n_citizens: int, seed: int) -> Iterator[Sample]:
    """The municipality in batches of citizens, so a national-size export never has to be held
    in memory. Up to BATCH citizens it is one batch, identical to make_sample(n, seed); each
    batch carries the budgets of all citizens so far (the last one: of everybody)."""
    if n_citizens <= BATCH:
        yield make_sample(n_citizens, seed)
        return
    grants_so_far = []
    for i, first in enumerate(range(0, n_citizens, BATCH)):
        rng = np.random.default_rng([seed, i])
        grants = make_grants(rng, min(BATCH, n_citizens - first), first_id=first + 1)
        grants_so_far.append(grants)
        all_grants = pl.concat(grants_so_far)
        yield Sample(
            grants, make_visits(rng, grants), make_budgets(np.random.default_rng(seed), all_grants)
        )


def make_sample(n_citizens: int, seed: int) -> Sample:
    rng = np.random.default_rng(seed)
    grants = make_grants(rng, n_citizens)
    visits = make_visits(rng, grants)
    return Sample(grants, visits, make_budgets(rng, grants))


def make_budgets(rng: np.random.Generator, grants: pl.DataFrame) -> pl.DataFrame:
    """Each team's budget for the data year, as the department set it last autumn: the granted
    hours of the year at about 370 kr. an hour, give or take 8 %, in whole thousands."""
    p0, p1 = PERIOD
    days = (
        pl.min_horizontal(pl.col("slut_dato").fill_null(p1), pl.lit(p1))
        - pl.max_horizontal(pl.col("start_dato"), pl.lit(p0))
    ).dt.total_days() + 1
    hours = (
        grants.with_columns(
            (days.clip(lower_bound=0) / 7 * pl.col("visiterede_minutter_uge") / 60).alias("t")
        )
        .group_by("team")
        .agg(pl.col("t").sum())
        .sort("team")
    )
    factor = rng.uniform(0.92, 1.08, hours.height)
    return hours.with_columns(
        ((pl.col("t") * 370 * factor / 1000).round(0) * 1000).alias("budget"),
        pl.lit(YEAR).alias("aar"),
    ).select("team", "budget", "aar")


def moved_to_year(frame: pl.DataFrame, year: int) -> pl.DataFrame:
    """The sample's dates (and budget year) moved from YEAR to `year` by whole days, so the
    same municipality gives the following year's months for the settlement: 2025 has 365 days,
    so 2026 gets the same calendar dates (weekdays one later)."""
    shift = dt.date(year, 1, 1) - PERIOD[0]
    dates = [c for c in ("dato", "start_dato", "slut_dato") if c in frame.columns]
    return frame.with_columns(
        *[pl.col(c) + shift for c in dates],
        *([pl.col("aflyst_tidspunkt") + shift] if "aflyst_tidspunkt" in frame.columns else []),
        *([pl.col("aar") + (year - YEAR)] if "aar" in frame.columns else []),
    )


def visits_export(visits: pl.DataFrame) -> pl.DataFrame:
    """The visits as a Danish export shows them: Danish headers, dd-mm-yyyy dates."""
    return visits.with_columns(
        pl.col("dato").dt.strftime("%d-%m-%Y"),
        pl.col("aflyst_tidspunkt").dt.strftime("%d-%m-%Y %H:%M"),
    ).rename(VISIT_HEADERS)


def grants_export(grants: pl.DataFrame) -> pl.DataFrame:
    """Grants (tidy or system form) with the export's Danish headers."""
    return grants.rename(GRANT_HEADERS, strict=False)


_P1_DAYS = 84  # the sample's development courses: period 1 of 12 weeks
_SERVICES = [("Personlig pleje", 2), ("Praktisk hjælp", 1)]  # §83 minutes split 2 : 1


def system_grants(grants: pl.DataFrame, revision_days: int = 30) -> pl.DataFrame:
    """The grants as a care system exports them: one row per service — §83 personal care and
    practical help, and a §83a training row beside them in a development course's period 1 —
    and a new row at each review every `revision_days` days (from 90 days before the data
    year), the old row ended the day before; no course type. Summed per day they are the
    tidy grants' minutes, so both forms describe the same courses."""
    p0 = PERIOD[0]
    dev = pl.col("forloebstype") == "udviklende"
    first_dev = dev & (
        pl.col("start_dato") == pl.col("start_dato").filter(dev).min().over("borger_id")
    )
    p1_end = pl.col("start_dato") + pl.duration(days=_P1_DAYS - 1)
    training = pl.col("visiterede_minutter_uge") * 0.25
    rows = grants.with_row_index("_g").with_columns(first_dev.alias("_first_dev"))
    course_p1 = rows.filter(pl.col("_first_dev")).with_columns(
        pl.min_horizontal(pl.col("slut_dato").fill_null(p1_end), p1_end).alias("slut_dato"),
        training.round(0).alias("_training"),
    )
    after = rows.filter(
        pl.col("_first_dev") & (pl.col("slut_dato").is_null() | (pl.col("slut_dato") > p1_end))
    ).with_columns((p1_end + pl.duration(days=1)).alias("start_dato"))
    plain = pl.concat([rows.filter(~pl.col("_first_dev")), after], how="vertical").with_columns(
        pl.lit(0.0).alias("_training")
    )
    services = pl.concat([course_p1, plain], how="vertical_relaxed").with_columns(
        (pl.col("visiterede_minutter_uge") - pl.col("_training")).alias("_care")
    )
    total_parts = sum(part for _, part in _SERVICES)
    parts = [
        services.filter(pl.col("_training") > 0).with_columns(
            pl.lit("Hverdagsrehabilitering").alias("indsats"),
            pl.lit("SEL §83a").alias("paragraf"),
            pl.col("_training").alias("visiterede_minutter_uge"),
        )
    ]
    done = pl.lit(0.0)
    for i, (name, part) in enumerate(_SERVICES):
        share = (pl.col("_care") * part / total_parts).round(0)
        minutes = pl.col("_care") - done if i == len(_SERVICES) - 1 else share
        parts.append(
            services.with_columns(
                pl.lit(name).alias("indsats"),
                pl.lit("SEL §83").alias("paragraf"),
                minutes.alias("visiterede_minutter_uge"),
            )
        )
        done = done + share
    return _revisions(pl.concat(parts, how="vertical_relaxed"), p0, revision_days).select(
        "borger_id",
        "team",
        "indsats",
        "paragraf",
        "start_dato",
        "slut_dato",
        "visiterede_minutter_uge",
        "funktionsevne",
    )


def _revisions(rows: pl.DataFrame, p0: dt.date, every: int) -> pl.DataFrame:
    """Each row cut at a review every `every` days from 90 days before `p0` on (the history
    before that stays one row); the last piece keeps the row's end (open or not)."""
    first_review = p0 - dt.timedelta(days=90)
    end = pl.col("slut_dato").fill_null(PERIOD[1])
    cut_from = pl.max_horizontal("start_dato", pl.lit(first_review))
    reviews = pl.date_ranges(cut_from, end, interval=f"{every}d")
    cuts = (
        rows.with_row_index("_r")
        .with_columns(reviews.alias("_cut"))
        .explode("_cut")
        .filter(pl.col("_cut") > pl.col("start_dato"))
    )
    starts = pl.concat(
        [
            rows.with_row_index("_r").select("_r", pl.col("start_dato").alias("_s")),
            cuts.select("_r", pl.col("_cut").alias("_s")),
        ]
    ).sort("_r", "_s")
    pieces = starts.with_columns(
        (pl.col("_s").shift(-1).over("_r") - pl.duration(days=1)).alias("_e")
    )
    return (
        pieces.join(rows.with_row_index("_r"), on="_r")
        .with_columns(
            pl.col("_s").alias("start_dato"),
            pl.coalesce("_e", "slut_dato").alias("slut_dato"),
        )
        .sort("borger_id", "start_dato", "indsats")
        .drop("_r", "_s", "_e")
    )


BUDGET_HEADERS = {"team": "Team", "budget": "Budget", "aar": "År"}


def budgets_export(budgets: pl.DataFrame) -> pl.DataFrame:
    return budgets.rename(BUDGET_HEADERS)


def model_yaml(
    visits_path: str,
    grants_path: str,
    budget_path: str,
    name: str = "Eksempel Kommune",
    schema_path: str | None = None,
    year: int = YEAR,
) -> str:
    """A commented model file for the sample municipality, pointing at its data files."""
    vis = "\n".join(f"    {k}: {v}" for k, v in VISIT_HEADERS.items())
    gra = "\n".join(f"    {k}: {v}" for k, v in GRANT_HEADERS.items())
    header = f"# yaml-language-server: $schema={schema_path}\n" if schema_path else ""
    return header + MODEL_TEMPLATE.format(
        name=name,
        visits=visits_path,
        grants=grants_path,
        budget=budget_path,
        vis=vis,
        gra=gra,
        year=year,
        budget_year=year + 1,
    )


MODEL_TEMPLATE = """\
# Modelfil for takst: {name} (syntetiske data).
# Stier er relative til denne fil. Se README.md for alle nøgler.
navn: {name}

data:
  leverancer: {visits}
  visitationer: {grants}
  visitationer_ark: Visitationer
  budget: {budget}

periode:
  fra: {year}-01-01
  til: {year}-12-31

# Eksportens kolonneoverskrifter for hvert felt
kolonner:
  leverancer:
{vis}
  visitationer:
{gra}
  budget:
    team: Team
    budget: Budget
    aar: År
  leverandoerer:
    leverandoer: Leverandør
    ydelse: Ydelse
    maengde: Mængde
    betalt_pris: Betalt pris
    forloebstype: Forløbstype
    fase: Fase
    niveau: Niveau

timepris:
  faggrupper:
    - navn: Social- og sundhedshjælper
      aarsloen: 400000
      normtimer: 1924
      fravaer_andel: 0.15
      indirekte_andele:
        transport: 0.12
        dokumentation: 0.04
        moeder: 0.03
        forberedelse: 0.02
        uddannelse: 0.01
        pauser: 0.03
      omkostninger_pr_aarsvaerk:
        kompetenceudvikling: 4000
        it: 3500
    - navn: Social- og sundhedsassistent
      aarsloen: 445000
      normtimer: 1924
      fravaer_andel: 0.13
      indirekte_andele:
        transport: 0.12
        dokumentation: 0.06
        moeder: 0.03
        forberedelse: 0.02
        uddannelse: 0.01
        pauser: 0.03
      omkostninger_pr_aarsvaerk:
        kompetenceudvikling: 5000
        it: 3500
    - navn: Sygeplejerske
      aarsloen: 520000
      normtimer: 1924
      fravaer_andel: 0.10
      indirekte_andele:
        transport: 0.10
        dokumentation: 0.09
        moeder: 0.04
        forberedelse: 0.03
        uddannelse: 0.02
        pauser: 0.03
      omkostninger_pr_aarsvaerk:
        kompetenceudvikling: 8000
        it: 3500
      sygepleje: true
    - navn: Terapeut
      timepris: 495
  tillaeg:
    aften: 0.25
    weekend: 0.35
  # Udgifter uden for timeprisen, lagt på taksten pr. borgeruge (beløb for dataperioden)
  omkostninger_i_takst:
    ledelse: 2400000
    administration: 900000
    tilsyn: 150000
    bygningsdrift: 350000

forloeb:
  udviklende:
    periode_uger: 12
    paragraffer: [SEL §83, SEL §83a, SUL §138]
    forventet_reduktion: 0.10
  fastholdende:
    paragraffer: [SEL §83, SEL §83a, SUL §138]
  individuel:
    taerskel_timer_uge: 25
    paragraffer: [SEL §83, SEL §83a, SUL §138]
  # med vilje uden for modellen (§85 bostøtte, §86 træning): ingen advarsel om dem
  uden_for_model: [SEL §85, SEL §86]

niveauer:
  grundlag: visiteret
  baand:
    - {{niveau: 1, fra: 0, til: 5}}
    - {{niveau: 2, fra: 5, til: 10}}
    - {{niveau: 3, fra: 10, til: 15}}
    - {{niveau: 4, fra: 15, til: 20}}
    - {{niveau: 5, fra: 20}}

vagter:
  i_scope: [dag, aften, weekend]
  dag_fra: "07:00"
  aften_fra: "15:00"
  nat_fra: "23:00"

klinik:
  andel: 0.30
  timepris: 310

takster:
  metode: historisk
  basistakst: 0

# Finansiering pr. team (aktivitet, ramme, forloeb, kombination). Rammebeløb er pr. år og bruges
# også til sammenligningen af modellerne.
tildeling:
  aflysningsfrist: "14:00 dagen før"
  standard:
    model: aktivitet
    grundlag: leveret
  teams:
    - team: Team Nord
      model: aktivitet
      grundlag: leveret
      ramme: 7300000
    - team: Team Syd
      model: aktivitet
      grundlag: visiteret
      ramme: 5400000
    - team: Team Øst
      model: forloeb
      ramme: 10700000
    - team: Team Vest
      model: kombination
      fast_ramme: 900000
      variabel: forloeb
      ramme: 5800000
    - team: Team Midtby
      model: ramme
      ramme: 8700000
      demografiregulering: 0.015
  delegeret_sygepleje:
    paragraf: SUL §138
    kilde: sygeplejeramme

budget:
  aar: {budget_year}
  demografi: 0.02

# Afregningspriser for frit valg (ældreloven § 19): takst frit-valg og takst efterberegning.
# Omkostninger er beløb for dataperioden, i KL/BDO-tjeklistens kategorier; se docs/frit_valg.md.
frit_valg:
  grundlag: leveret
  gaelder_fra: 2026-01-01
  sidste_efterberegning: 2026-04-30
  overheadsatser:
    - ydelsestype: helhedspleje
      sats: 0.060
      gyldig_fra: 2025-01-01
      kilde: Udkast til bekendtgørelse om afregningspriser (ældreloven § 19), 2025; eksemplet
        anvender satsen for hele regnskabsåret 2025
    - ydelsestype: friplejeboliger
      sats: 0.063
      gyldig_fra: 2025-01-01
      kilde: Udkast til bekendtgørelse om afregningspriser (ældreloven § 19), 2025; eksemplet
        anvender satsen for hele regnskabsåret 2025
    - ydelsestype: madlevering
      sats: 0.036
      gyldig_fra: 2025-01-01
      kilde: Udkast til bekendtgørelse om afregningspriser (ældreloven § 19), 2025; eksemplet
        anvender satsen for hele regnskabsåret 2025
  ydelser:
    - navn: Helhedspleje, hverdag dag
      paragraffer: [SEL §83, SEL §83a]
      vagter: [dag]
    - navn: Helhedspleje, aften
      paragraffer: [SEL §83, SEL §83a]
      vagter: [aften]
    - navn: Helhedspleje, weekend
      paragraffer: [SEL §83, SEL §83a]
      vagter: [weekend]
  forloebsuger:
    navn: Helhedspleje pr. forløbsuge
    forloebstyper: [udviklende, fastholdende]
  omkostninger:
    loen:
      placering: timepris
      post: aarsloen
    vikarer:
      beloeb: 1450000
      placering: fordelt
      noegle: timer
      begrundelse: Vikarer dækker fravær i alle vagter i forhold til de leverede timer
    elever:
      beloeb: 620000
      placering: fordelt
      noegle: timer
      begrundelse: Elevernes løn i praktiktiden; eleverne går med i alle vagter
    transport:
      beloeb: 980000
      placering: fordelt
      noegle: besoeg
      begrundelse: Kørslen følger antallet af besøg
    materialer:
      beloeb: 210000
      placering: fordelt
      noegle: timer
      begrundelse: Forbrug af materialer følger tiden hos borgeren
    it:
      placering: timepris
      post: it
    noedkald:
      beloeb: 540000
      placering: fordelt
      noegle: andele
      andele:
        Helhedspleje, hverdag dag: 0.40
        Helhedspleje, aften: 0.35
        Helhedspleje, weekend: 0.25
      begrundelse: Nødkaldsudkald 2025 pr. vagt efter vagtplanens registrering
    klippekort:
      beloeb: 310000
      placering: direkte
      ydelser:
        - Helhedspleje, hverdag dag
    ledelse:
      beloeb: 1600000
      placering: fordelt
      noegle: udgift
      begrundelse: Hjemmeplejens ledelse vedrørende SEL §83, efter lønsum
    administration:
      beloeb: 600000
      placering: fordelt
      noegle: udgift
      begrundelse: Decentral administration efter lønsum; central overhead ligger i overheadsatsen
    bygninger:
      beloeb: 250000
      placering: fordelt
      noegle: timer
      begrundelse: Lokaler til hjemmeplejens grupper efter leverede timer
"""
