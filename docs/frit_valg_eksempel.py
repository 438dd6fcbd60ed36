"""Write docs/frit_valg.md: how settlement prices for free choice are computed, and the sample
municipality's støttenotat and recalculation, made by takst itself.

Run from the repository root after a change to the prices or the memo:
    python docs/frit_valg_eksempel.py
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from takst_cli import calculate  # noqa: E402
from takst_cli.io.readers import read_table  # noqa: E402
from takst_cli.models import LEVERANDOERER_FIELDS  # noqa: E402
from takst_cli.pipeline.free_choice import from_run, recalculate_year  # noqa: E402
from takst_cli.report.free_choice import (  # noqa: E402
    markdown_table,
    recalculation_tables,
    support_memo,
)

MODEL = ROOT / "configs" / "eksempel.yaml"
PROVIDERS = ROOT / "sample_data" / "leverandoerer_2025.csv"
MADE = dt.date(2025, 12, 15)  # the memo's date, fixed so this page only changes with the numbers

COMMANDS = [
    (
        "takst frit-valg -c M.yaml [--notat NOTAT.md]",
        "afregningspriser pr. leveret time pr. ydelse og vagt, og pr. borgeruge for "
        "helhedspleje, med opbygning; `--notat` skriver støttenotatet i Markdown",
    ),
    (
        "takst efterberegning -c M.yaml --aar ÅÅÅÅ --leverandoerer FIL",
        "efterberegnede priser på årets regnskab og leverede timer, og mellemregningen pr. "
        "leverandør (kommunen betaler / leverandøren tilbagebetaler)",
    ),
    (
        "takst beregn -c M.yaml --ud resultat.xlsx",
        "med en `frit_valg`-sektion får projektmappen arket Frit valg",
    ),
    (
        "takst valider M.yaml",
        "advarer, når en kategori i tjeklisten mangler eller er 0 (nødkald, klippekort, elever), "
        "når priserne hviler på visiterede timer, og når seneste efterberegning er over et år "
        "gammel",
    ),
]

INTRO = """\
# Afregningspriser for frit valg (ældreloven § 19)

Siden 1. juli 2025 skal en kommune, der godkender private leverandører uden priskonkurrence,
fastsætte afregningspriserne ud fra sine egne gennemsnitlige langsigtede omkostninger ved den
tilsvarende ydelse, efterberegne dem mindst én gang om året med regnskabet og afregne forskellen
begge veje. takst regner priserne ud fra kommunens egne data — de samme leverede besøg og
timepriser, som forløbstaksterne bygger på — og skriver støttenotatet.

{commands}

## Sådan regnes der

For hver ydelse s (fx helhedspleje på hverdage om dagen, om aftenen, i weekenden):

- **Leverede timer**: de leverede besøg i modellen (ikke nat, ikke aflyst, paragraf i
  modellen), der falder i ydelsens paragraffer, vagter og faggrupper. To ydelser må ikke dække
  de samme besøg. Med `grundlag: visiteret` lægges sent aflyste besøg til timerne — takst advarer
  om det, for Konkurrencestyrelsen (Aalborg, 2003) krævede priser på leverede timer.
- **Direkte udgift**: hvert besøg × faggruppens timepris i vagten (med aften- og
  weekendtillæg), præcis som i forløbstaksterne. Her ligger løn inkl. pension og feriepenge og
  omkostningerne pr. årsværk (fx IT) — kategorierne med `placering: timepris`.
- **Indirekte udgift**: hver anden kategori i KL/BDO-tjeklisten (vikarer, elever, transport,
  materialer, nødkald, klippekort, ledelse, decentral administration, bygninger) lægges
  `direkte` på én ydelse eller `fordelt` efter en dokumenteret nøgle: `timer` (leverede
  timer), `besoeg` (antal besøg), `udgift` (direkte udgift) eller `andele` (faste andele pr.
  ydelse, der summer til 1). `begrundelse` står i notatet (Hjørring, 2006).
- **Afregningspris** = (direkte + indirekte udgift) / timer × (1 + fast overheadsats). Satsen
  er ministeriets faste overheadsats for ydelsestypen (udkastene til bekendtgørelse nævner 6,0 %
  for helhedspleje, 6,3 % for friplejeboliger og 3,6 % for madlevering), angivet i modelfilen
  med dato og kilde; takst bruger den sats, der gælder på prisernes ikrafttrædelsesdato
  (`gaelder_fra`, ellers dagen efter dataperioden). Central overhead ligger i satsen; beløbet
  under `administration` er derfor den decentrale administration.
- **Helhedspleje pr. borgeruge** (`forloebsuger`): forløbstaksten uden takstens overhead
  (takstgrundlaget pr. borgeruge for forløbstype, fase og niveau) + de indirekte udgifters
  andel af den direkte udgift for de dækkede ydelser, × (1 + overheadsats).

Hver pris vises med sine dele (direkte, indirekte og overhead pr. time), afrundet så delene
giver prisen på øret; hver kategoris fordeling giver kategoriens beløb på øret.

**Efterberegning.** `takst efterberegning --aar 2026` regner priserne igen på årets data
(dataperioden skal være hele året, og omkostningerne i modelfilen årets regnskab) og holder
hver leverandørs afregnede mængde op mod prisen: mængde × (efterberegnet − betalt pris). Hver
leverandørs betalte og efterberegnede beløb afrundes én gang; rækkerne fordeles inden for dem,
så rækker, leverandører og i alt stemmer på øret. Leverandørfilen (CSV, XLSX eller Parquet) har
kolonnerne leverandør, ydelse, mængde (timer, eller borgeruger for en forløbsugepris), betalt
pris pr. enhed, og for forløbsugepriser forløbstype, fase og niveau; overskrifterne navngives
under `kolonner.leverandoerer`. Tal læses på dansk (`1.250,5`, `1.071`, `455,00 kr.`); en
kolonne, der blander decimalkomma og decimalpunktum, eller et `1.071` i et regneark uden komma
at gå efter, stopper kørslen med fil, række og værdi — takst gætter aldrig.

## Modelfilen

Eksempelkommunens sektion (configs/eksempel.yaml):

```yaml
{section}
```

## Eksempelkommunens støttenotat

Skrevet af `takst frit-valg -c configs/eksempel.yaml --notat NOTAT.md` (datoen er sat fast
til {made} her). Det følgende er notatet, uændret:

---

"""


def render() -> str:
    result = calculate(MODEL).run
    cfg = result.cfg
    prices = from_run(result)
    text = MODEL.read_text(encoding="utf-8")
    section = text[text.index("frit_valg:") :].rstrip()
    memo = support_memo(prices, cfg.navn, MADE)
    memo = memo.replace("\n# ", "\n### ").replace("\n## ", "\n#### ")
    memo = "### " + memo.removeprefix("# ")
    src = read_table(
        "leverandoerer",
        PROVIDERS,
        LEVERANDOERER_FIELDS,
        {f: cfg.kolonner.header("leverandoerer", f) for f in LEVERANDOERER_FIELDS},
    )
    settled = recalculate_year(result, src.frame.collect(), src.name, 2025, "tekst")
    per, rows = recalculation_tables(settled)
    recalc = "\n".join(
        [
            "---",
            "",
            "## Eksempelkommunens efterberegning for 2025",
            "",
            "`takst efterberegning -c configs/eksempel.yaml --aar 2025 --leverandoerer "
            "sample_data/leverandoerer_2025.csv` (eksemplets data er 2025; i drift er det "
            "regnskabsåret):",
            "",
            markdown_table(per),
            "",
            per.note,
            "",
            markdown_table(rows),
            "",
            rows.note,
            "",
        ]
    )
    commands = "\n".join(
        ["| kommando | hvad |", "|---|---|", *[f"| `{c}` | {w} |" for c, w in COMMANDS]]
    )
    intro = (
        INTRO.replace("{section}", section)
        .replace("{made}", f"{MADE:%d-%m-%Y}")
        .replace("{commands}", commands)
    )
    return intro + memo + "\n" + recalc


def main() -> None:
    (ROOT / "docs" / "frit_valg.md").write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    main()
