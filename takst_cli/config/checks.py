"""Checks across keys that one field's type cannot make: problems stop the run, warnings are
shown with the figures."""

from __future__ import annotations

from decimal import Decimal

from takst_cli.config.bands import HOURS_PER_WEEK, LevelsConfig, solve_steps
from takst_cli.config.courses import (
    _TYPE_NAME,
    MAX_COURSE_TYPES,
    CoursesConfig,
    CourseSpec,
    NamedCourse,
)
from takst_cli.config.funding import default_rule
from takst_cli.config.model import (
    CHECKLIST,
    WAGE_POST,
    FreeChoiceConfig,
    FreeChoiceCost,
    FreeChoiceService,
    FundingConfig,
    Indexation,
    ModelConfig,
)
from takst_cli.config.values import INDIRECT_KEYS, danish_number
from takst_cli.errors import Problem
from takst_cli.format import format_number, format_share
from takst_cli.models import (
    COURSE_TYPE_WORDS,
    CourseType,
)


def semantic_problems(cfg: ModelConfig) -> list[Problem]:
    """Problems of meaning that the schema cannot see (SPEC §3.2), all at once. Ranges of single
    numbers are on the fields (pydantic), so the JSON Schema has them too."""
    out: list[Problem] = []
    names = [g.navn for g in cfg.timepris.faggrupper]
    for name in sorted({n for n in names if names.count(n) > 1}):
        out.append(Problem("timepris.faggrupper", f"faggruppen '{name}' står flere gange"))
    for i, g in enumerate(cfg.timepris.faggrupper):
        path = f"timepris.faggrupper[{i}]"
        for key in g.indirekte_andele:
            if key not in INDIRECT_KEYS:
                out.append(
                    Problem(
                        f"{path}.indirekte_andele.{key}",
                        f"ukendt andel; kendte er {', '.join(INDIRECT_KEYS)}",
                    )
                )
        if sum(g.indirekte_andele.values()) >= 1:
            out.append(
                Problem(
                    f"{path}.indirekte_andele", "de indirekte andele skal tilsammen være under 1"
                )
            )
        if g.timepris is None:
            if g.aarsloen is None or g.normtimer is None:
                out.append(Problem(path, "angiv enten timepris eller både aarsloen og normtimer"))
        else:  # a price given directly: the wage options would be ignored without a word
            for key in sorted(g.model_fields_set & set(WAGE_OPTIONS)):
                out.append(
                    Problem(
                        f"{path}.{key}",
                        "har ingen virkning, når timepris er angivet direkte; fjern enten "
                        f"{key} eller timepris",
                    )
                )
    out.extend(_band_problems(cfg.niveauer))
    out.extend(_course_problems(cfg))
    if cfg.klinik.andel and cfg.klinik.timepris is None:
        out.append(Problem("klinik.timepris", "klinikandel kræver klinikkens timepris"))
    if cfg.klinik.andel and not any(g.sygepleje for g in cfg.timepris.faggrupper):
        out.append(Problem("klinik.andel", "klinikandel kræver en faggruppe med sygepleje: true"))
    v = cfg.vagter
    if not v.dag_fra < v.aften_fra <= v.nat_fra:
        # Night is [nat_fra, 24:00) ∪ [00:00, dag_fra): a night starting at or after midnight
        # (nat_fra 00:23, the sexagesimal misreading) would make every visit a night visit.
        out.append(
            Problem(
                "vagter",
                f"vagterne skal ligge i rækkefølgen dag_fra < aften_fra ≤ nat_fra samme døgn, "
                f"fik {v.dag_fra:%H:%M}, {v.aften_fra:%H:%M}, {v.nat_fra:%H:%M}; natten regnes "
                "fra nat_fra til dag_fra næste morgen",
            )
        )
    p = cfg.periode
    if p.fra and p.til and p.til < p.fra:
        out.append(Problem("periode.til", "periodens slutdato ligger før startdatoen"))
    out.extend(_funding_problems(cfg.tildeling))
    budget_alone = cfg.data.budget and not (cfg.data.leverancer or cfg.data.visitationer)
    if not cfg.timepris.faggrupper and not budget_alone:
        out.append(Problem("timepris", MISSING_PRICES))
    if cfg.fremskrivning is not None:
        out.extend(_indexation_problems(cfg.fremskrivning, cfg))
    if cfg.frit_valg is not None:
        out.extend(_free_choice_problems(cfg.frit_valg, cfg))
    return out


MISSING_PRICES = (
    "mangler (timepris.faggrupper): timepriserne kræves, når der regnes på leverancer og "
    "visitationer; kun en opfølgning fra en budgetfil alene (data.budget uden leverancer) "
    "klarer sig uden"
)


def _indexation_problems(ix: Indexation, cfg: ModelConfig) -> list[Problem]:
    """Every cost needs its wage share: a missing one would silently be all price or all wage."""
    out: list[Problem] = []
    costs = {k for g in cfg.timepris.faggrupper for k in g.omkostninger_pr_aarsvaerk}
    costs |= set(cfg.timepris.omkostninger_i_takst)
    costs |= {g.navn for g in cfg.timepris.faggrupper if g.timepris is not None}
    for key in sorted(costs - set(ix.loenandele)):
        out.append(
            Problem(
                f"fremskrivning.loenandele.{key}",
                "mangler lønandelen (0-1) for denne omkostning; uden den vides ikke, om den "
                "følger løn- eller prisindekset",
            )
        )
    for key in sorted(set(ix.loenandele) - costs - {WAGE_POST}):
        out.append(
            Problem(
                f"fremskrivning.loenandele.{key}",
                "ukendt omkostning; lønandele gælder omkostningerne under timepris "
                "(omkostninger_pr_aarsvaerk, omkostninger_i_takst) og faggrupper med timepris",
            )
        )
    if WAGE_POST in ix.loenandele and ix.loenandele[WAGE_POST] != 1:
        out.append(Problem(f"fremskrivning.loenandele.{WAGE_POST}", "årslønnen er løn: andel 1"))
    return out


def _free_choice_problems(fv: FreeChoiceConfig, cfg: ModelConfig) -> list[Problem]:
    """A cost placed nowhere or twice, a key naming no service, services that share visits,
    an overhead rate missing for a service: each would move a settlement price silently."""
    out: list[Problem] = []
    names = [s.navn for s in fv.ydelser]
    # the providers' file names a service in any case: names must differ beyond case
    folded = [n.casefold() for n in names]
    for name in sorted({n for n in names if folded.count(n.casefold()) > 1}):
        out.append(Problem("frit_valg.ydelser", f"ydelsen '{name}' står flere gange"))
    if not fv.ydelser:
        out.append(Problem("frit_valg.ydelser", "angiv mindst én ydelse med timepris"))
    staff = {g.navn for g in cfg.timepris.faggrupper}
    scope = set(cfg.forloeb.paragraphs_in)
    for i, s in enumerate(fv.ydelser):
        for p in s.paragraffer:
            if p not in scope:
                out.append(
                    Problem(
                        f"frit_valg.ydelser[{i}].paragraffer",
                        f"paragraffen '{p}' er ikke i modellen (forloeb.*.paragraffer); "
                        "ydelsen får ingen af dens besøg",
                    )
                )
        for g in s.faggrupper:
            if g not in staff:
                out.append(Problem(f"frit_valg.ydelser[{i}].faggrupper", f"ukendt faggruppe '{g}'"))
        for j, other in enumerate(fv.ydelser[:i]):
            if _overlap(s, other):
                out.append(
                    Problem(
                        f"frit_valg.ydelser[{i}]",
                        f"'{s.navn}' og '{other.navn}' (ydelser[{j}]) dækker de samme besøg; "
                        "adskil dem med paragraffer, vagter eller faggrupper",
                    )
                )
    kinds = [(f"frit_valg.ydelser[{i}]", s.ydelsestype) for i, s in enumerate(fv.ydelser)]
    cw = fv.forloebsuger
    if cw is not None:
        kinds.append(("frit_valg.forloebsuger", cw.ydelsestype))
        for name in cw.ydelser:
            if name not in names:
                out.append(Problem("frit_valg.forloebsuger.ydelser", f"ukendt ydelse '{name}'"))
        known_types = {t.name for t in cfg.forloeb.types()}
        for name in cw.forloebstyper or []:
            if name not in known_types:
                out.append(
                    Problem(
                        "frit_valg.forloebsuger.forloebstyper",
                        f"ukendt forløbstype '{name}'; kendte er {', '.join(sorted(known_types))}",
                    )
                )
        if cw.navn.casefold() in folded:
            out.append(
                Problem("frit_valg.forloebsuger.navn", f"'{cw.navn}' er også en ydelse pr. time")
            )
        if not cw.ydelser and not any(s.ydelsestype == cw.ydelsestype for s in fv.ydelser):
            # without services to take the indirect costs from, the course-week prices would
            # carry none: a price too low, said nowhere
            out.append(
                Problem(
                    "frit_valg.forloebsuger.ydelser",
                    f"ingen ydelser med ydelsestype '{cw.ydelsestype}' at tage de indirekte "
                    "udgifter fra; angiv ydelser",
                )
            )
    known_kinds = {r.ydelsestype for r in fv.overheadsatser}
    for path, kind in kinds:
        if kind not in known_kinds:
            out.append(
                Problem(
                    f"{path}.ydelsestype",
                    f"ingen overheadsats for '{kind}' under frit_valg.overheadsatser",
                )
            )
    dated = [(r.ydelsestype, r.gyldig_fra) for r in fv.overheadsatser]
    for kind, day in sorted({d for d in dated if dated.count(d) > 1}):
        out.append(
            Problem(
                "frit_valg.overheadsatser",
                f"to satser for '{kind}' gælder fra samme dag ({day:%d-%m-%Y})",
            )
        )
    posts = {WAGE_POST} | {k for g in cfg.timepris.faggrupper for k in g.omkostninger_pr_aarsvaerk}
    for key, c in fv.omkostninger.items():
        path = f"frit_valg.omkostninger.{key}"
        if key not in CHECKLIST:
            out.append(Problem(path, f"ukendt kategori; kendte er {', '.join(CHECKLIST)}"))
        out.extend(_cost_problems(path, c, names, posts))
    return out


def _overlap(a: FreeChoiceService, b: FreeChoiceService) -> bool:
    """Two services share visits when each of their filters meets (an empty filter is all)."""
    return all(
        not x or not y or bool(set(x) & set(y))
        for x, y in (
            (a.paragraffer, b.paragraffer),
            (a.vagter, b.vagter),
            (a.faggrupper, b.faggrupper),
        )
    )


def _cost_problems(
    path: str, c: FreeChoiceCost, services: list[str], posts: set[str]
) -> list[Problem]:
    out: list[Problem] = []
    for name in c.ydelser + list(c.andele):
        if name not in services:
            out.append(Problem(f"{path}.ydelser", f"ukendt ydelse '{name}'"))
    if c.placering == "timepris":
        if c.post is None or c.post not in posts:
            out.append(
                Problem(
                    f"{path}.post",
                    "placering timepris kræver post: aarsloen eller en nøgle under "
                    f"omkostninger_pr_aarsvaerk ({', '.join(sorted(posts))})",
                )
            )
        for key in sorted(c.model_fields_set & {"ydelser", "noegle", "andele"}):
            out.append(Problem(f"{path}.{key}", "har ingen virkning med placering: timepris"))
    elif c.placering == "direkte":
        if len(c.ydelser) != 1:
            out.append(Problem(f"{path}.ydelser", "placering direkte kræver præcis én ydelse"))
        for key in sorted(c.model_fields_set & {"noegle", "andele", "post"}):
            out.append(Problem(f"{path}.{key}", "har ingen virkning med placering: direkte"))
    else:
        if c.noegle is None:
            out.append(Problem(f"{path}.noegle", "placering fordelt kræver en fordelingsnøgle"))
        if c.noegle == "andele":
            if not c.andele:
                out.append(Problem(f"{path}.andele", "noegle andele kræver andele pr. ydelse"))
            elif (total := sum((Decimal(repr(v)) for v in c.andele.values()), Decimal(0))) != 1:
                out.append(
                    Problem(
                        f"{path}.andele",
                        f"andelene skal tilsammen være 1, fik {danish_number(total)}",
                    )
                )
            if c.ydelser:
                out.append(Problem(f"{path}.ydelser", "med noegle andele står ydelserne i andele"))
        elif c.andele:
            out.append(Problem(f"{path}.andele", "bruges kun med noegle: andele"))
        if "post" in c.model_fields_set:
            out.append(Problem(f"{path}.post", "har ingen virkning med placering: fordelt"))
    return out


def _course_problems(cfg: ModelConfig) -> list[Problem]:
    """The course types: names, staff groups, the words grants use, art-bound options, and the
    groupings the after-phase needs."""
    out: list[Problem] = []
    fc = cfg.forloeb
    extra = fc.__pydantic_extra__ or {}
    if len(extra) > MAX_COURSE_TYPES:
        out.append(Problem("forloeb", f"højst {MAX_COURSE_TYPES} egne forløbstyper"))
    staff = [g.navn for g in cfg.timepris.faggrupper]
    words: dict[str, str] = {}
    for t in fc.types():
        at = f"forloeb.{t.name}"
        if t.name in extra and not _TYPE_NAME.match(t.name):
            out.append(
                Problem(
                    at,
                    "en forløbstypes navn skrives med små bogstaver a-z, tal og _ (fx "
                    "kompleks_doegn)",
                )
            )
        if t.cfg.faggrupper is not None:
            if not t.cfg.faggrupper:
                out.append(Problem(f"{at}.faggrupper", "er tom; udelad nøglen for alle faggrupper"))
            for name in t.cfg.faggrupper:
                if name not in staff:
                    out.append(
                        Problem(
                            f"{at}.faggrupper",
                            f"ukendt faggruppe '{name}'; kendte er {', '.join(staff)}",
                        )
                    )
        for w in [t.name, t.label, *t.cfg.synonymer]:
            key = w.strip().lower()
            builtin = COURSE_TYPE_WORDS.get(key)
            other = words.get(key) or (builtin if builtin != t.name else None)
            if other is not None and other != t.name:
                out.append(
                    Problem(
                        f"{at}.synonymer",
                        f"'{w}' betegner allerede forløbstypen {other}; et ord kan kun "
                        "betegne én forløbstype",
                    )
                )
            words[key] = t.name
        if isinstance(t.cfg, NamedCourse) and t.art != CourseType.UDVIKLENDE:
            for key in sorted(t.cfg.model_fields_set & {"periode_uger", "efterperiode_uger"}):
                out.append(
                    Problem(
                        f"{at}.{key}",
                        f"har ingen virkning med art: {t.art}; {key} bruges kun med art: "
                        "udviklende",
                    )
                )
        if t.cfg.niveauer is not None:
            out.extend(_band_problems(t.cfg.niveauer, f"{at}.niveauer"))
        if t.art == CourseType.UDVIKLENDE:
            # after period 1 the citizen gets T(fastholdende, L) × (1 − r): L must mean the same
            if cfg.levels_of(t.name) != cfg.levels_of(CourseType.FASTHOLDENDE):
                out.append(
                    Problem(
                        f"{at}.niveauer",
                        "et udviklende forløb skal have samme niveauer som forloeb.fastholdende "
                        "(efter periode 1 betales fastholdende takst for niveauet × (1 − r))",
                    )
                )
    for p in fc.udviklende_paragraffer:
        owner = next((t.name for t in fc.types() if p in own_paragraphs(fc, t)), None)
        if owner is not None:
            out.append(
                Problem(
                    "forloeb.udviklende_paragraffer",
                    f"'{p}' er også egen paragraf for forloeb.{owner}; en række uden forløbstype "
                    "kan kun gøre én forløbstype udviklende",
                )
            )
    return out


def dev_paragraph_owners(fc: CoursesConfig) -> dict[str, str]:
    """Paragraph (normal form) → the course type whose grant rows it makes development rows
    (when a row has no course type): `udviklende_paragraffer` make the built-in udviklende; a
    further development-art type's own paragraphs (listed by it and by no other type) make that
    type."""
    owners = {p: CourseType.UDVIKLENDE.value for p in fc.udviklende_paragraffer}
    for t in fc.types():
        for key in own_paragraphs(fc, t):
            owners.setdefault(key, t.name)
    return owners


def own_paragraphs(fc: CoursesConfig, t: CourseSpec) -> set[str]:
    """A further development-art type's own paragraphs (normal form): listed by it, by no other
    type."""
    if t.art != CourseType.UDVIKLENDE or t.name == CourseType.UDVIKLENDE:
        return set()
    others = {p for o in fc.types() if o.name != t.name for p in o.cfg.paragraffer}
    return set(t.cfg.paragraffer) - others


# A staff group's options that only count when its price is computed from wage and hours.
WAGE_OPTIONS = (
    "aarsloen",
    "normtimer",
    "fravaer_andel",
    "indirekte_andele",
    "omkostninger_pr_aarsvaerk",
)


def _funding_problems(funding: FundingConfig) -> list[Problem]:
    out: list[Problem] = []
    names = [t.team for t in funding.teams]
    for name in sorted({n for n in names if n is not None and names.count(n) > 1}):
        out.append(Problem("tildeling.teams", f"teamet '{name}' står flere gange"))
    entries = [("tildeling.standard", funding.standard or default_rule())] + [
        (f"tildeling.teams[{i}]", t) for i, t in enumerate(funding.teams)
    ]
    for path, t in entries:
        if path != "tildeling.standard" and not t.team:
            out.append(Problem(f"{path}.team", "mangler teamets navn"))
        out.extend(t.problems(path))
    return out


def semantic_warnings(cfg: ModelConfig) -> list[Problem]:
    """Suspicious but allowed: reported by `takst valider`, errors with --streng."""
    out: list[Problem] = []
    r = cfg.forloeb.udviklende.forventet_reduktion
    if r is not None and not 0.04 <= r <= 0.13:
        out.append(
            Problem(
                "forloeb.udviklende.forventet_reduktion",
                f"forventet reduktion {format_share(r)} ligger uden for de 4-13 %, som kilderne "
                "angiver",
            )
        )
    unreachable = [b for b in cfg.niveauer.bands() if b.fra >= HOURS_PER_WEEK]
    if unreachable:  # harmless to the numbers (nobody is there), but a sign of a wrong step
        out.append(
            Problem(
                "niveauer.generator" if cfg.niveauer.generator else "niveauer.baand",
                f"niveau {unreachable[0].niveau}-{unreachable[-1].niveau} starter ved "
                f"{format_number(unreachable[0].fra)} timer pr. uge eller mere – over ugens 168 "
                "timer, så ingen borger kan nå dem; kontrollér enhed og trin (takst niveauer)",
            )
        )
    for i, g in enumerate(cfg.timepris.faggrupper):
        if g.timepris is None and g.aarsloen is not None and g.aarsloen < 100_000:
            out.append(
                Problem(
                    f"timepris.faggrupper[{i}].aarsloen",
                    f"årslønnen {g.aarsloen} kr. ser lav ud for et årsværk",
                )
            )
    return out


def _band_problems(levels: LevelsConfig, at: str = "niveauer") -> list[Problem]:
    out: list[Problem] = []
    gen = levels.generator
    if levels.grundlag == "funktionsevne":
        for key in ("baand", "generator"):
            if key in levels.model_fields_set:
                out.append(
                    Problem(
                        f"{at}.{key}",
                        "har ingen virkning med grundlag: funktionsevne; niveauet er "
                        "funktionsevnen (0-4) – fjern enten nøglen eller grundlaget",
                    )
                )
        return out
    if levels.funktionsevne_etiketter:
        out.append(
            Problem(
                f"{at}.funktionsevne_etiketter",
                f"har ingen virkning med grundlag: {levels.grundlag}; den bruges kun med "
                "grundlag: funktionsevne",
            )
        )
    if gen is not None:
        out += [Problem(f"{at}.generator.{key}", why) for key, why in solve_steps(gen)[1]]
    if levels.baand and levels.generator:
        out.append(Problem(at, "angiv enten baand eller generator, ikke begge"))
    if gen and gen.sidste_trin is not None and gen.spring == "lineaer":
        out.append(
            Problem(
                f"{at}.generator.sidste_trin",
                "har ingen virkning med spring: lineaer; den bruges kun med spring: stigende",
            )
        )
    bands = levels.bands()
    if bands[0].fra != 0:
        out.append(
            Problem(
                f"{at}.baand",
                f"første niveau skal starte ved 0, ikke {danish_number(bands[0].fra)}",
            )
        )
    for a, b in zip(bands, bands[1:], strict=False):
        if a.til is None:
            out.append(Problem(f"{at}.baand", f"niveau {a.niveau} er åbent opad, men ikke sidst"))
        elif a.til < b.fra:
            out.append(
                Problem(
                    f"{at}.baand",
                    f"hul mellem {danish_number(a.til)} og {danish_number(b.fra)} timer pr. uge",
                )
            )
        elif a.til > b.fra:
            out.append(Problem(f"{at}.baand", f"niveau {a.niveau} og {b.niveau} overlapper"))
    for band in bands:
        if band.til is not None and band.til <= band.fra:
            out.append(Problem(f"{at}.baand", f"niveau {band.niveau}: til skal være over fra"))
    if bands[-1].til is not None:
        out.append(Problem(f"{at}.baand", "sidste niveau skal være åbent opad (uden til)"))
    levels_seen = [b.niveau for b in bands]
    if len(set(levels_seen)) != len(levels_seen):
        out.append(Problem(f"{at}.baand", "samme niveaunummer står flere gange"))
    return out
