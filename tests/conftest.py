"""Shared fixtures: a tiny municipality whose numbers are worked out by hand in test_tiny.py."""

from __future__ import annotations

from pathlib import Path

import pytest

TINY_MODEL = """\
navn: Lilleby
data:
  leverancer: leverancer.csv
  visitationer: visitationer.csv
periode:
  fra: 2025-01-06
  til: 2025-03-30
timepris:
  faggrupper:
    - navn: SSH
      aarsloen: 400000
      normtimer: 1924
      fravaer_andel: 0.15
      indirekte_andele: {transport: 0.25}
    - navn: SPL
      timepris: 420
      sygepleje: true
  tillaeg: {aften: 0.25, weekend: 0.5}
  omkostninger_i_takst: {ledelse: 700}
forloeb:
  udviklende: {periode_uger: 2, efterperiode_uger: 2}
"""

# Visits: (citizen, date, start, minutes, paragraph, staff group, status)
TINY_VISITS = """\
borger_id;dato;start;minutter;paragraf;faggruppe;team;status
A;06-01-2025;08:00;60;SEL §83;SSH;Nord;leveret
A;07-01-2025;16:00;30;SEL §83;SSH;Nord;leveret
A;11-01-2025;10:00;60;SEL §83;SSH;Nord;leveret
A;08-01-2025;02:00;30;SEL §83;SSH;Nord;leveret
A;09-01-2025;09:00;30;SEL §83;SSH;Nord;aflyst
A;10-01-2025;09:00;60;SEL §86;SSH;Nord;leveret
B;04-02-2025;09:00;45;SUL §138;SPL;Nord;leveret
C;08-01-2025;10:00;120;SEL §83;SSH;Syd;leveret
C;15-01-2025;10:00;60;SEL §83;SSH;Syd;leveret
C;21-01-2025;10:00;60;SEL §83;SSH;Syd;leveret
C;10-02-2025;10:00;60;SEL §83;SSH;Syd;leveret
D;14-01-2025;10:00;60;SEL §83;SSH;Syd;leveret
E;07-01-2025;09:00;240;SEL §83;SSH;Syd;leveret
E;05-02-2025;09:00;60;SUL §138;SPL;Syd;leveret
F;04-03-2025;10:00;600;SEL §83;SSH;Nord;leveret
G;20-01-2025;10:00;30;SEL §83;SSH;Nord;leveret
"""

TINY_GRANTS = """\
borger_id;team;forloebstype;start_dato;slut_dato;visiterede_minutter_uge
A;Nord;fastholdende;01-12-2024;;120
B;Nord;fastholdende;03-02-2025;16-02-2025;150
C;Syd;udviklende;06-01-2025;;600
D;Syd;udviklende;13-01-2025;26-01-2025;600
E;Syd;fastholdende;01-06-2024;;600
F;Nord;fastholdende;03-03-2025;;1800
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A folder with the tiny model file and its two CSV exports; returns the model path."""
    (tmp_path / "leverancer.csv").write_text(TINY_VISITS, encoding="utf-8")
    (tmp_path / "visitationer.csv").write_text(TINY_GRANTS, encoding="utf-8")
    model = tmp_path / "model.yaml"
    model.write_text(TINY_MODEL, encoding="utf-8")
    return model
