"""Danish descriptions (with units) of every key in the model file, for `takst skema`: what an
editor shows beside a key while a finance officer writes the file. Keyed by the key's name;
a key whose meaning depends on where it stands is keyed 'Class.key' (the schema's $defs)."""

from __future__ import annotations

BY_NAME: dict[str, str] = {
    # the top
    "navn": "Navn (tekst).",
    "data": "Inputfilerne; stier er i forhold til modelfilen.",
    "periode": "Dataperioden (fra-til, datoer). Uden: første og sidste gyldige besøgsdato.",
    "kolonner": "Eksporternes kolonneoverskrifter pr. felt; et felt uden navn bruger sit eget "
    "navn som overskrift.",
    "timepris": "Timepriser pr. faggruppe (VIVE-metoden).",
    "forloeb": "Forløbstyperne (udviklende, fastholdende, individuel og egne typer).",
    "niveauer": "Niveauerne efter timer pr. uge: faste bånd eller en generator.",
    "vagter": "Vagternes klokkeslæt og hvilke vagter, der er i modellen.",
    "klinik": "Sygeplejeklinik: andelen af sygeplejen, der regnes som klinikydelse, og dens "
    "timepris.",
    "takster": "Hvordan forløbstaksterne beregnes.",
    "tildeling": "Finansieringsmodel pr. team, aflysninger og delegeret sygepleje.",
    "budget": "Budgetåret og den forventede vækst.",
    "pseudonymisering": "Pseudonymisering af CPR-lignende borger-id'er.",
    "maks_minutter_pr_besoeg": "Højeste antal minutter, et besøg kan vare (minutter, "
    "over 0 og højst 1.440); længere besøg er ugyldige.",
    "frit_valg": "Afregningspriser for frit valg (ældreloven § 19).",
    "advarsel_andel": "Andel af de leverede besøg uden for modellen, over hvilken "
    "plausibilitetstjekket advarer (andel 0-1, fx 0.2 = 20 %).",
    "scenarier": "Navngivne scenarier til takst scenarie: hvert en tabel af nøglestier og "
    "værdier, fx timepris.faggrupper[Sygeplejerske].aarsloen: +4 %.",
    # data
    "leverancer_ark": "Arket i leverancefilen, hvis den er en projektmappe (.xlsx).",
    "visitationer_ark": "Arket i visitationsfilen, hvis den er en projektmappe (.xlsx).",
    "budget_ark": "Arket i budgetfilen, hvis den er en projektmappe (.xlsx).",
    "talformat": "Talformat i eksporterne, når et tal kan læses begge veje: dansk (1.234,5) "
    "eller international (1,234.5). Uden: et tvetydigt tal stopper kørslen.",
    "aarhundrede": "Århundredet for et tocifret årstal (1900 eller 2000; 2000: 25 er 2025). "
    "Uden: et tocifret årstal stopper kørslen.",
    "leverandoerer": "Leverandørfilens kolonneoverskrifter pr. felt (takst efterberegning).",
    # timepris
    "faggrupper": "Faggrupperne (navne som i leverancefilen).",
    "aarsloen": "Årsløn pr. årsværk (kr. pr. år, 50.000-5.000.000).",
    "normtimer": "Normtimer pr. årsværk (timer pr. år, 500-3.000; fx 1924).",
    "fravaer_andel": "Fravær: ferie, sygdom, kurser (andel 0-1 af normtimerne, under 1).",
    "indirekte_andele": "Indirekte tid pr. art (transport, dokumentation, møder, …) som andel "
    "af fremmødetiden (andel 0-1 hver).",
    "omkostninger_pr_aarsvaerk": "Andre omkostninger pr. årsværk ud over lønnen (kr. pr. år "
    "pr. post).",
    "sygepleje": "Faggruppen er sygepleje (ja/nej).",
    "tillaeg": "Vagttillæg pr. vagt (aften, weekend, nat) som andel af dagtimeprisen (andel 0-1).",
    "omkostninger_i_takst": "Udgifter uden for timeprisen, lagt på taksten pr. borgeruge (kr. "
    "for dataperioden pr. post).",
    # niveauer
    "niveau": "Niveauets nummer (heltal 1-1.000).",
    "fra": "Fra og med (timer pr. uge, 0-168).",
    "til": "Til, men ikke med (timer pr. uge, 0-168); uden: åbent opad.",
    "grundlag": "Grundlaget: visiterede eller leverede timer.",
    "baand": "Niveaubåndene (niveau, fra, til i timer pr. uge).",
    "generator": "Niveauerne regnet ud fra første trin, trinstørrelse og antal.",
    "funktionsevne_etiketter": "Visitationens funktionsevneniveau (tekst) → niveau (heltal).",
    "antal_trin": "Antal niveauer (heltal 1-1.000).",
    "foerste_trin": "Første niveaus øvre grænse (i generatorens enhed, 0 eller mere).",
    "foerste_fra": "Hvor første niveau starter (i generatorens enhed, 0 eller mere).",
    "trin": "Trinstørrelse (i generatorens enhed, over 0).",
    "sidste_trin": "Sidste lukkede trins størrelse ved spring: stigende (i generatorens "
    "enhed, over 0).",
    "sidste_fra": "Hvor det åbne øverste niveau starter (i generatorens enhed, over 0).",
    "spring": "Trinene: lige store (lineaer) eller voksende (stigende).",
    "enhed": "Generatorens enhed: timer_uge, min_uge, timer_doegn eller min_doegn.",
    # forløb
    "udviklende": "Udviklende (rehabiliterende) forløb.",
    "fastholdende": "Fastholdende forløb.",
    "individuel": "Individuel takst over en tærskel af timer pr. uge.",
    "sammenhaeng_dage": "Huller i en visitation på højst så mange dage lægges sammen (dage, "
    "0-3.660).",
    "ny_borger_dage": "Dage uden visitation, før en borger regnes som ny (dage, 0-3.660).",
    "udviklende_paragraffer": "Paragraffer, der gør en visitation til et udviklende forløb, "
    "når visitationen ikke har en forløbstype.",
    "uden_for_model": "Paragraffer, der bevidst holdes uden for modellen.",
    "paragraffer": "Paragraffer (som i eksporten, fx 'SEL §83').",
    "betegnelse": "Betegnelse i tabeller og projektmappen; uden: navnet.",
    "synonymer": "Visitationens ord for forløbstypen.",
    "periode_uger": "Det udviklende forløbs længde (uger, 1-104).",
    "efterperiode_uger": "Efterperioden med reduceret takst (uger, 1-104); uden: som periode_uger.",
    "forventet_reduktion": "Reduktionen r efter et udviklende forløb (andel 0-1; kilderne "
    "angiver 0,04-0,13). Uden: estimeret fra data.",
    "taerskel_timer_uge": "Over så mange visiterede timer pr. uge er taksten individuel "
    "(timer pr. uge, over 0 og højst 168).",
    "art": "Forløbstypens art: udviklende, fastholdende eller individuel.",
    # vagter, klinik, takster
    "i_scope": "Vagterne i modellen (dag, aften, weekend, nat).",
    "dag_fra": "Dagvagten starter (klokkeslæt TT:MM).",
    "aften_fra": "Aftenvagten starter (klokkeslæt TT:MM).",
    "nat_fra": "Nattevagten starter (klokkeslæt TT:MM).",
    "andel": "Andel (0-1).",
    "metode": "historisk (faktisk udgift pr. borgeruge) eller normativ.",
    "basistakst": "Fast beløb lagt på hver takst (kr. pr. uge, 0 eller mere).",
    # tildeling
    "aflysningsfrist": "Frist for aflysning, fx '14:00 dagen før'; senere aflysninger tælles "
    "som sent aflyste.",
    "standard": "Finansieringsmodellen for teams, der ikke står i teams.",
    "teams": "Finansieringsmodel pr. team.",
    "delegeret_sygepleje": "Delegeret sygepleje (SUL § 138 udført af hjemmeplejen).",
    "aflyst_af": "Eksportens ord for, hvem der aflyste (borger eller leverandør).",
    "team": "Teamets navn som i eksporten.",
    "model": "Finansieringsmodel: aktivitet, ramme, forloeb eller kombination.",
    "ramme": "Rammebeløb (kr. pr. år, 0 eller mere).",
    "fast_ramme": "Fast ramme i en kombinationsmodel (kr. pr. år, 0 eller mere).",
    "variabel": "Den variable del i en kombinationsmodel: aktivitet eller forloeb.",
    "demografiregulering": "Demografiregulering af rammen (andel, -0,5 til 1).",
    "paragraf": "Paragraffen, som i eksporten (fx 'SUL §138').",
    "kilde": "Kilde (tekst).",
    "borger": "Ord for aflysning ved borgeren (små bogstaver).",
    "leverandoer": "Ord for aflysning ved leverandøren (små bogstaver).",
    # budget, pseudonymisering
    "aar": "Budgetåret (årstal 1901-2199); uden: året efter dataperioden.",
    "demografi": "Forventet vækst i borgeruger (andel, over -0,5 og under 1; fx 0.02 = 2 %).",
    "noegle": "Nøglen til pseudonymisering (tekst); kan også gives i miljøvariablen "
    "TAKST_PSEUDONYM_NOEGLE.",
    # frit valg
    "gaelder_fra": "Priserne gælder fra (dato); uden: dagen efter dataperioden.",
    "sidste_efterberegning": "Dato for seneste efterberegning (dato).",
    "overheadsatser": "Overheadsatser pr. ydelsestype med gyldighed og kilde.",
    "omkostninger": "Omkostninger i KL/BDO-tjeklistens kategorier.",
    "ydelser": "Ydelserne.",
    "forloebsuger": "Priser pr. forløbsuge.",
    "beloeb": "Beløb (kr. for dataperioden, 0 eller mere).",
    "placering": "Hvor beløbet indgår: timepris, direkte (én ydelse) eller fordelt.",
    "post": "Posten i timeprisen: aarsloen eller en nøgle i omkostninger_pr_aarsvaerk.",
    "andele": "Fordeling pr. ydelse (andel 0-1 hver, tilsammen 1).",
    "begrundelse": "Begrundelse for fordelingsnøglen (tekst).",
    "ydelsestype": "Ydelsestypen (fx helhedspleje).",
    "sats": "Overheadsats (andel 0-1).",
    "gyldig_fra": "Satsen gælder fra (dato).",
    "forloebstyper": "Forløbstyperne, der prissættes; uden: alle udviklende og fastholdende.",
}

BY_CLASS: dict[str, str] = {
    "ModelConfig.navn": "Kommunens navn (tekst), vist i rapporterne.",
    "ModelConfig.fremskrivning": "Pris- og lønfremskrivning fra dataåret til budgetåret: "
    "daterede indeks med kilde, og lønandelen af hver omkostning.",
    "ModelConfig.timepris": "Timepriser pr. faggruppe (VIVE-metoden). Påkrævet, undtagen i "
    "en modelfil, der kun har en budgetfil (budgetopfølgning).",
    "Indexation.kilde": "Indeksenes kilde (tekst), fx 'KL pris- og lønskøn, juni 2025'.",
    "Indexation.dato": "Datoen indeksene blev offentliggjort (dato).",
    "Indexation.indeks": "Løn- og prisindeks pr. år (år: {loen, pris}).",
    "Indexation.fra_aar": "Året taksterne fremskrives fra (år). Uden: dataperiodens år.",
    "Indexation.loenandele": "Lønandelen af hver omkostning (andel 0-1 pr. omkostning); "
    "resten følger prisindekset. Årslønnen er løn (1).",
    "IndexYear.loen": "Lønindeks for året (over 0).",
    "IndexYear.pris": "Prisindeks for året (over 0).",
    "ModelConfig.budget": "Budgetåret og den forventede vækst i borgeruger.",
    "DataFiles.leverancer": "Leverancefilen (besøgene): CSV, XLSX eller Parquet.",
    "DataFiles.visitationer": "Visitationsfilen: CSV, XLSX eller Parquet.",
    "DataFiles.budget": "Budgetfilen pr. team (budget og evt. forbrug til dato): CSV eller XLSX.",
    "Period.fra": "Første dag i dataperioden (dato).",
    "Period.til": "Sidste dag i dataperioden (dato).",
    "Columns.leverancer": "Leverancefilens kolonneoverskrifter pr. felt.",
    "Columns.visitationer": "Visitationsfilens kolonneoverskrifter pr. felt.",
    "Columns.budget": "Budgetfilens kolonneoverskrifter pr. felt.",
    "StaffGroup.navn": "Faggruppens navn som i leverancefilen.",
    "StaffGroup.timepris": "Timeprisen angivet direkte (kr. pr. time, over 0 og højst "
    "10.000) i stedet for at beregne den.",
    "ClinicConfig.andel": "Andel af sygeplejen, der regnes som klinikydelse (andel 0-1).",
    "ClinicConfig.timepris": "Klinikkens timepris (kr. pr. time, over 0 og højst 10.000).",
    "LevelsConfig.grundlag": "Niveauet efter visiterede eller leverede timer pr. uge.",
    "DevelopmentCourse.niveauer": "Egne niveauer for typen; uden: modelfilens niveauer.",
    "StabilisingCourse.niveauer": "Egne niveauer for typen; uden: modelfilens niveauer.",
    "IndividualCourse.niveauer": "Egne niveauer for typen; uden: modelfilens niveauer.",
    "NamedCourse.niveauer": "Egne niveauer for typen; uden: modelfilens niveauer.",
    "DevelopmentCourse.faggrupper": "Faggrupperne i forløbstypen; uden: alle.",
    "StabilisingCourse.faggrupper": "Faggrupperne i forløbstypen; uden: alle.",
    "IndividualCourse.faggrupper": "Faggrupperne i forløbstypen; uden: alle.",
    "NamedCourse.faggrupper": "Faggrupperne i forløbstypen; uden: alle.",
    "NamedCourse.periode_uger": "Forløbets længde ved art udviklende (uger, 1-104); uden: 12.",
    "TeamFunding.grundlag": "Aktivitet afregnet på leverede eller visiterede timer.",
    "DelegatedNursing.kilde": "Hvem der betaler den delegerede sygepleje: sygeplejeramme "
    "eller myndighed.",
    "FreeChoiceConfig.grundlag": "Priserne på leverede timer (leveret) eller på leverede + "
    "sent aflyste (visiteret).",
    "FreeChoiceConfig.ydelser": "Ydelserne, der prissættes (navn, paragraffer, vagter, "
    "faggrupper).",
    "FreeChoiceService.navn": "Ydelsens navn (tekst).",
    "FreeChoiceService.faggrupper": "Faggrupperne i ydelsen; uden: alle.",
    "FreeChoiceService.vagter": "Vagterne i ydelsen; uden: alle i modellen.",
    "FreeChoiceCost.ydelser": "Ydelserne: én ved placering direkte; ved fordelt som standard alle.",
    "FreeChoiceCost.noegle": "Fordelingsnøgle: timer, besoeg, udgift eller andele.",
    "OverheadRate.kilde": "Kilden til satsen (tekst, påkrævet).",
    "CourseWeekPrices.navn": "Prisens navn (tekst).",
    "CourseWeekPrices.ydelser": "Ydelserne i prisen; uden: typens timeydelser.",
    "PseudonymConfig.noegle": "Nøglen til pseudonymisering (tekst); kan også gives i "
    "miljøvariablen TAKST_PSEUDONYM_NOEGLE.",
}


def describe(schema: dict) -> dict:  # type: ignore[type-arg]
    """Every property of the schema with its Danish description (an existing one is kept)."""

    def fill(name: str, node: dict) -> None:  # type: ignore[type-arg]
        for key, prop in node.get("properties", {}).items():
            text = BY_CLASS.get(f"{name}.{key}") or BY_NAME.get(key)
            if text is not None and "description" not in prop:
                prop["description"] = text
            if prop.get("title") == key.replace("_", " ").title():
                del prop["title"]  # pydantic's English-looking "Fravaer Andel": the key says it

    fill("ModelConfig", schema)
    for name, node in schema.get("$defs", {}).items():
        fill(name, node)
        # the class's own title and docstring are the code's English; the key that uses it
        # carries the Danish description
        node.pop("title", None)
        node.pop("description", None)
    return schema
