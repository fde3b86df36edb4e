"""The sections of the steering group's report, as HTML the report notebook displays.

Each section is a function ``context → Html``; ``notebooks/report.ipynb`` calls one per cell
and :mod:`prioritisation.report` turns the executed notebook into a PDF. Everything shown
comes from the engine's result types (no recomputation here) and every piece of user text
(titles, descriptions, comments, names) is escaped with :func:`html.escape`.

A section whose engine is not part of the package yet is simply not in the notebook.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from . import __version__
from .errors import UsageError
from .i18n import fmt_money, fmt_number, fmt_percent, register, set_language, tr
from .model import Workbook
from .scoring import Ranking, rank
from .workbook import read_workbook

register(
    {
        "nl": {
            "rep.default_title": "Prioritering van innovatieprojecten",
            "rep.subtitle": "Verslag van de prioritering door de stuurgroep",
            "rep.page": "pagina",
            "rep.date": "Datum",
            "rep.scenario": "Scenario",
            "rep.scenario_none": "gewichten van de werkmap",
            "rep.scenario_custom": "eigen gewichten: {weights}",
            "rep.method": "Methode",
            "rep.aggregate": "Samenvoegen van scores",
            "rep.budget": "Budget",
            "rep.budget_none": "niet opgegeven",
            "rep.ideas_count": "Ideeën",
            "rep.ideas_summary": "{n} ideeën, waarvan {eligible} in aanmerking",
            "rep.assessors": "Beoordelaars",
            "rep.record": "Beslissingsrecord",
            "rep.record_intro": "Met deze gegevens kan iedereen dit rapport opnieuw maken en "
            "nagaan dat het op dezelfde werkmap en dezelfde instellingen steunt.",
            "rep.workbook": "Werkmap",
            "rep.sha": "SHA-256 van de werkmap (eerste 12 tekens)",
            "rep.scenario_version": "Scenarioversie",
            "rep.version_none": "geen (geen opgeslagen scenario)",
            "rep.package_version": "Versie van de prioriteringssoftware",
            "rep.winner": "Hoogst gerangschikt: {idea}.",
            "rep.no_winner": "Geen enkel idee komt in aanmerking.",
            "rep.note": "Opmerking bij de gegevens",
            "rep.contents": "Inhoud",
            "method.wsm": "gewogen som (WSM)",
            "method.wpm": "gewogen product (WPM)",
            "method.topsis": "TOPSIS (afstand tot het ideaal)",
            "method.promethee": "PROMETHEE II (netto-uitstroom)",
            "agg.mean": "het gemiddelde",
            "agg.median": "de mediaan",
            "agg.geomean": "het meetkundig gemiddelde",
            "agg.trimmed": "het getrimde gemiddelde (20 % aan elke kant weg)",
            "rep.s_criteria": "Criteria en gewichten",
            "rep.s_ranking": "De rangschikking",
            "rep.s_value_cost": "Waarde tegenover kost",
            "rep.s_not_selected": "Ideeën die het niet haalden",
            "rep.s_appendix": "Bijlage: de ideeën één voor één",
            "rep.criterion": "Criterium",
            "rep.description": "Wat de scores betekenen",
            "rep.scale": "Schaal",
            "rep.threshold": "Drempel",
            "rep.weight": "Gewicht",
            "rep.direction_cost": "lager is beter",
            "rep.threshold_min": "minstens {value}",
            "rep.threshold_max": "hoogstens {value}",
            "rep.how_aggregated": "Per idee en criterium zijn de scores van de {n} beoordelaars "
            "samengevoegd met {aggregate}; lege cellen tellen niet mee. Elke samengevoegde score "
            "is omgerekend naar 0–1 op de schaal van het criterium (niet ten opzichte van de "
            "andere ideeën, zodat een extra idee de volgorde van de andere nooit wijzigt). De "
            "rangschikking gebruikt de {method}.",
            "rep.how_gates": "Een idee dat onder de drempel van een criterium blijft, komt niet "
            "in aanmerking: het houdt zijn score maar krijgt geen rang.",
            "rep.assessor_list": "De beoordelaars: {names}.",
            "rep.rank": "Rang",
            "rep.idea": "Idee",
            "rep.theme": "Thema",
            "rep.cost": "Kost",
            "rep.score": "Score",
            "rep.not_eligible": "niet in aanmerking",
            "rep.ranking_intro": "{eligible} van de {n} ideeën komen in aanmerking. De score "
            "ligt tussen 0 en 1; ideeën met dezelfde score delen een rang. Ideeën die niet in "
            "aanmerking komen, staan onderaan zonder rang.",
            "rep.contrib_intro": "Elke balk splitst de score van een idee in de bijdragen van de "
            "criteria (gewicht × omgerekende score); samen vormen ze de score.",
            "rep.value_cost_intro": "Elke bol is een idee: hoe hoger, hoe beter de score; hoe "
            "verder naar rechts, hoe duurder (logaritmische schaal). Ideeën linksboven leveren "
            "veel waarde voor weinig geld. Een open bol komt niet in aanmerking.",
            "rep.value_cost_total": "Alle ideeën samen kosten {total}; de {eligible} ideeën die "
            "in aanmerking komen {eligible_total}.",
            "rep.not_selected_intro": "Elk idee dat niet in aanmerking kwam, met de reden.",
            "rep.none_not_selected": "Alle ideeën komen in aanmerking.",
            "rep.reason": "Reden",
            "rep.reason_gate": "Drempel niet gehaald: {reason}.",
            "rep.what_would_change": "Wat dat zou veranderen: {change}.",
            "rep.change_gate": "{criterion} minstens {needed} halen",
            "rep.change_gate_max": "{criterion} hoogstens {needed}",
            "rep.change_missing": "een score op {criterion}",
            "rep.owner": "Trekker",
            "rep.depends": "Hangt af van",
            "rep.aggregated": "Samengevoegde score",
            "rep.spread": "Spreiding",
            "rep.n_scores": "Aantal scores",
            "rep.range": "Laagste–hoogste",
            "rep.comments": "Opmerkingen van de beoordelaars",
            "rep.no_comments": "Geen opmerkingen.",
            "rep.spread_note": "Spreiding = standaardafwijking van de scores van de beoordelaars "
            "op de schaal van het criterium; hoe groter, hoe meer de leden van mening verschillen.",
            "rep.rank_of": "rang {rank} van {n}",
            "rep.s_disagreement": "Waar de leden van mening verschillen",
            "rep.disagreement_intro": "De {n} combinaties van idee en criterium waarover de "
            "beoordelaars het minst eens zijn (grootste spreiding). Zo'n verschil is informatie, "
            "geen ruis: het is het gesprek waard voor de beslissing valt.",
            "rep.no_disagreement": "De beoordelaars gaven overal dezelfde scores.",
            "rep.lowest": "Laagste score (van wie)",
            "rep.combined_short": "Samengevoegd",
            "rep.highest": "Hoogste score (van wie)",
            "rep.funded_fact": "Gefinancierd",
            "rep.funded": "gefinancierd",
            "rep.not_funded": "niet gefinancierd",
            "rep.funded_summary": "{n} ideeën, {cost} van {budget}",
            "rep.s_portfolio": "Gefinancierd binnen het budget",
            "rep.portfolio_intro": "De beste combinatie van ideeën binnen het budget van {budget}: "
            "de hoogste totale score, rekening houdend met drempels, afhankelijkheden en "
            "exclusieve groepen. {n} ideeën kosten samen {cost}; er blijft {remaining} over.",
            "rep.portfolio_not_optimal": "De rekentijd was op voor het optimum bewezen was; dit is "
            "de beste combinatie die gevonden werd (afwijking hoogstens {gap}).",
            "rep.portfolio_infeasible": "Binnen dit budget en deze voorwaarden bestaat geen "
            "geldige combinatie: {conflicts}.",
            "rep.no_budget": "Er is geen budget opgegeven (instelling 'budget' in de werkmap of "
            "--budget), dus er is geen selectie binnen een budget.",
            "rep.total": "Totaal",
            "rep.frontier": "Wat meer of minder budget oplevert",
            "rep.frontier_intro": "Boven: de hoogste totale score die elk budgetniveau kan kopen "
            "(de stippellijn is het huidige budget). Onder: bij welke budgetten elk idee in de "
            "beste combinatie zit; waar een balk stopt, duwt een groter project het eruit.",
            "rep.s_roadmap": "Roadmap",
            "rep.roadmap_intro": "De gefinancierde ideeën verdeeld over de jaren, binnen het "
            "budget van elk jaar{cap} en met de afhankelijkheden eerst. Omdat elk jaar een eigen "
            "plafond heeft, kan deze selectie verschillen van die hierboven.",
            "rep.roadmap_cap": " en het totale budget van {budget}",
            "rep.year": "Jaar",
            "rep.year_budget": "Budget",
            "rep.spend": "Uitgegeven",
            "rep.remaining": "Over",
            "rep.running": "Lopende ideeën",
            "rep.s_robustness": "Hoe stevig is de rangschikking?",
            "rep.stability_intro": "Per criterium: binnen welk bereik het gewicht mag liggen (de "
            "andere gewichten schuiven in verhouding mee) zonder dat {winner} zijn eerste plaats "
            "verliest, en wie er dan eerste wordt.",
            "rep.weight_now": "Gewicht nu",
            "rep.winner_stays": "{winner} blijft eerste tussen",
            "rep.rival_below": "Eerste onder het bereik",
            "rep.rival_above": "Eerste boven het bereik",
            "rep.top_stays": "Top {k} blijft dezelfde tussen",
            "rep.smaa_intro": "Rangaanvaardbaarheid (SMAA): de gewichten werden {samples} keer "
            "willekeurig getrokken (seed {seed}); per idee het aandeel trekkingen waarin het "
            "eerste wordt, in de top {k} eindigt, en de gemiddelde rang.",
            "rep.p_first": "Kans op 1e plaats",
            "rep.p_top": "Kans op top {k}",
            "rep.expected_rank": "Gemiddelde rang",
            "rep.consensus": "Kendalls W = {w}: {meaning} onder de {n} beoordelaars over de "
            "volgorde van de ideeën (0 = geen, 1 = volledige eensgezindheid; p {p}).",
            "rep.w_strong": "sterke overeenstemming",
            "rep.w_moderate": "matige overeenstemming",
            "rep.w_weak": "zwakke overeenstemming",
            "rep.w_none": "De overeenstemming tussen de beoordelaars kan niet berekend worden "
            "(minstens twee beoordelaars en twee ideeën nodig).",
            "rep.member_ranks": "De ideeën waarvan de rang het meest verschilt tussen de leden: "
            "elke stip is de rang volgens één lid, het streepje de rang van de groep.",
            "rep.robustness_wsm_only": "De stabiliteitsanalyse geldt voor de gewogen som; deze "
            "rangschikking gebruikt {method}.",
            "kind.not_eligible": "Drempel",
            "kind.budget": "Budgetlijn",
            "kind.prerequisite": "Afhankelijkheid",
            "kind.prereq_blocked": "Afhankelijkheid",
            "kind.group": "Exclusieve groep",
            "kind.theme_max": "Themaplafond",
            "kind.too_expensive": "Te duur",
            "kind.excluded": "Uitgesloten",
            "kind.no_cost": "Geen kost",
            "kind.negative": "Lage score",
            "rep.not_funded_intro": "Elk idee dat niet gefinancierd wordt, met de reden in "
            "woorden: de drempel die het niet haalt, de budgetlijn waar het onder valt, of het "
            "idee waarvan het afhangt — en wat dat zou veranderen.",
            "usage.report_lang": "onbekende taal '{value}'; kies nl, en of nl,en",
            "usage.report_budget": "budget '{value}' is geen bedrag ≥ 0",
            "usage.report_scenario_options": "--scenario neemt gewichten, methode, aggregatie en "
            "budget uit het opgeslagen scenario; laat --weights, --method, --aggregate en "
            "--budget dan weg",
            "usage.report_no_scenarios": "er zijn nog geen scenario's opgeslagen in {store}",
            "rep.scenario_label": "{name} (versie {version})",
            "rep.scenario_saved": "opgeslagen op {created} door {author}",
            "rep.scenario_note": "Toelichting bij het scenario",
            "rep.scenario_other_workbook": "Let op: dit scenario werd opgeslagen bij een andere "
            "versie van de werkmap (SHA-256 {saved}); dit rapport rekent met de huidige "
            "(SHA-256 {current}).",
            "rep.selection": "Vastgelegd door de stuurgroep: {text}.",
            "rep.include": "altijd financieren: {ids}",
            "rep.exclude": "niet financieren: {ids}",
        },
        "en": {
            "rep.default_title": "Prioritisation of innovation projects",
            "rep.subtitle": "Report of the steering group's prioritisation",
            "rep.page": "page",
            "rep.date": "Date",
            "rep.scenario": "Scenario",
            "rep.scenario_none": "the workbook's weights",
            "rep.scenario_custom": "custom weights: {weights}",
            "rep.method": "Method",
            "rep.aggregate": "Combining scores",
            "rep.budget": "Budget",
            "rep.budget_none": "not given",
            "rep.ideas_count": "Ideas",
            "rep.ideas_summary": "{n} ideas, {eligible} of them eligible",
            "rep.assessors": "Assessors",
            "rep.record": "Decision record",
            "rep.record_intro": "With these data anyone can rebuild this report and check that it "
            "rests on the same workbook and the same settings.",
            "rep.workbook": "Workbook",
            "rep.sha": "SHA-256 of the workbook (first 12 characters)",
            "rep.scenario_version": "Scenario version",
            "rep.version_none": "none (no stored scenario)",
            "rep.package_version": "Version of the prioritisation software",
            "rep.winner": "Ranked first: {idea}.",
            "rep.no_winner": "No idea is eligible.",
            "rep.note": "Note on the data",
            "rep.contents": "Contents",
            "method.wsm": "weighted sum (WSM)",
            "method.wpm": "weighted product (WPM)",
            "method.topsis": "TOPSIS (distance to the ideal)",
            "method.promethee": "PROMETHEE II (net flow)",
            "agg.mean": "the mean",
            "agg.median": "the median",
            "agg.geomean": "the geometric mean",
            "agg.trimmed": "the trimmed mean (20 % cut at each end)",
            "rep.s_criteria": "Criteria and weights",
            "rep.s_ranking": "The ranking",
            "rep.s_value_cost": "Value versus cost",
            "rep.s_not_selected": "Ideas that did not make it",
            "rep.s_appendix": "Appendix: the ideas one by one",
            "rep.criterion": "Criterion",
            "rep.description": "What the scores mean",
            "rep.scale": "Scale",
            "rep.threshold": "Threshold",
            "rep.weight": "Weight",
            "rep.direction_cost": "lower is better",
            "rep.threshold_min": "at least {value}",
            "rep.threshold_max": "at most {value}",
            "rep.how_aggregated": "For each idea and criterion the scores of the {n} assessors "
            "were combined with {aggregate}; empty cells do not count. Each combined score was "
            "converted to 0–1 on the criterion's scale (not relative to the other ideas, so an "
            "extra idea never changes the order of the others). The ranking uses the {method}.",
            "rep.how_gates": "An idea below a criterion's threshold is not eligible: it keeps its "
            "score but gets no rank.",
            "rep.assessor_list": "The assessors: {names}.",
            "rep.rank": "Rank",
            "rep.idea": "Idea",
            "rep.theme": "Theme",
            "rep.cost": "Cost",
            "rep.score": "Score",
            "rep.not_eligible": "not eligible",
            "rep.ranking_intro": "{eligible} of the {n} ideas are eligible. The score lies between "
            "0 and 1; ideas with the same score share a rank. Ideas that are not eligible are "
            "listed last, without a rank.",
            "rep.contrib_intro": "Each bar splits an idea's score into the contributions of the "
            "criteria (weight × converted score); together they make up the score.",
            "rep.value_cost_intro": "Each bubble is an idea: the higher, the better its score; the "
            "further right, the more it costs (logarithmic scale). Ideas at the top left give "
            "much value for little money. A hollow bubble is not eligible.",
            "rep.value_cost_total": "All ideas together cost {total}; the {eligible} eligible "
            "ideas {eligible_total}.",
            "rep.not_selected_intro": "Every idea that was not eligible, with its reason.",
            "rep.none_not_selected": "All ideas are eligible.",
            "rep.reason": "Reason",
            "rep.reason_gate": "Threshold not met: {reason}.",
            "rep.what_would_change": "What would change that: {change}.",
            "rep.change_gate": "{criterion} reaching at least {needed}",
            "rep.change_gate_max": "{criterion} at most {needed}",
            "rep.change_missing": "a score on {criterion}",
            "rep.owner": "Owner",
            "rep.depends": "Depends on",
            "rep.aggregated": "Combined score",
            "rep.spread": "Spread",
            "rep.n_scores": "Number of scores",
            "rep.range": "Lowest–highest",
            "rep.comments": "Assessors' comments",
            "rep.no_comments": "No comments.",
            "rep.spread_note": "Spread = standard deviation of the assessors' scores on the "
            "criterion's scale; the larger, the more the members disagree.",
            "rep.rank_of": "rank {rank} of {n}",
            "rep.s_disagreement": "Where members disagree",
            "rep.disagreement_intro": "The {n} combinations of idea and criterion on which the "
            "assessors agree least (largest spread). Such a difference is information, not "
            "noise: it is worth a conversation before the decision is taken.",
            "rep.no_disagreement": "The assessors gave the same scores everywhere.",
            "rep.lowest": "Lowest score (by whom)",
            "rep.combined_short": "Combined",
            "rep.highest": "Highest score (by whom)",
            "rep.funded_fact": "Funded",
            "rep.funded": "funded",
            "rep.not_funded": "not funded",
            "rep.funded_summary": "{n} ideas, {cost} of {budget}",
            "rep.s_portfolio": "Funded within the budget",
            "rep.portfolio_intro": "The best combination of ideas within the budget of {budget}: "
            "the highest total score, respecting thresholds, dependencies and mutually exclusive "
            "groups. {n} ideas cost {cost} together; {remaining} is left.",
            "rep.portfolio_not_optimal": "The time limit was reached before the optimum was "
            "proven; this is the best combination found (at most {gap} off).",
            "rep.portfolio_infeasible": "No valid combination exists within this budget and these "
            "conditions: {conflicts}.",
            "rep.no_budget": "No budget was given (the workbook's 'budget' setting or --budget), "
            "so there is no selection within a budget.",
            "rep.total": "Total",
            "rep.frontier": "What more or less budget would buy",
            "rep.frontier_intro": "Top: the highest total score each budget level can buy (the "
            "dashed line is the current budget). Bottom: at which budgets each idea is in the best "
            "combination; where a bar stops, a bigger project pushes it out.",
            "rep.s_roadmap": "Roadmap",
            "rep.roadmap_intro": "The funded ideas spread over the years, within each year's "
            "budget{cap} and with dependencies first. Because every year has its own ceiling, "
            "this selection can differ from the one above.",
            "rep.roadmap_cap": " and the total budget of {budget}",
            "rep.year": "Year",
            "rep.year_budget": "Budget",
            "rep.spend": "Spent",
            "rep.remaining": "Left",
            "rep.running": "Ideas running",
            "rep.s_robustness": "How solid is the ranking?",
            "rep.stability_intro": "Per criterion: the range its weight may take (the other "
            "weights move in proportion) without {winner} losing first place, and who comes "
            "first beyond it.",
            "rep.weight_now": "Weight now",
            "rep.winner_stays": "{winner} stays first between",
            "rep.rival_below": "First below the range",
            "rep.rival_above": "First above the range",
            "rep.top_stays": "Top {k} stays the same between",
            "rep.smaa_intro": "Rank acceptability (SMAA): the weights were drawn at random "
            "{samples} times (seed {seed}); per idea the share of draws in which it comes first, "
            "ends in the top {k}, and its mean rank.",
            "rep.p_first": "Chance of 1st place",
            "rep.p_top": "Chance of top {k}",
            "rep.expected_rank": "Mean rank",
            "rep.consensus": "Kendall's W = {w}: {meaning} among the {n} assessors on the order of "
            "the ideas (0 = none, 1 = complete agreement; p {p}).",
            "rep.w_strong": "strong agreement",
            "rep.w_moderate": "moderate agreement",
            "rep.w_weak": "weak agreement",
            "rep.w_none": "The agreement among the assessors cannot be computed (at least two "
            "assessors and two ideas are needed).",
            "rep.member_ranks": "The ideas whose rank differs most between members: each dot is "
            "the rank by one member, the tick the group's rank.",
            "rep.robustness_wsm_only": "The stability analysis is for the weighted sum; this "
            "ranking uses the {method}.",
            "kind.not_eligible": "Threshold",
            "kind.budget": "Budget line",
            "kind.prerequisite": "Dependency",
            "kind.prereq_blocked": "Dependency",
            "kind.group": "Exclusive group",
            "kind.theme_max": "Theme ceiling",
            "kind.too_expensive": "Too expensive",
            "kind.excluded": "Excluded",
            "kind.no_cost": "No cost",
            "kind.negative": "Low score",
            "rep.not_funded_intro": "Every idea that is not funded, with its reason in words: the "
            "threshold it misses, the budget line it falls under, or the idea it depends on — and "
            "what would change that.",
            "usage.report_lang": "unknown language '{value}'; choose nl, en or nl,en",
            "usage.report_budget": "budget '{value}' is not an amount ≥ 0",
            "usage.report_scenario_options": "--scenario takes weights, method, aggregation and "
            "budget from the stored scenario; leave out --weights, --method, --aggregate and "
            "--budget",
            "usage.report_no_scenarios": "no scenarios have been saved yet in {store}",
            "rep.scenario_label": "{name} (version {version})",
            "rep.scenario_saved": "saved on {created} by {author}",
            "rep.scenario_note": "Note on the scenario",
            "rep.scenario_other_workbook": "Note: this scenario was saved with another version of "
            "the workbook (SHA-256 {saved}); this report uses the current one (SHA-256 "
            "{current}).",
            "rep.selection": "Set by the steering group: {text}.",
            "rep.include": "always fund: {ids}",
            "rep.exclude": "do not fund: {ids}",
        },
    }
)

END_MARKER = "<!-- prioritisation-report: complete -->"


class Html(str):
    """HTML that Jupyter displays as such (and nbconvert keeps as ``text/html``)."""

    def _repr_html_(self) -> str:
        return str(self)


def e(value) -> str:
    """User text, escaped; empty for None/NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


@dataclass(frozen=True, eq=False)
class ReportContext:
    """Everything the sections show: the workbook, the ranking and the run's settings."""

    wb: Workbook
    ranking: Ranking
    lang: str
    title: str
    date: dt.date
    scenario: str | None = None
    scenario_version: str | None = None
    stored: object | None = None  # prioritisation.store.Scenario
    weights_spec: str | None = None
    budget: float | None = None
    portfolio: object | None = None  # prioritisation.portfolio.Portfolio
    explanation: object | None = None  # prioritisation.explain.Explanation
    frontier: object | None = None  # prioritisation.frontier.Frontier
    roadmap: object | None = None  # prioritisation.roadmap.Roadmap
    robustness: object | None = None  # prioritisation.sensitivity.Robustness

    @property
    def n_ideas(self) -> int:
        return len(self.ranking.table)

    @property
    def n_eligible(self) -> int:
        return int(self.ranking.table["eligible"].sum())


def parse_budget(value) -> float | None:
    """A budget from the command line or a notebook parameter (``1.500.000``, ``1500000``)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        from .workbook import to_number

        try:
            number = to_number(str(value), decimal_comma=True)  # "1.500.000" is 1500000
        except ValueError:
            number = None
    if number is None or not math.isfinite(number) or number < 0:
        raise UsageError("report_budget", value=value)
    return float(number)


def build_context(
    workbook: str,
    lang: str = "nl",
    title: str = "",
    weights: str = "",
    method: str = "",
    aggregate: str = "",
    budget=None,
    scenario: str = "",
    scenario_version=None,
    store: str = "",
    date: str = "",
) -> ReportContext:
    """Read the workbook and rank it with the run's settings (the notebook's first call).

    All arguments are JSON-simple (they come from papermill parameters); empty means
    "the workbook's own setting". With ``scenario`` (and ``scenario_version``, default the
    latest, from the store at ``store``, default the one beside the workbook) the stored
    scenario's weights, method, aggregation, thresholds, budget and selection apply.
    """
    set_language(lang)
    warm_up_charts()
    wb = read_workbook(workbook)
    when = dt.date.fromisoformat(date) if date else dt.date.today()
    if scenario:
        return _scenario_context(wb, scenario, scenario_version, store, lang, title, when)
    ranking = rank(wb, method=method or None, weights=weights or None,
                   aggregate=aggregate or None, lang=lang)  # fmt: skip
    if budget is None or budget == "":
        budget = wb.settings.get("budget")
    ctx = ReportContext(
        wb=wb, ranking=ranking, lang=lang,
        title=title or wb.title or tr("rep.default_title", lang), date=when,
        scenario=None, scenario_version=None, weights_spec=weights or None,
        budget=parse_budget(budget),
    )  # fmt: skip
    return with_engines(ctx, method=method or None, weights=weights or None,
                        aggregate=aggregate or None)  # fmt: skip


def _scenario_context(wb, name, version, store, lang, title, when) -> ReportContext:
    from .store import open_store, scenario_weights, scenario_workbook

    with open_store(wb.source, url=store or None) as st:
        sc = st.get(name, None if version in (None, "") else int(version))
    swb = scenario_workbook(wb, sc)
    shares = scenario_weights(wb, sc)
    ranking = rank(swb, method=sc.method, weights=shares, aggregate=sc.aggregate, lang=lang)
    selection = sc.selection or {}
    ctx = ReportContext(
        wb=swb, ranking=ranking, lang=lang,
        title=title or wb.title or tr("rep.default_title", lang), date=when,
        scenario=tr("rep.scenario_label", lang, name=sc.name, version=sc.version),
        scenario_version=str(sc.version), stored=sc,
        budget=parse_budget(swb.settings.get("budget")),
    )  # fmt: skip
    return with_engines(ctx, method=sc.method, weights=shares, aggregate=sc.aggregate,
                        must=list(selection.get("include") or []) or None,
                        exclude=list(selection.get("exclude") or []) or None)  # fmt: skip


# Sample counts and budget levels of the analyses in the report (fixed: a reproducible record).
SMAA_SAMPLES = 10_000
SMAA_SEED = 0
FRONTIER_LEVELS = 30


def with_engines(
    ctx: ReportContext, method=None, weights=None, aggregate=None, must=None, exclude=None
) -> ReportContext:
    """Add what the decision engines say: the funded set and why not, the budget frontier,
    the roadmap (when the workbook has yearly budgets) and robustness (weighted sum).
    ``must``/``exclude``: ideas the group forces into or out of the funded set."""
    from .explain import explain_portfolio
    from .frontier import budget_frontier
    from .portfolio import select_portfolio
    from .roadmap import plan_roadmap
    from .sensitivity import robustness

    wb, found = ctx.wb, {}
    if ctx.budget is not None:
        p = select_portfolio(wb, ctx.budget, method=method, weights=weights, aggregate=aggregate,
                             must=must, exclude=exclude, lang=ctx.lang)  # fmt: skip
        found["portfolio"] = p
        found["explanation"] = explain_portfolio(p)
        if p.status != "infeasible":
            found["frontier"] = budget_frontier(p, levels=FRONTIER_LEVELS)
    if wb.settings.get("budget_per_year"):
        found["roadmap"] = plan_roadmap(wb, budget=ctx.budget, method=method, weights=weights,
                                        aggregate=aggregate, must=must, exclude=exclude,
                                        lang=ctx.lang)  # fmt: skip
    if ctx.ranking.method == "wsm" and ctx.n_eligible:
        found["robustness"] = robustness(wb, weights=weights, aggregate=aggregate,
                                         samples=SMAA_SAMPLES, seed=SMAA_SEED, lang=ctx.lang)  # fmt: skip
    return replace(ctx, **found)


# --------------------------------------------------------------------------- helpers


def warm_up_charts() -> None:
    """Start vl-convert's JavaScript engine in the background (≈0,5–0,8 s, outside the GIL)
    while the workbook is read and the engines run."""
    import threading

    def work():
        try:
            import vl_convert as vlc

            vlc.vegalite_to_svg({"data": {"values": [{"a": 1}]}, "mark": "point",
                                 "encoding": {"x": {"field": "a", "type": "quantitative"}}})  # fmt: skip
        except Exception:  # pragma: no cover - the real chart reports any problem
            pass

    threading.Thread(target=work, name="vl-convert-warm-up", daemon=True).start()


def svg_img(svg: str, css_class: str = "chart", alt: str = "") -> str:
    """A chart as an ``<img>`` with an SVG data URI (no id clashes between charts)."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img class="{css_class}" alt="{e(alt)}" src="data:image/svg+xml;base64,{data}"/>'


def chart_img(chart, alt: str = "", css_class: str = "chart") -> str:
    from .charts.report import report_svg

    return svg_img(report_svg(chart), css_class, alt)


def table(headers: Iterable[str], rows: Iterable[Iterable[str]], css_class: str = "",
          numeric: Iterable[int] = ()) -> str:  # fmt: skip
    """An HTML table; ``headers`` and cells are already escaped/formatted HTML."""
    numeric = set(numeric)
    head = "".join(
        f'<th class="num">{h}</th>' if j in numeric else f"<th>{h}</th>"
        for j, h in enumerate(headers)
    )
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="num">{c}</td>' if j in numeric else f"<td>{c}</td>"
            for j, c in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<table class="{css_class}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def section(key: str, body: str, css_class: str = "") -> Html:
    return Html(f'<section class="{css_class}"><h2>{e(tr(key))}</h2>{body}</section>')


def method_words(method: str) -> str:
    key = f"method.{method}"
    text = tr(key)
    return method.upper() if text == key else text


def idea_label(iid: str, title: str) -> str:
    return f'<span class="id">{e(iid)}</span> {e(title)}'


def score_text(value) -> str:
    return fmt_number(value, 3)


def weights_text(ctx: ReportContext) -> str:
    r = ctx.ranking
    return ", ".join(f"{r.labels.get(c, c)} {fmt_percent(w)}" for c, w in r.weights.items())


# --------------------------------------------------------------------------- sections


def running(ctx: ReportContext) -> str:
    """Hidden strings for the page header and footer (CSS ``string-set``)."""
    scenario = ctx.scenario or tr("rep.scenario_none")
    return (
        f'<div class="running-title">{e(ctx.title)}</div>'
        f'<div class="running-scenario">{e(tr("rep.scenario"))}: {e(scenario)}</div>'
        f'<div class="running-page">{e(tr("rep.page"))}</div>'
        f'<div class="running-record">SHA-256 {e((ctx.wb.sha256 or "")[:12])} · '
        f"prioritisation {e(__version__)}</div>"
    )


def cover(ctx: ReportContext) -> Html:
    """Title page: title, date, scenario, method, summary and the decision record."""
    from babel.dates import format_date

    from .i18n import LOCALES

    wb, r = ctx.wb, ctx.ranking
    if ctx.scenario:
        scenario = ctx.scenario
    elif ctx.weights_spec:
        scenario = tr("rep.scenario_custom", None, weights=weights_text(ctx))
    else:
        scenario = tr("rep.scenario_none")
    budget = fmt_money(ctx.budget, wb.currency) if ctx.budget is not None else tr("rep.budget_none")
    facts = [
        (tr("rep.date"), format_date(ctx.date, "long", locale=LOCALES[ctx.lang])),
        (tr("rep.scenario"), scenario),
        (tr("rep.method"), method_words(r.method)),
        (tr("rep.aggregate"), tr(f"agg.{r.aggregate}")),
        (tr("rep.budget"), budget),
        (tr("rep.ideas_count"), tr("rep.ideas_summary", None, n=ctx.n_ideas,
                                   eligible=ctx.n_eligible)),
        (tr("rep.assessors"), str(len(wb.assessors))),
    ]  # fmt: skip
    p = ctx.portfolio
    if p is not None and p.status != "infeasible":
        facts.insert(5, (tr("rep.funded_fact"), tr("rep.funded_summary", None, n=len(p.selected),
                         cost=fmt_money(p.total_cost, wb.currency),
                         budget=fmt_money(p.budget, wb.currency))))  # fmt: skip
    sc_facts, sc_html = _scenario_cover(ctx)
    facts[2:2] = sc_facts
    facts_html = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in facts)
    sha = (wb.sha256 or "")[:12]
    record = [
        (tr("rep.workbook"), e(Path(wb.source).name if wb.source else "")),
        (tr("rep.sha"), f'<span class="mono">{e(sha)}</span>'),
        (tr("rep.scenario_version"), e(ctx.scenario_version or tr("rep.version_none"))),
        (tr("rep.package_version"), f'<span class="mono">prioritisation {e(__version__)}</span>'),
    ]
    record_html = "".join(f"<tr><th>{e(k)}</th><td>{v}</td></tr>" for k, v in record)
    winner = r.winner
    summary = (
        tr("rep.winner", None, idea=f"{winner} — {r.table.loc[winner, 'title']}")
        if winner is not None
        else tr("rep.no_winner")
    )
    note = wb.settings.get("note")
    note_html = (
        f'<p class="note"><strong>{e(tr("rep.note"))}:</strong> {e(note)}</p>' if note else ""
    )
    return Html(
        f'<section class="cover">{running(ctx)}'
        f'<p class="kicker">{e(tr("rep.subtitle"))}</p>'
        f"<h1>{e(ctx.title)}</h1>"
        f'<p class="summary">{e(summary)}</p>'
        f'<table class="facts">{facts_html}</table>{sc_html}'
        f'<div class="record"><h3>{e(tr("rep.record"))}</h3>'
        f'<p>{e(tr("rep.record_intro"))}</p><table class="facts">{record_html}</table></div>'
        f"{note_html}</section>"
    )


def _scenario_cover(ctx: ReportContext) -> tuple[list[tuple[str, str]], str]:
    """A stored scenario on the cover: its version, who saved it when, its selection, its
    note, and a warning when it was saved with another version of the workbook."""
    sc, wb = ctx.stored, ctx.wb
    if sc is None:
        return [], ""
    created = "—"
    if sc.created:
        created = sc.created.strftime("%Y-%m-%d %H:%M" if ctx.lang == "en" else "%d-%m-%Y %H:%M")
        created += " UTC"
    saved = tr("rep.scenario_saved", None, created=created, author=sc.author)
    facts = [(tr("rep.scenario_version"), f"{sc.version} — {saved}")]
    out = ""
    selection = sc.selection or {}
    parts = []
    if selection.get("include"):
        parts.append(tr("rep.include", None, ids=", ".join(selection["include"])))
    if selection.get("exclude"):
        parts.append(tr("rep.exclude", None, ids=", ".join(selection["exclude"])))
    if parts:
        out += f"<p>{e(tr('rep.selection', None, text='; '.join(parts)))}</p>"
    if sc.note:
        out += f'<p class="note"><strong>{e(tr("rep.scenario_note"))}:</strong> {e(sc.note)}</p>'
    if sc.workbook_sha256 and wb.sha256 and sc.workbook_sha256 != wb.sha256:
        text = tr("rep.scenario_other_workbook", None, saved=sc.workbook_sha256[:12],
                  current=wb.sha256[:12])  # fmt: skip
        out += f'<p class="warning">{e(text)}</p>'
    return facts, out


def criteria_section(ctx: ReportContext) -> Html:
    """Criteria with their rubric, scale, threshold and weight; the weights chart; the method."""
    from .charts.ranking import weights_chart

    wb, r = ctx.wb, ctx.ranking
    rows = []
    for cid, c in wb.criteria.iterrows():
        direction = "" if c["direction"] == "benefit" else f" ({tr('rep.direction_cost')})"
        scale = f"{fmt_number(c['scale_min'], 0)}–{fmt_number(c['scale_max'], 0)}{direction}"
        threshold = ""
        if not pd.isna(c["threshold"]):
            key = "rep.threshold_min" if c["direction"] == "benefit" else "rep.threshold_max"
            threshold = tr(key, None, value=fmt_number(c["threshold"], 1))
        rows.append([
            f"<strong>{e(r.labels.get(cid, cid))}</strong>", e(c.get("description") or ""),
            e(scale), e(threshold), e(fmt_percent(r.weights[cid])),
        ])  # fmt: skip
    headers = [e(tr(k)) for k in ("rep.criterion", "rep.description", "rep.scale",
                                  "rep.threshold", "rep.weight")]  # fmt: skip
    names = ", ".join(wb.assessors)
    text = tr("rep.how_aggregated", None, n=len(wb.assessors),
              aggregate=tr(f"agg.{r.aggregate}"), method=method_words(r.method))  # fmt: skip
    body = (
        table(headers, rows, "criteria", numeric=(4,))
        + f'<figure class="small">{chart_img(weights_chart(r.weights, r.labels, width=300), tr("rep.weight"))}</figure>'
        + f"<p>{e(text)}</p>"
        + (f"<p>{e(tr('rep.how_gates'))}</p>" if wb.criteria["threshold"].notna().any() else "")
        + f"<p>{e(tr('rep.assessor_list', None, names=names))}</p>"
    )
    return section("rep.s_criteria", body)


def ranking_section(ctx: ReportContext) -> Html:
    """The ranking table (rank, idea, theme, cost, score) and the contributions chart."""
    from .charts.ranking import contributions_chart

    wb, t = ctx.wb, ctx.ranking.table
    rows = []
    for iid, row in t.iterrows():
        rank_ = "–" if np.isnan(row["rank"]) else str(int(row["rank"]))
        idea = idea_label(iid, row["title"])
        if not row["eligible"]:
            idea += f' <span class="flag">{e(tr("rep.not_eligible"))}</span>'
        rows.append([rank_, idea, e(row["theme"]), e(fmt_money(row["cost"], wb.currency)),
                     e(score_text(row["score"]))])  # fmt: skip
    headers = [e(tr(k)) for k in ("rep.rank", "rep.idea", "rep.theme", "rep.cost", "rep.score")]
    intro = tr("rep.ranking_intro", None, eligible=ctx.n_eligible, n=ctx.n_ideas)
    body = (
        f"<p>{e(intro)}</p>"
        + table(headers, rows, "ranking", numeric=(0, 3, 4))
        + f'<div class="keep"><p>{e(tr("rep.contrib_intro"))}</p><figure>'
        + chart_img(contributions_chart(ctx.ranking, width=300), tr("rep.s_ranking"))
        + "</figure></div>"
    )
    return section("rep.s_ranking", body)


def value_cost_section(ctx: ReportContext) -> Html:
    """Value (score) against cost, one bubble per idea, coloured by theme."""
    from .charts.report import value_cost_bubbles

    t, cur = ctx.ranking.table, ctx.wb.currency
    totals = tr("rep.value_cost_total", None, total=fmt_money(t["cost"].sum(), cur),
                eligible=ctx.n_eligible,
                eligible_total=fmt_money(t.loc[t["eligible"], "cost"].sum(), cur))  # fmt: skip
    body = (
        f"<p>{e(tr('rep.value_cost_intro'))}</p><figure>"
        + chart_img(value_cost_bubbles(ctx.ranking), tr("rep.s_value_cost"))
        + f"</figure><p>{e(totals)}</p>"
    )
    return section("rep.s_value_cost", body, "page-break")


def portfolio_section(ctx: ReportContext) -> Html:
    """The funded set within the budget (portfolio engine) and the budget frontier."""
    from .charts.report import frontier_print_chart

    p, cur = ctx.portfolio, ctx.wb.currency
    if p is None:
        return section("rep.s_portfolio", f"<p>{e(tr('rep.no_budget'))}</p>")
    if p.status == "infeasible":
        text = tr("rep.portfolio_infeasible", None, conflicts="; ".join(p.conflicts))
        return section("rep.s_portfolio", f"<p>{e(text)}</p>")
    intro = tr("rep.portfolio_intro", None, budget=fmt_money(p.budget, cur), n=len(p.selected),
               cost=fmt_money(p.total_cost, cur), remaining=fmt_money(p.remaining, cur))  # fmt: skip
    if not p.optimal:
        intro += " " + tr("rep.portfolio_not_optimal", None, gap=fmt_percent(p.gap, 1))
    t = p.table[p.table["funded"]]
    rows = [
        ["" if pd.isna(r["rank"]) else str(int(r["rank"])), idea_label(iid, r["title"]),
         e(r["theme"]), e(fmt_money(r["cost"], cur)), e(score_text(r["score"]))]
        for iid, r in t.iterrows()
    ]  # fmt: skip
    rows.append(["", f"<strong>{e(tr('rep.total'))}</strong>", "",
                 f"<strong>{e(fmt_money(p.total_cost, cur))}</strong>",
                 f"<strong>{e(fmt_number(p.total_value, 3))}</strong>"])  # fmt: skip
    headers = [e(tr(k)) for k in ("rep.rank", "rep.idea", "rep.theme", "rep.cost", "rep.score")]
    body = f"<p>{e(intro)}</p>" + table(headers, rows, "ranking funded", numeric=(0, 3, 4))
    if ctx.frontier is not None:
        body += (
            f'<div class="keep"><h3>{e(tr("rep.frontier"))}</h3>'
            f"<p>{e(tr('rep.frontier_intro'))}</p><figure>"
            + chart_img(frontier_print_chart(ctx.frontier), tr("rep.frontier"))
            + "</figure></div>"
        )
    return section("rep.s_portfolio", body)


def roadmap_section(ctx: ReportContext) -> Html:
    """The roadmap over the years (when the workbook has yearly budgets); else nothing."""
    from .charts.portfolio import gantt_chart

    rm, cur = ctx.roadmap, ctx.wb.currency
    if rm is None:
        return Html("")
    if rm.status == "infeasible":
        text = tr("rep.portfolio_infeasible", None, conflicts="; ".join(rm.conflicts))
        return section("rep.s_roadmap", f"<p>{e(text)}</p>")
    cap = tr("rep.roadmap_cap", None, budget=fmt_money(ctx.budget, cur)) if ctx.budget else ""
    rows = [
        [e(str(int(year))), e(fmt_money(y["budget"], cur)), e(fmt_money(y["spend"], cur)),
         e(fmt_money(y["remaining"], cur)), e(", ".join(y["running"]))]
        for year, y in rm.years.iterrows()
    ]  # fmt: skip
    headers = [e(tr(k)) for k in ("rep.year", "rep.year_budget", "rep.spend", "rep.remaining",
                                  "rep.running")]  # fmt: skip
    body = (
        f"<p>{e(tr('rep.roadmap_intro', None, cap=cap))}</p><figure>"
        + chart_img(gantt_chart(rm, width=440), tr("rep.s_roadmap"))
        + "</figure>"
        + table(headers, rows, "years", numeric=(1, 2, 3))
    )
    return section("rep.s_roadmap", body)


def robustness_section(ctx: ReportContext, top: int = 10) -> Html:
    """Stability intervals, rank acceptability (SMAA) and the group's consensus."""
    from .charts.robustness import acceptability_chart, member_ranks_chart

    rb = ctx.robustness
    if rb is None:
        if ctx.ranking.method != "wsm":
            text = tr("rep.robustness_wsm_only", None, method=method_words(ctx.ranking.method))
            return section("rep.s_robustness", f"<p>{e(text)}</p>")
        return Html("")
    st, sm, co, labels = rb.stability, rb.smaa, rb.consensus, rb.labels
    body = ""
    if st.winner is not None:
        winner = st.winner
        rows = []
        for cid, r in st.table.iterrows():
            rows.append([e(labels.get(cid, cid)), e(fmt_percent(r["weight"])),
                         e(f"{fmt_percent(r['low'])} – {fmt_percent(r['high'])}"),
                         e(r["low_rival"] or "–"), e(r["high_rival"] or "–"),
                         e(f"{fmt_percent(r['top_low'])} – {fmt_percent(r['top_high'])}")])  # fmt: skip
        headers = [e(tr("rep.criterion")), e(tr("rep.weight_now")),
                   e(tr("rep.winner_stays", None, winner=winner)), e(tr("rep.rival_below")),
                   e(tr("rep.rival_above")), e(tr("rep.top_stays", None, k=st.top_k))]  # fmt: skip
        body += f"<p>{e(tr('rep.stability_intro', None, winner=winner))}</p>" + table(
            headers, rows, "stability", numeric=(1, 2, 5)
        )
    if len(sm.acceptability):
        head = list(sm.acceptability.index[:top])
        rows = [
            [e(str(int(sm.current_rank.loc[i]))), idea_label(i, sm.titles.loc[i]),
             e(fmt_percent(sm.p_first.loc[i])), e(fmt_percent(sm.p_top_k.loc[i])),
             e(fmt_number(sm.expected_rank.loc[i], 1))]
            for i in head
        ]  # fmt: skip
        headers = [e(tr("rep.rank")), e(tr("rep.idea")), e(tr("rep.p_first")),
                   e(tr("rep.p_top", None, k=sm.top_k)), e(tr("rep.expected_rank"))]  # fmt: skip
        intro = tr("rep.smaa_intro", None, samples=fmt_number(sm.samples, 0), seed=sm.seed,
                   k=sm.top_k)  # fmt: skip
        body += (
            f'<div class="keep"><p>{e(intro)}</p>'
            + table(headers, rows, "smaa", numeric=(0, 2, 3, 4))
            + "</div><figure>"
            + chart_img(acceptability_chart(sm, top=top, width=380), tr("rep.s_robustness"))
            + "</figure>"
        )
    w = co.kendall_w
    if w != w:  # NaN
        body += f"<p>{e(tr('rep.w_none'))}</p>"
    else:
        meaning = "rep.w_strong" if w >= 0.7 else "rep.w_moderate" if w >= 0.3 else "rep.w_weak"
        p = "< " + fmt_number(0.001, 3) if co.p_value < 0.001 else "= " + fmt_number(co.p_value, 3)
        text = tr("rep.consensus", None, w=fmt_number(w, 2), meaning=tr(meaning),
                  n=len(co.assessors), p=p)  # fmt: skip
        body += f"<p>{e(text)}</p>"
        if len(co.most_changed(1)):
            titles = ctx.ranking.table["title"]
            body += (
                f'<div class="keep"><p>{e(tr("rep.member_ranks"))}</p><figure>'
                + chart_img(
                    member_ranks_chart(co, titles, top=8, width=380), tr("rep.s_robustness")
                )
                + "</figure></div>"
            )
    return section("rep.s_robustness", body)


def disagreement_section(ctx: ReportContext, top: int = 10) -> Html:
    """The idea × criterion pairs with the largest spread across assessors, and who scored
    lowest and highest (from the ranking's spread; no consensus model needed)."""
    r, scores = ctx.ranking, ctx.wb.scores
    spread = r.spread.stack().dropna()
    spread = spread[spread > 1e-9].sort_values(ascending=False, kind="stable").head(top)
    if spread.empty:
        return section("rep.s_disagreement", f"<p>{e(tr('rep.no_disagreement'))}</p>")
    rows = []
    for (iid, cid), value in spread.items():
        cell = scores[(scores["idea_id"] == iid) & (scores["criterion_id"] == cid)].dropna(
            subset=["score"]
        )
        low, high = cell["score"].min(), cell["score"].max()
        who_low = ", ".join(cell.loc[cell["score"] == low, "assessor"].astype(str))
        who_high = ", ".join(cell.loc[cell["score"] == high, "assessor"].astype(str))
        rows.append([idea_label(iid, r.table.loc[iid, "title"]), e(r.labels.get(cid, cid)),
                     e(fmt_number(r.aggregated.loc[iid, cid], 2)), e(fmt_number(value, 2)),
                     f"<strong>{e(fmt_number(low, 0))}</strong> "
                     f'<span class="muted">({e(who_low)})</span>',
                     f"<strong>{e(fmt_number(high, 0))}</strong> "
                     f'<span class="muted">({e(who_high)})</span>'])  # fmt: skip
    headers = [e(tr(k)) for k in ("rep.idea", "rep.criterion", "rep.combined_short",
                                  "rep.spread", "rep.lowest", "rep.highest")]  # fmt: skip
    body = (
        f"<p>{e(tr('rep.disagreement_intro', None, n=len(rows)))}</p>"
        + table(headers, rows, "disagreement", numeric=(2, 3))
        + f'<p class="muted">{e(tr("rep.spread_note"))}</p>'
    )
    return section("rep.s_disagreement", body)


def _gate_change(failure: dict, labels: dict) -> str:
    label = labels.get(failure["criterion"], failure["criterion"])
    if failure["kind"] == "missing":
        return tr("rep.change_missing", None, criterion=label)
    key = "rep.change_gate" if failure["kind"] == "below" else "rep.change_gate_max"
    return tr(key, None, criterion=label, needed=fmt_number(failure["threshold"], 2))


def not_selected_section(ctx: ReportContext) -> Html:
    """Every idea that did not make it, with its reason in words and what would change it.

    With a budget (portfolio engine): every idea that is not funded — gate, budget line,
    dependency, group — with the explanation engine's words. Without: the ideas that are
    not eligible, with the threshold they miss.
    """
    if ctx.explanation is not None and ctx.portfolio.status != "infeasible":
        return _not_funded(ctx)
    r = ctx.ranking
    t = r.table
    out = t[~t["eligible"]]
    if out.empty:
        return section("rep.s_not_selected", f"<p>{e(tr('rep.none_not_selected'))}</p>")
    items = []
    for iid, row in out.iterrows():
        reasons = "".join(
            f"<li>{e(tr('rep.reason_gate', None, reason=reason))}</li>" for reason in row["reasons"]
        )
        change = "; ".join(_gate_change(g, r.labels) for g in row["gates"])
        items.append(
            f'<div class="why-not"><h3>{idea_label(iid, row["title"])}</h3>'
            f'<p class="meta">{e(row["theme"])} · {e(fmt_money(row["cost"], ctx.wb.currency))}'
            f" · {e(tr('rep.score'))} {e(score_text(row['score']))}</p>"
            f"<ul>{reasons}</ul>"
            f"<p>{e(tr('rep.what_would_change', None, change=change))}</p></div>"
        )
    return section(
        "rep.s_not_selected", f"<p>{e(tr('rep.not_selected_intro'))}</p>" + "".join(items)
    )


def _not_funded(ctx: ReportContext) -> Html:
    ex, r = ctx.explanation, ctx.ranking
    t = ex.table[~ex.table["funded"]]
    if t.empty:
        return section("rep.s_not_selected", f"<p>{e(tr('rep.none_not_selected'))}</p>")
    items = []
    for iid, row in t.iterrows():
        kind = str(row["reason_kind"])
        label = tr(f"kind.{kind}")
        label = "" if label == f"kind.{kind}" else label
        parts = [row["reason"], row["displacement"], row["weight_change"]]
        bullets = "".join(f"<li>{e(_sentence(part))}</li>" for part in parts if part)
        change = ""
        if kind == "not_eligible":
            gates = r.table.loc[iid, "gates"]
            change = "; ".join(_gate_change(g, r.labels) for g in gates)
            change = (
                f"<p>{e(tr('rep.what_would_change', None, change=change))}</p>" if change else ""
            )
        score = (
            ""
            if pd.isna(row["score"])
            else f" · {e(tr('rep.score'))} {e(score_text(row['score']))}"
        )
        flag = f'<span class="kind kind-{e(kind)}">{e(label)}</span> ' if label else ""
        items.append(
            f'<div class="why-not"><h3>{flag}{idea_label(iid, row["title"])}</h3>'
            f'<p class="meta">{e(row["theme"])} · {e(fmt_money(row["cost"], ctx.wb.currency))}'
            f"{score}</p><ul>{bullets}</ul>{change}</div>"
        )
    return section("rep.s_not_selected", f"<p>{e(tr('rep.not_funded_intro'))}</p>" + "".join(items))


def _sentence(text: str) -> str:
    text = str(text).strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def idea_card(ctx: ReportContext, iid: str) -> str:
    """One idea: description, facts, scores per criterion with spread, comments."""
    wb, r = ctx.wb, ctx.ranking
    idea, row = wb.ideas.loc[iid], r.table.loc[iid]
    n_ranked = ctx.n_eligible
    standing = (
        tr("rep.rank_of", None, rank=int(row["rank"]), n=n_ranked)
        if row["eligible"]
        else tr("rep.not_eligible")
    )
    meta = [e(row["theme"]), e(fmt_money(row["cost"], wb.currency)),
            f"{e(tr('rep.score'))} {e(score_text(row['score']))} ({e(standing)})"]  # fmt: skip
    p = ctx.portfolio
    if p is not None and p.status != "infeasible":
        if bool(p.table.loc[iid, "funded"]):
            meta.append(f'<strong class="ok">{e(tr("rep.funded"))}</strong>')
        else:
            kind = str(p.table.loc[iid, "reason_kind"])
            label = tr(f"kind.{kind}")
            label = f" ({label.lower()})" if label != f"kind.{kind}" else ""
            meta.append(f'<strong class="no">{e(tr("rep.not_funded") + label)}</strong>')
    if idea.get("owner"):
        meta.append(f"{e(tr('rep.owner'))}: {e(idea['owner'])}")
    deps = idea.get("depends_on") or ()
    if deps:
        meta.append(f"{e(tr('rep.depends'))}: {e(', '.join(deps))}")
    scores = wb.scores[wb.scores["idea_id"] == iid]
    failed = {g["criterion"] for g in row["gates"]}
    rows = []
    for cid in wb.criteria.index:
        s = scores.loc[scores["criterion_id"] == cid, "score"].dropna()
        low_high = f"{fmt_number(s.min(), 0)}–{fmt_number(s.max(), 0)}" if len(s) else ""
        value = e(fmt_number(r.aggregated.loc[iid, cid], 2))
        if cid in failed:
            value = f'<span class="fail">{value}</span>'
        rows.append([e(r.labels.get(cid, cid)), value,
                     e(fmt_number(r.spread.loc[iid, cid], 2)), e(low_high),
                     e(str(int(r.counts.loc[iid, cid])))])  # fmt: skip
    headers = [e(tr(k)) for k in ("rep.criterion", "rep.aggregated", "rep.spread", "rep.range",
                                  "rep.n_scores")]  # fmt: skip
    comments = scores[scores["comment"].fillna("").astype(str).str.strip() != ""]
    if len(comments):
        items = "".join(
            f"<li><strong>{e(c['assessor'])}</strong> "
            f'<span class="muted">({e(r.labels.get(c["criterion_id"], c["criterion_id"]))})</span>: '
            f"{e(c['comment'])}</li>"
            for _, c in comments.iterrows()
        )
        comments_html = (
            f'<p class="label">{e(tr("rep.comments"))}</p><ul class="comments">{items}</ul>'
        )
    else:
        comments_html = f'<p class="muted">{e(tr("rep.no_comments"))}</p>'
    description = idea.get("description") or ""
    return (
        f'<div class="card"><h3>{idea_label(iid, row["title"])}</h3>'
        f'<p class="meta">{" · ".join(meta)}</p>'
        + (f"<p>{e(description)}</p>" if description else "")
        + table(headers, rows, "scores", numeric=(1, 2, 3, 4))
        + comments_html
        + "</div>"
    )


def appendix(ctx: ReportContext) -> Html:
    """One card per idea, in the order of the ranking."""
    cards = "".join(idea_card(ctx, iid) for iid in ctx.ranking.table.index)
    return section(
        "rep.s_appendix",
        f'<p class="muted">{e(tr("rep.spread_note"))}</p>{cards}',
        "page-break appendix",
    )


def end(ctx: ReportContext) -> Html:
    """The marker the pipeline checks: the notebook ran to its last cell."""
    return Html(END_MARKER)
