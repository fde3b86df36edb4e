"""The bundled sample: the innovation agenda of the steering group Digital Library.

Built on the public text of the *Eindrapport digitale strategie* (stuurgroep Digitale
Bibliotheek with Cultuurconnect): the three spearheads, the supporting projects, and the
ideas that did not make it (CRM/personalisation/app, back-office projects, website
improvements that depend on the renewal of the search technology and Digitaal Podium).
**Scores and costs are illustrative**, invented for demonstration; the workbook says so.

The assessors' scores derive deterministically (no random generator whose stream could
change between numpy versions) from a consensus profile per idea, a bias per assessor and a
hash-based disagreement, so that ``data/sample.xlsx`` can always be rebuilt identically with
``python -m prioritisation.data.sample data/sample.xlsx``.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from prioritisation.core.model import DEFAULT_CRITERIA, Workbook

T_UX = "Inspirerende gebruikservaring"
T_READ = "Rijk leesklimaat"
T_EINC = "E-inclusie"
T_SUP = "Ondersteunend project"

NOTE = (
    "Illustratieve gegevens: de ideeën volgen de publieke tekst van het Eindrapport digitale "
    "strategie, maar alle scores, kosten en namen van beoordelaars zijn verzonnen voor de "
    "demonstratie."
)

# id, title, theme, cost (EUR), depends_on, owner, duration (years), start_after,
# consensus profile (innovation, desirability, viability, feasibility), description
IDEAS = [
    ("ZOEK", "Vernieuwing van de zoektechnologie", T_UX, 420_000, "", "Cultuurconnect", 2, None,
     (4.2, 4.8, 3.2, 3.2),
     "Nieuwe zoekmachine achter de bibliotheekwebsites en de catalogus: sneller, foutentolerant, "
     "met facetten en betere relevantie. Basis voor verdere websiteprojecten."),
    ("PODIUM", "Verdere evolutie van Digitaal Podium", T_UX, 260_000, "", "Cultuurconnect", 2, None,
     (3.6, 4.0, 3.2, 3.6),
     "Het platform waarop bibliotheken hun website en activiteiten beheren, verder uitbouwen."),
    ("TOEGANK", "Toegankelijke bibliotheekwebsites (WCAG 2.2)", T_UX, 90_000, "", "Cultuurconnect",
     1, None, (2.6, 4.6, 4.0, 4.4),
     "Audit en verbeteringen zodat de digitale bib bruikbaar is voor iedereen, ook met een "
     "beperking."),
    ("UX", "Gebruikersonderzoek en nieuwe vormgeving digitale bib", T_UX, 150_000, "",
     "Cultuurconnect", 1, None, (3.4, 4.2, 3.6, 4.0),
     "Gebruikersonderzoek bij leners en niet-leners; nieuwe huisstijl en navigatie voor de "
     "digitale bibliotheek."),
    ("TICKET", "Activiteiten en ticketing in de bibliotheekwebsites", T_UX, 180_000, "ZOEK; PODIUM",
     "Bib Gent", 1, None, (3.4, 4.0, 3.0, 2.6),
     "Betere integratie van activiteiten en ticketverkoop in de websites van de bibliotheken."),
    ("OPEN", "Open content in de bibliotheekwebsites", T_UX, 120_000, "ZOEK", "Bib Brugge", 1, None,
     (3.6, 3.4, 3.4, 3.0),
     "Vrij beschikbare e-bronnen (open access, publiek domein) vindbaar maken naast de eigen "
     "collectie."),
    ("LIJST", "Grondige herwerking van de lijstjesfunctionaliteit", T_UX, 95_000, "ZOEK",
     "Bib Leuven", 1, None, (2.6, 3.6, 3.8, 3.4),
     "Leners en bibliothecarissen maken, delen en volgen leeslijsten."),
    ("CRM", "CRM: alle klantgegevens op één plek", T_UX, 650_000, "", "Cultuurconnect", 3, None,
     (4.4, 3.8, 1.6, 1.6),
     "Eén klantendossier over alle bibliotheekdiensten heen. Vraagt verdere visievorming en "
     "afstemming met Mijn Burgerprofiel en cultuurprofiel."),
    ("PERSO", "Verdere personalisering van de dienstverlening", T_UX, 240_000, "CRM",
     "Cultuurconnect", 2, None, (4.0, 3.4, 2.2, 2.2),
     "Aanbevelingen en berichten op maat, gebaseerd op het CRM."),
    ("APP", "Bibliotheekapp als universele toegangspoort", T_UX, 480_000, "CRM", "Cultuurconnect", 2,
     None, (4.6, 4.4, 1.5, 2.0),
     "Eén app voor lidkaart, uitleningen, e-boeken, activiteiten en betalingen."),
    ("EBOEK", "Uitbreiding van het e-boeken- en luisterboekenaanbod", T_READ, 300_000, "",
     "Cultuurconnect", 1, None, (2.8, 4.9, 2.6, 4.6),
     "Meer titels en meer gelijktijdige uitleningen in de e-bib, ook luisterboeken."),
    ("LEESPROMO", "Leesbevorderingscampagne met jeugdauteurs", T_READ, 70_000, "", "Bib Brugge", 1,
     None, (2.6, 4.2, 4.0, 4.8),
     "Campagne en schrijversbezoeken voor kinderen en jongeren, met materiaal voor elke bib."),
    ("LEESCLUB", "Digitale leesclubs en leesbegeleiding", T_READ, 85_000, "", "BiblioWaas", 1, None,
     (3.6, 3.6, 3.4, 4.0),
     "Online leesclubs en begeleiding voor wie moeilijk naar de bib komt."),
    ("LEESTIP", "Leestips op maat in de catalogus", T_READ, 60_000, "ZOEK", "Bib Leuven", 1, None,
     (3.4, 4.0, 4.0, 3.4),
     "Redactionele leestips en leeslijsten zichtbaar bij elke zoekopdracht."),
    ("SCHOOL", "Samenwerking schoolbibliotheken en openbare bib", T_READ, 140_000, "", "BiblioWaas", 2,
     None, (3.0, 4.0, 3.0, 3.0),
     "Klasbezoeken, leerlingenkaart en gedeelde collecties met scholen in de regio."),
    ("DIGIPUNT", "Digipunten: laagdrempelige digitale hulp in elke bib", T_EINC, 110_000, "",
     "Bovenlokaal bibliotheekbeleid", 1, None, (3.0, 4.9, 3.6, 4.4),
     "Vaste momenten en plekken waar iedereen terechtkan met vragen over computer, smartphone "
     "en online diensten."),
    ("ELOKET", "Hulp bij e-loket en Mijn Burgerprofiel", T_EINC, 65_000, "", "Bib Brugge", 1, None,
     (3.0, 4.4, 4.0, 4.4),
     "Opleidingspakket voor bibliotheekmedewerkers om burgers te helpen met digitale "
     "overheidsdiensten."),
    ("LAPTOP", "Uitleen van laptops en wifi-hotspots", T_EINC, 200_000, "", "Bib Gent", 1, None,
     (2.6, 4.0, 2.4, 4.0),
     "Toestellen en mobiel internet lenen voor wie thuis geen toegang heeft."),
    ("DIGICOACH", "Vrijwillige digicoaches: opleiding en ondersteuning", T_EINC, 75_000, "DIGIPUNT",
     "Bovenlokaal bibliotheekbeleid", 1, None, (3.0, 4.0, 4.2, 4.0),
     "Vrijwilligers opleiden en begeleiden die in de digipunten helpen."),
    ("DATA", "Datakwaliteit van het bibliotheeksysteem", T_SUP, 160_000, "", "Cultuurconnect", 1,
     None, (2.4, 4.2, 4.0, 4.0),
     "Eenmalige inhaalactie op data-onderhoud na de conversies naar het Eengemaakte "
     "Bibliotheeksysteem."),
    ("OPLEID", "Ondersteuning en opleiding optimaliseren", T_SUP, 90_000, "", "Cultuurconnect", 1,
     None, (2.2, 4.2, 4.4, 4.8),
     "Een helder opleidings- en ondersteuningsaanbod bij de diensten van de innovatieagenda."),
    ("FUSIE", "Samenwerkingen en fusies ondersteunen", T_SUP, 80_000, "",
     "Bovenlokaal bibliotheekbeleid", 2, None, (2.6, 3.6, 4.0, 4.0),
     "Bibliotheken in een fusietraject en regiosamenwerkingen die een hogere "
     "samenwerkingsvorm binnen de Basisinfrastructuur willen, begeleiden."),
    ("REGIO", "Gezamenlijke aankoop en collectiebeleid per regio", T_SUP, 55_000, "FUSIE",
     "BiblioWaas", 1, 2028, (2.6, 3.4, 4.2, 4.0),
     "Naar het voorbeeld van BiblioWaas: gedeeld collectiebeleid en gezamenlijke aankoop voor "
     "bibliotheken in een regio."),
    ("ERFGOED", "Gedeelde digitalisering van erfgoedcollecties", T_READ, 130_000, "",
     "Vlaamse Erfgoedbibliotheken", 2, None, (3.4, 3.4, 3.0, 3.6),
     "Samen met Vlaamse Erfgoedbibliotheken erfgoedcollecties digitaliseren en vindbaar maken."),
    ("BOEKH", "Koppeling met boekhoudpakketten (back-office)", T_SUP, 210_000, "", "Cultuurconnect",
     1, None, (1.4, 2.8, 3.0, 2.0),
     "Uitleen- en betaalgegevens automatisch naar de boekhouding van elke gemeente."),
    ("COLLBEH", "Collectiemanagement in de back-office", T_SUP, 240_000, "", "Cultuurconnect", 2,
     None, (1.4, 3.2, 2.6, 1.8),
     "Aankoop-, budget- en afvoerworkflows gekoppeld aan de vele systemen op de markt."),
]  # fmt: skip

WEIGHTS = {"innovation": 30, "desirability": 30, "viability": 20, "feasibility": 20}
THRESHOLDS = {"innovation": 2.0, "viability": 2.0}

# assessor → (bias per criterion, ideas whose themes they champion, ideas they skip)
ASSESSORS = {
    "An (Cultuurconnect)": ((0.0, 0.0, -0.2, -0.3), (), ()),
    "Bart (Bib Brugge)": ((0.2, 0.1, 0.0, 0.2), ("LEESPROMO", "ELOKET", "OPEN"), ()),
    "Chris (BiblioWaas)": ((-0.1, 0.2, 0.1, 0.0), ("REGIO", "SCHOOL", "LEESCLUB", "FUSIE"), ()),
    "Dina (Vlaamse Erfgoedbibliotheken)": ((0.3, -0.2, 0.0, 0.0), ("ERFGOED", "OPEN"),
                                           ("LAPTOP", "DIGICOACH", "BOEKH")),
    "Emre (bovenlokaal bibliotheekbeleid)": ((0.0, 0.2, 0.2, 0.0), ("DIGIPUNT", "DIGICOACH", "FUSIE"),
                                             ()),
    "Fien (Bib Gent)": ((0.3, 0.0, -0.3, -0.1), ("TICKET", "LAPTOP", "CRM", "APP"), ("COLLBEH",)),
    "Geert (VVSG)": ((-0.3, -0.1, 0.3, 0.2), ("DATA", "BOEKH", "FUSIE"), ()),
}  # fmt: skip

COMMENTS = {
    ("CRM", "viability", "An (Cultuurconnect)"): "Vraagt een veel groter budget dan we hebben.",
    ("CRM", "feasibility", "Geert (VVSG)"): "Eerst afstemmen met Mijn Burgerprofiel.",
    ("APP", "viability", "An (Cultuurconnect)"): "Ontwikkeling én jaarlijks onderhoud voor twee "
    "platformen: niet te dragen.",
    ("TICKET", "feasibility", "Fien (Bib Gent)"): "Kan pas na de nieuwe zoektechnologie.",
    ("BOEKH", "innovation", "Bart (Bib Brugge)"): "Nuttig, maar niet vernieuwend.",
    ("COLLBEH", "feasibility", "An (Cultuurconnect)"): "Te veel systemen om aan te koppelen.",
    ("ERFGOED", "desirability", "Dina (Vlaamse Erfgoedbibliotheken)"): "Sterke vraag vanuit "
    "de erfgoedbibliotheken.",
    ("DIGIPUNT", "desirability", "Emre (bovenlokaal bibliotheekbeleid)"): "Past bij de opdracht "
    "van elke bib rond geletterdheid in de brede zin.",
    ("EBOEK", "viability", "Geert (VVSG)"): "Licentiekosten stijgen elk jaar.",
    ("LAPTOP", "viability", "Chris (BiblioWaas)"): "Vervanging na drie jaar niet begroot.",
}


# AHP judgments per member (Saaty 1–9: how much more important a is than b; "1/3" = b is
# three times as important). Fien's judgments are circular (innovation > desirability >
# viability > innovation): her consistency ratio exceeds 0.1 and is reported. Geert skipped
# one pair: his matrix is incomplete (Harker's method).
PAIRS = [
    ("innovation", "desirability"),
    ("innovation", "viability"),
    ("innovation", "feasibility"),
    ("desirability", "viability"),
    ("desirability", "feasibility"),
    ("viability", "feasibility"),
]
PAIRWISE = {
    "An (Cultuurconnect)": ("1", "2", "2", "2", "2", "1"),
    "Bart (Bib Brugge)": ("1/2", "2", "1", "3", "2", "1/2"),
    "Chris (BiblioWaas)": ("1/3", "1", "1", "3", "3", "1"),
    "Dina (Vlaamse Erfgoedbibliotheken)": ("3", "3", "2", "1", "1", "1/2"),
    "Emre (bovenlokaal bibliotheekbeleid)": ("1/2", "1", "2", "2", "3", "2"),
    "Fien (Bib Gent)": ("5", "1/3", "4", "3", "1/2", "2"),
    "Geert (VVSG)": ("1", "1/3", "1/2", "1/3", "1/2", None),
}  # fmt: skip


def _judgment(text: str) -> float:
    num, _, den = text.partition("/")
    return float(num) / float(den or 1)


def sample_pairwise(as_text: bool = False) -> pd.DataFrame:
    """The members' AHP judgments (long form); ``as_text`` keeps "1/3" as typed in the sheet."""
    rows = [
        {"assessor": who, "criterion_a": a, "criterion_b": b,
         "value": value if as_text else _judgment(value)}
        for who, values in PAIRWISE.items()
        for (a, b), value in zip(PAIRS, values, strict=True)
        if value is not None
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["assessor", "criterion_a", "criterion_b", "value"])


def _disagreement(*key: str) -> float:
    """A deterministic value in {−1, −0.5, 0, 0, 0, 0.5, 1} for an (idea, criterion, assessor)."""
    h = int.from_bytes(hashlib.sha256("|".join(key).encode()).digest()[:4], "big")
    return (-1.0, -0.5, 0.0, 0.0, 0.0, 0.5, 1.0)[h % 7]


def sample_scores() -> pd.DataFrame:
    crits = [c[0] for c in DEFAULT_CRITERIA]
    rows = []
    for iid, *_rest in IDEAS:
        profile = dict(zip(crits, _rest[-2], strict=True))
        for assessor, (bias, champions, skips) in ASSESSORS.items():
            for j, cid in enumerate(crits):
                # a skipped idea: the assessor leaves viability and feasibility empty
                if iid in skips and cid in ("viability", "feasibility"):
                    score = np.nan
                else:
                    value = profile[cid] + bias[j] + _disagreement(iid, cid, assessor)
                    if iid in champions and cid in ("innovation", "desirability"):
                        value += 0.8
                    score = float(min(5, max(1, round(value))))
                rows.append(
                    {
                        "idea_id": iid,
                        "criterion_id": cid,
                        "assessor": assessor,
                        "score": score,
                        "comment": COMMENTS.get((iid, cid, assessor), ""),
                    }
                )
    return pd.DataFrame(rows)


def sample_workbook() -> Workbook:
    criteria = pd.DataFrame(
        [
            {"id": cid, "label": nl, "label_en": en, "description": desc, "direction": "benefit",
             "scale_min": 1.0, "scale_max": 5.0, "weight": float(WEIGHTS[cid]),
             "threshold": THRESHOLDS.get(cid, np.nan)}
            for cid, nl, en, desc in DEFAULT_CRITERIA
        ]
    ).set_index("id")  # fmt: skip
    ideas = pd.DataFrame(
        [
            {"id": iid, "title": title, "theme": theme, "description": desc, "cost": float(cost),
             "depends_on": tuple(d.strip() for d in deps.split(";") if d.strip()), "owner": owner,
             "duration": duration, "start_after": np.nan if start is None else start}
            for iid, title, theme, cost, deps, owner, duration, start, _p, desc in IDEAS
        ]
    ).set_index("id")  # fmt: skip
    settings = {
        "title": "Innovatieagenda digitale bibliotheek 2027–2029",
        "language": "nl",
        "currency": "EUR",
        "method": "wsm",
        "aggregate": "mean",
        "budget": 1_500_000,
        "budget_per_year": "2027=700000; 2028=600000; 2029=500000",
        "note": NOTE,
    }
    return Workbook(criteria=criteria, ideas=ideas, scores=sample_scores(), settings=settings,
                    pairwise=sample_pairwise(), members=sample_members())  # fmt: skip


def sample_members() -> pd.DataFrame:
    """Logins for the demo hub: each assessor under their first name (An chairs), plus an
    analyst who assesses nothing."""
    rows = [
        (name.split()[0].lower(), name, "chair" if name.startswith("An ") else "member")
        for name in ASSESSORS
    ]
    rows.append(("lies", "Lies (analist)", "analyst"))
    return pd.DataFrame(rows, columns=["login", "name", "role"]).set_index("login")


def write_sample(path) -> Path:
    """Write the sample workbook (with a read-me sheet saying the data are illustrative)."""
    from prioritisation.data.export import write_xlsx
    from prioritisation.data.writer import workbook_sheets

    sheets = workbook_sheets(sample_workbook())
    sheets["pairwise"] = sample_pairwise(as_text=True)
    sheets["lees_mij"] = pd.DataFrame(
        {"toelichting": [NOTE, "Bladen: criteria, ideas, scores (lange vorm), settings, pairwise "
                         "(AHP: hoeveel belangrijker criterium a is dan b, schaal 1/9–9), "
                         "members (welke login welk lid is, en de rol: lid, voorzitter, "
                         "waarnemer of analist).",
                         "Schaal 1–5 per criterium; lege cellen = niet beoordeeld."]}
    )  # fmt: skip
    return write_xlsx(sheets, path)


def sample_path() -> Path:
    """The bundled sample: ``data/sample.xlsx`` of the checkout, else a copy made on demand.

    An installed package (no checkout around it) writes the sample once into the user's
    data folder (``$XDG_DATA_HOME/prioritisation``, default ``~/.local/share``).
    """
    in_checkout = Path(__file__).resolve().parents[2] / "data" / "sample.xlsx"
    if in_checkout.exists():
        return in_checkout
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    target = base / "prioritisation" / "sample.xlsx"
    if not target.exists():
        write_sample(target)
    return target


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    for target in sys.argv[1:] or [str(sample_path())]:
        print(write_sample(target))
