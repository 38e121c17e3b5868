"""Positions: stance, holder, issue, value, conditions, red lines, lists; the seed quality gate."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zopa.codebook import Codebook, Issue, default_codebook_path, load_codebook
from zopa.extract import ExtractOptions, extract
from zopa.records import STANCES, Article, Position

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@cache
def codebook() -> Codebook:
    return load_codebook(default_codebook_path())


def positions(body: str, day: datetime | None = datetime(2025, 12, 17)) -> list[Position]:
    text = "Headline\n\n" + body
    article = Article(source="t", title="Headline", text=text, raw=text, published=day)
    return list(extract(article, codebook()).positions)


def triples(body: str, day: datetime | None = datetime(2025, 12, 17)) -> set[tuple[str, str, str]]:
    return {(p.actor, p.issue, p.stance) for p in positions(body, day)}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Russia demanded that Ukraine withdraw from the Donetsk region.",
            ("russia", "donetsk-control", "demand"),
        ),
        ("Kyiv rejected any territorial concessions.", ("ukraine", "donetsk-control", "reject")),
        ("Zelenskyy welcomed the draft peace plan.", ("ukraine", "peace-plan", "accept")),
        ("Moscow offered a prisoner exchange.", ("russia", "prisoner-exchange", "offer")),
        (
            "The Kremlin threatened new strikes unless the sanctions are lifted.",
            ("russia", "sanctions", "threat"),
        ),
        (
            "Belousov outlined plans to push deeper into the region.",
            ("russia", "no-deal-alternative", "plan"),
        ),
        (
            "The United Nations stressed the importance of dialogue.",
            ("united-nations", "talks-process", "statement"),
        ),
        ("The United Nations stressed the need for dialogue.", ("united-nations", "talks-process", "demand")),
        (
            "European leaders remain wary of a ceasefire that freezes the war.",
            ("european-union", "ceasefire", "reject"),
        ),
    ],
)
def test_each_stance(body: str, expected: tuple[str, str, str]) -> None:
    assert expected in triples(body)


def test_conditional_offer_names_the_linked_issue_and_the_demand() -> None:
    got = positions("Zelenskyy is willing to drop the NATO bid if the West provides security guarantees.")
    conditional = next(p for p in got if p.stance == "conditional")
    assert (conditional.actor, conditional.issue, conditional.conditional_on) == (
        "ukraine",
        "nato-membership",
        "security-guarantees",
    )
    assert conditional.speaker == "zelenskyy"
    assert any((p.issue, p.stance) == ("security-guarantees", "demand") for p in got)


def test_in_exchange_for_is_a_condition() -> None:
    got = positions("Russia offered a ceasefire in exchange for sanctions relief.")
    assert any(p.stance == "conditional" and p.conditional_on == "sanctions" for p in got)


def test_red_line_and_anchor_value() -> None:
    got = positions("Putin insisted that recognition of Crimea is non-negotiable.")
    crimea = next(p for p in got if p.issue == "crimea-recognition")
    assert crimea.stance == "demand" and crimea.red_line and crimea.value == 100
    assert crimea.speaker == "putin"


def test_person_maps_to_party_at_the_article_date() -> None:
    body = "Biden rejected any talk of sanctions relief."
    assert ("united-states", "sanctions", "reject") in triples(body, datetime(2023, 3, 1))
    assert not triples(body, datetime(2025, 6, 1))  # no longer speaks for the United States


def test_reported_must_is_the_reporters_demand() -> None:
    assert triples("Lavrov said Ukraine must abandon its NATO bid.") == {
        ("russia", "nato-membership", "demand")
    }


def test_a_stance_that_is_the_object_of_another_is_its_content() -> None:
    # "Russia rejects Ukraine's demand for X" is Russia's rejection of X; Ukraine is only reported to hold it
    body = "Zelenskyy turned down the U.S. pressure for Ukraine to hand over Donetsk."
    got = {p.actor: p for p in positions(body)}
    ukraine, us = got["ukraine"], got["united-states"]
    assert (ukraine.issue, ukraine.stance, ukraine.rejected_value, ukraine.value) == (
        "donetsk-control",
        "reject",
        100.0,
        0.0,
    )
    assert (us.issue, us.stance, us.value) == ("donetsk-control", "demand", 100.0)
    assert us.confidence < ukraine.confidence and us.speaker is None
    moscow = positions("Moscow rejected Kyiv's demand for a ceasefire.")
    assert {(p.actor, p.stance) for p in moscow} == {("russia", "reject"), ("ukraine", "demand")}
    assert max(moscow, key=lambda p: p.confidence).actor == "russia"


def test_hypotheticals_and_non_actor_subjects_are_not_positions() -> None:
    assert not triples("Still, he cannot get Putin to accept a ceasefire.")
    assert not triples("If the opposing side refuses a ceasefire, analysts expect more fighting.")
    # a report about what could happen is a statement at most, never an acceptance
    assert triples("Zelenskyy said the draft plan might be settled in a week.") <= {
        ("ukraine", "peace-plan", "statement")
    }
    assert not triples("Russian territory was hit by drones on Sunday.")


def test_adjective_counts_only_before_a_people_noun() -> None:
    assert ("russia", "ceasefire", "reject") in triples("Russian officials rejected a ceasefire.")


def test_list_under_a_lead_in_gives_each_item() -> None:
    body = (
        "Putin’s terms for peace haven’t changed:\n\n"
        "  • Crimea recognised as Russian\n  • Ukraine to give up joining NATO\n  • No NATO troops in Ukraine"
    )
    got = triples(body)
    assert {
        ("russia", "crimea-recognition", "demand"),
        ("russia", "nato-membership", "demand"),
        ("russia", "foreign-troops", "demand"),
    } <= got


def test_headings_are_not_positions() -> None:
    assert not positions("Putin Rejects Ukraine Compromise On Donetsk")


def test_no_deal_statements_are_threats() -> None:
    got = triples("He stressed that Russia would take the land by force if the talks fail, Putin said.")
    assert ("russia", "no-deal-alternative", "threat") in got


def test_positions_point_at_their_sentence() -> None:
    text = "Headline\n\nNothing here. Moscow rejected the peace plan. More text."
    article = Article(source="t", title="Headline", text=text, raw=text)
    for p in extract(article, codebook()).positions:
        assert text[p.start : p.end] == p.evidence == "Moscow rejected the peace plan."
        assert p.extractor == "positions.v2" and 0 < p.confidence <= 1


def test_selective_parsing_gives_the_same_output_as_parsing_everything() -> None:
    text = (
        "Headline\n\nThe weather was mild. Russia demanded recognition of Crimea, Peskov said.\n\n"
        "“We will never give up Donetsk,” Zelenskyy told reporters. Markets were calm.\n\n"
        "Overnight, 40 drones were launched and air defences intercepted 31."
    )
    article = Article(source="t", title="Headline", text=text, raw=text)
    selective = extract(article, codebook())
    baseline = extract(article, codebook(), options=ExtractOptions(parse_all=True))
    assert selective == baseline
    assert selective.positions and selective.events and selective.quotes


def test_negated_acceptance_is_a_rejection() -> None:
    got = triples("Merz said Europe would not accept a deal that forces Ukraine to give up territory.")
    assert ("germany", "donetsk-control", "reject") in got
    assert not any(stance == "accept" for _, _, stance in got)


def test_whether_clause_is_not_a_position() -> None:
    assert not triples("It is unclear whether Trump would lift sanctions on Russia.")


def test_a_negated_anchor_cue_is_the_other_end_of_the_scale() -> None:
    [p] = positions("Russia has long insisted that Ukraine be barred from joining NATO.")
    assert (p.actor, p.issue, p.stance, p.value) == ("russia", "nato-membership", "demand", 100.0)
    [q] = positions("Moscow demands that Ukraine never join NATO.")
    assert (q.actor, q.stance, q.value) == ("russia", "demand", 100.0)


def test_two_issues_of_one_party_in_one_sentence() -> None:
    got = triples(
        "Zelenskyy said Kyiv would never recognise occupied territory and called for tougher sanctions."
    )
    assert {("ukraine", "territorial-legitimacy", "reject"), ("ukraine", "sanctions", "demand")} <= got


_FRAGMENTS = st.sampled_from(
    [
        "Russia",
        "demanded",
        "Kyiv",
        "rejected",
        "a ceasefire",
        "if",
        "security guarantees",
        "the NATO bid",
        "Putin said",
        "must",
        "never",
        "“",
        "”",
        "offered",
        "sanctions",
        "Moscow’s demands:",
        "\n\n",
        "  • ",
        "the U.S. push for",
        "Donetsk",
        ".",
        ",",
        "He",
        "warned",
        "unless",
        "could",
        "accept",
        "plans to",
    ]
)


@settings(max_examples=40, deadline=None)
@given(st.lists(_FRAGMENTS, min_size=1, max_size=30))
def test_positions_are_well_formed_on_any_text(fragments: list[str]) -> None:
    text = "Headline\n\n" + " ".join(fragments)
    article = Article(source="h", title="Headline", text=text, raw=text)
    cb = codebook()
    for p in extract(article, cb).positions:
        assert 0 <= p.start < p.end <= len(text) and text[p.start : p.end] == p.evidence
        assert p.stance in STANCES and p.issue in cb.issue_by_id
        assert p.actor in cb.actor_by_id or p.actor.startswith("ner:")
        assert p.conditional_on is None or p.conditional_on in cb.issue_by_id
        assert p.value is None or 0 <= p.value <= 100


def test_would_not_agree_is_a_rejection() -> None:
    got = triples("Ryabkov said Moscow would not agree to a ceasefire until the West stopped arming Kyiv.")
    assert ("russia", "ceasefire", "reject") in got
    assert ("russia", "ceasefire", "accept") not in got


def test_an_unplaced_threat_takes_the_outcome_its_holders_demands_imply() -> None:
    # the no-deal anchors imply points on the territorial issues: the threat goes where the demand is
    both = (
        "Putin demanded that Ukraine withdraw its troops from all of Donetsk. "
        "He said Russia would keep fighting on the battlefield until its goals were met."
    )
    threat = [p for p in positions(both) if p.issue == "no-deal-alternative"]
    assert [(p.actor, p.stance, p.value) for p in threat] == [("russia", "threat", 100.0)]
    alone = positions("Putin said Russia would keep fighting on the battlefield until its goals were met.")
    assert [(p.stance, p.value) for p in alone if p.issue == "no-deal-alternative"] == [("threat", None)]


def test_his_document_belongs_to_the_man_in_focus() -> None:
    body = (
        "Ukrainian President Volodymyr Zelensky spoke to envoys on Saturday. "
        "His peace plan calls for the release of all prisoners."
    )
    assert ("ukraine", "prisoner-exchange", "demand") in triples(body)
    # a speech noun is not a document: "his words suggest ..." is the reporter's reading, not his position
    words = (
        "Ukrainian President Volodymyr Zelensky spoke to envoys. "
        "His rhetoric suggests that a prisoner swap is near."
    )
    assert not any(p.actor == "ukraine" and p.issue == "prisoner-exchange" for p in positions(words))


def test_a_catch_all_issue_that_is_an_action_of_its_own_is_kept() -> None:
    body = "Russia is ready to stop hostilities and start negotiations once Ukraine leaves Donetsk."
    found = {(p.issue, p.stance, p.conditional_on) for p in positions(body) if p.actor == "russia"}
    assert ("ceasefire", "conditional", "donetsk-control") in found
    assert ("talks-process", "conditional", "donetsk-control") in found
    # named only beside the specific issue, the talks are its frame: no position on them
    frame = "Russia is ready to stop hostilities in the talks once Ukraine leaves Donetsk."
    assert "talks-process" not in {p.issue for p in positions(frame)}


def test_reaching_an_agreement_is_accepting_it() -> None:
    found = triples("Russia and Ukraine reached a tentative agreement on a prisoner exchange on Friday.")
    assert {("russia", "prisoner-exchange", "accept"), ("ukraine", "prisoner-exchange", "accept")} <= found


def test_bodies_named_by_their_examples_hold_the_stance() -> None:
    found = triples("Allies such as France and Britain have offered to send troops to Ukraine.")
    assert {("france", "foreign-troops", "offer"), ("united-kingdom", "foreign-troops", "offer")} <= found
    assert ("poland", "foreign-troops", "reject") in triples(
        "Countries like Poland have ruled out sending troops to Ukraine."
    )


def test_plain_value_places_a_position_that_names_only_the_issue() -> None:
    ceasefire = [p for p in positions("Ukraine accepted a ceasefire on Tuesday.") if p.issue == "ceasefire"]
    assert [(p.actor, p.stance, p.value) for p in ceasefire] == [("ukraine", "accept", 0.0)]

    # a rejection turns the plain point down; words that place the position win over it
    def ceasefire_of(body: str) -> list[tuple[str, float | None, float | None]]:
        return [(p.stance, p.value, p.rejected_value) for p in positions(body) if p.issue == "ceasefire"]

    assert ceasefire_of("Russia rejected a ceasefire.") == [("reject", 100.0, 0.0)]
    assert ceasefire_of("Russia demanded that there be no ceasefire.") == [("demand", 100.0, None)]


def test_a_time_frame_is_not_what_the_stance_is_about() -> None:
    # the ceasefire only dates the plan: the plan is about troops
    found = triples("After a ceasefire, Britain will send troops to Ukraine to train its army.")
    assert ("united-kingdom", "foreign-troops", "plan") in found
    assert not any(issue == "ceasefire" for _, issue, _ in found)
    # the same words as the object of the stance are its issue
    found = triples("Britain demanded a ceasefire after the talks.")
    assert ("united-kingdom", "ceasefire", "demand") in found


def test_signing_a_document_named_in_quotation_marks_is_accepting_it() -> None:
    body = (
        "Poland and Ukraine signed a joint “memorandum of understanding” "
        "on sending Polish and Lithuanian troops."
    )
    found = triples(body)
    assert {("poland", "foreign-troops", "accept"), ("ukraine", "foreign-troops", "accept")} <= found


def test_a_stance_noun_belongs_to_its_by_or_from_phrase() -> None:
    found = triples("A proposal by France for a ceasefire was turned down on Monday.")
    assert ("france", "ceasefire", "offer") in found
    assert ("russia", "ceasefire", "demand") in triples("Demands from Moscow for a ceasefire grew louder.")


def test_a_demand_taken_back_is_not_held() -> None:
    # the holder's own demand, dropped: no longer its position, and the verb is no acceptance either
    dropped = positions("Moscow has dropped its demand for a ceasefire.")
    assert not any(p.issue == "ceasefire" for p in dropped)
    assert not any(
        p.issue == "ceasefire" for p in positions("Britain backed away from its insistence on a ceasefire.")
    )
    # another party's demand, removed by the holder: a rejection of it
    assert ("ukraine", "ceasefire", "reject") in triples("Ukraine scrapped Russia's demand for a ceasefire.")
    assert ("ukraine", "donetsk-control", "reject") in triples(
        "Kyiv got the drafters to remove the requirement for Ukraine to pull out of Donetsk."
    )


def test_swapping_prisoners_is_accepting_an_exchange_of_that_size() -> None:
    swap = {
        (p.actor, p.stance, p.value)
        for p in positions("Kyiv and Moscow swapped 90 captives on Sunday.")
        if p.issue == "prisoner-exchange"
    }
    assert swap == {("ukraine", "accept", 50.0), ("russia", "accept", 50.0)}
    # a noun is no action: talking about an exchange accepts nothing
    talked = triples("The two delegations talked about a ceasefire and a swap of prisoners.")
    assert not any(stance == "accept" for _, _, stance in talked)


def test_of_two_rates_in_a_clause_each_issue_takes_the_one_beside_its_words() -> None:
    trade = trade_codebook()
    body = (
        "Washington will lower its 20% fentanyl levy on Chinese imports to 10%, "
        "bringing the combined tariff rate on China down to 47%."
    )
    article = Article(source="t", title="", text=body, raw=body, published=datetime(2025, 11, 1))
    values = {p.issue: p.value for p in extract(article, trade).positions if p.actor == "united-states"}
    assert values.get("fentanyl") == 50.0  # 10%, not the combined 47%


def test_our_in_a_quotation_is_the_speakers() -> None:
    body = (
        '"Our terms for a ceasefire are plain: Ukrainian forces must leave Donetsk," '
        "Vladimir Putin said on Friday."
    )
    holders = {p.actor for p in positions(body) if p.issue == "ceasefire"}
    assert holders == {"russia"}


def test_a_stance_on_this_takes_the_issue_named_just_before() -> None:
    body = (
        "Moscow announced on Monday that it wants Ukraine to give up Kherson region. "
        "Kyiv called the announcement an insult.\n\n"
        "“Ukraine will never accept it,” a Ukrainian spokesperson said."
    )
    found = positions(body)
    demanded = {p.issue for p in found if p.actor == "russia" and p.stance == "demand"}
    rejected = [(p.issue, p.stance, p.red_line) for p in found if p.actor == "ukraine"]
    assert demanded and rejected == [(issue, "reject", True) for issue in sorted(demanded)]
    # too far back, or a "that" opening a clause: no issue to point to
    far = "Moscow wants Kherson region. It said so twice. It said so again. Kyiv will never accept it."
    assert not any(p.actor == "ukraine" for p in positions(far))


def test_negation_inside_a_contraction_and_a_subject_that_is_no_one() -> None:
    found = triples("Russia wants Donetsk. Ukraine won’t give it up.")
    assert ("ukraine", "donetsk-control", "reject") in found
    assert not any(
        p.actor == "ukraine" and p.stance == "offer"
        for p in positions("Nobody has offered Ukraine membership in NATO, Zelensky said.")
    )


@cache
def trade_codebook() -> Codebook:
    return load_codebook(Path(__file__).resolve().parents[1] / "codebooks" / "us-china-trade.yaml")


def test_a_threat_unless_the_other_side_drops_its_duty_is_conditional_on_that_duty() -> None:
    body = (
        "Washington threatened to raise tariffs on Chinese goods unless Beijing scraps "
        "its 20% retaliatory duty."
    )
    article = Article(source="t", title="", text=body, raw=body, published=datetime(2025, 4, 2))
    threats = [p for p in extract(article, trade_codebook()).positions if p.issue == "us-tariffs-on-china"]
    assert [(p.actor, p.stance, p.conditional_on) for p in threats] == [
        ("united-states", "threat", "china-tariffs-on-us")
    ]


def test_a_refusal_in_any_scenario_is_a_red_line() -> None:
    found = [p for p in positions("Moscow rejects a ceasefire in any scenario.") if p.issue == "ceasefire"]
    assert [(p.actor, p.stance, p.red_line) for p in found] == [("russia", "reject", True)]


def test_rejecting_the_idea_rejects_the_one_just_proposed() -> None:
    found = triples("Moscow proposed a ceasefire over the holidays. Kyiv turned down the idea on Friday.")
    assert {("russia", "ceasefire", "offer"), ("ukraine", "ceasefire", "reject")} <= found
    # "that" opening a clause points nowhere
    waited = triples("Moscow floated a ceasefire. Kyiv said that it would wait.")
    assert not any(actor == "ukraine" for actor, _, _ in waited)


@cache
def open_codebook() -> Codebook:
    """Any sentence and any named party, as on a negotiation no codebook covers yet."""
    return Codebook(
        name="open",
        description="any named party",
        actors=(),
        issues=(Issue(id="any", label="anything", cues=(r"\w+",), catch_all=True),),
        grammar=codebook().grammar,
        open_parties=True,
    )


def open_positions(body: str) -> list[Position]:
    return extract(Article(source="t", title="", text=body, raw=body), open_codebook()).positions


def test_with_open_parties_any_named_party_may_act() -> None:
    body = "Portugal lifted its curfew on the islands on Sunday."
    found = open_positions(body)
    assert [(p.actor, p.stance) for p in found] == [("ner:Portugal", "accept")]


def test_what_a_party_agrees_should_happen_is_accepted_not_demanded() -> None:
    found = triples("Britain and France agreed on Monday that a ceasefire should come first.")
    assert {("united-kingdom", "ceasefire", "accept"), ("france", "ceasefire", "accept")} <= found
    assert not any(stance == "demand" for _, _, stance in found)
    # a clause of its own after "but" keeps its demand
    kept = triples("Britain agreed to talk, but it insists that a ceasefire must come first.")
    assert ("united-kingdom", "ceasefire", "demand") in kept


def test_a_plan_described_by_a_participle_keeps_its_number() -> None:
    body = "The 28-point plan, accepted by British and Ukrainian negotiators after talks, went to Moscow."
    plan = {(p.actor, p.stance, p.value) for p in positions(body) if p.issue == "peace-plan"}
    assert plan == {("united-kingdom", "accept", 100.0), ("ukraine", "accept", 100.0)}


def test_a_planned_or_proposed_measure_belongs_to_the_party_it_names() -> None:
    found = triples("Kyiv answered the planned Russian troop build-up with a call for talks.")
    assert not any(actor == "russia" and stance != "plan" for actor, _, stance in found)
    sanctions = triples("The proposed EU sanctions were discussed in Brussels.")
    assert ("european-union", "sanctions", "offer") in sanctions
    fees = [
        p
        for p in extract(
            Article(source="t", title="", text="Beijing criticised the planned U.S. port fees.", raw="x"),
            trade_codebook(),
        ).positions
        if p.issue == "port-fees"
    ]
    assert ("united-states", "plan") in {(p.actor, p.stance) for p in fees}


def test_a_list_of_parties_parsed_as_an_appositive_all_act() -> None:
    found = triples("Britain, Ukraine and Russia will hold talks in Vienna next month.")
    assert {(a, s) for a, i, s in found if i == "talks-process"} == {
        ("united-kingdom", "plan"),
        ("ukraine", "plan"),
        ("russia", "plan"),
    }
    # an appositive that is no list names one party
    one = triples("Sergei Lavrov, the foreign minister of Russia, will hold talks with Kyiv.")
    assert {a for a, i, _ in one if i == "talks-process"} == {"russia"}


def test_an_announced_action_without_a_stance_word_is_a_plan() -> None:
    found = triples("Russia and Ukraine will hold talks in Vienna next month.")
    assert {(a, s) for a, i, s in found if i == "talks-process"} == {("russia", "plan"), ("ukraine", "plan")}


def test_an_assessment_of_a_proposal_is_its_acceptance_or_rejection() -> None:
    liked = triples("Zelenskyy called the ceasefire proposal encouraging.")
    assert ("ukraine", "ceasefire", "accept") in liked
    scorned = triples("The Kremlin described the ceasefire proposal as absurd.")
    assert ("russia", "ceasefire", "reject") in scorned
    assert not any(s == "accept" for _, _, s in scorned)


def test_each_of_two_coordinated_actions_keeps_its_issue() -> None:
    # "meet" names the talks itself, beside a specific issue in the other branch
    found = triples("Russia refused to sign the ceasefire or to meet Zelenskyy.")
    assert {("russia", "ceasefire", "reject"), ("russia", "talks-process", "reject")} <= found


def test_neither_nor_subjects_negate_their_verb() -> None:
    found = triples("Neither Kyiv nor Moscow has agreed to the ceasefire.")
    assert {("ukraine", "ceasefire", "reject"), ("russia", "ceasefire", "reject")} <= found
    assert not any(s == "accept" for _, _, s in found)


def test_what_a_party_is_accused_or_thanked_for_is_the_objects_doing() -> None:
    # an accusation is the accuser's word: no stance of the accused's
    found = triples("Moscow accused Kyiv of blocking the ceasefire.")
    assert found == {("russia", "ceasefire", "statement")}
    # a reflexive object is the subject itself
    own = triples("Britain has committed itself to deploying troops in Ukraine.")
    assert {a for a, i, _ in own if i == "foreign-troops"} == {"united-kingdom"}


def test_a_stance_without_an_issue_does_not_take_one_from_another_stance() -> None:
    found = triples("European leaders welcomed the agreement but said sanctions should remain in place.")
    assert ("european-union", "sanctions", "demand") in found
    assert ("european-union", "sanctions", "accept") not in found


def test_a_coordinated_clause_with_its_own_subject_is_not_the_first_clauses_content() -> None:
    body = (
        "Zelenskyy conceded that some points trouble him, but Kyiv has managed to remove the requirement for"
        " Kyiv to leave Donetsk."
    )
    found = triples(body)
    assert ("ukraine", "donetsk-control", "reject") in found
    assert ("ukraine", "donetsk-control", "offer") not in found


def test_freezing_the_front_line_is_the_territorial_question() -> None:
    found = {
        (p.actor, p.issue, p.stance, p.value)
        for p in positions(
            "Kyiv says it is ready to freeze the front line if it receives security guarantees."
        )
    }
    assert ("ukraine", "donetsk-control", "conditional", 50.0) in found


def test_a_noun_summing_up_the_clause_before_it_carries_that_clauses_issue() -> None:
    found = triples("Moscow is demanding that Kyiv cede all of Donetsk, a condition Ukraine has rejected.")
    assert {("russia", "donetsk-control", "demand"), ("ukraine", "donetsk-control", "reject")} <= found


def test_calling_troops_a_legitimate_target_is_a_threat() -> None:
    found = triples("Moscow said any European peacekeepers sent to Ukraine would be a legitimate target.")
    assert ("russia", "foreign-troops", "threat") in found


def test_an_issue_cue_does_not_stretch_over_another_issues_words() -> None:
    body = "Beijing refused to restart purchases of U.S. soybeans until tariffs are lifted."
    found = extract(Article(source="t", title="", text=body, raw=body), trade_codebook()).positions
    assert ("china", "farm-purchases", "reject") in {(p.actor, p.issue, p.stance) for p in found}


def test_seizing_more_land_if_talks_fail_is_the_no_deal_threat() -> None:
    found = {
        (p.actor, p.issue, p.stance, p.value)
        for p in positions("Putin warned that Russia would seize more territory if Kyiv refused the deal.")
    }
    assert ("russia", "no-deal-alternative", "threat", 100.0) in found


def test_a_forecast_of_a_stance_is_no_stance() -> None:
    assert triples("Moscow is expected to reject the ceasefire proposal.") == set()
    assert triples("Kyiv is unlikely to accept the ceasefire, analysts said.") == set()
    # the active verb is the party's own expectation of the other: a demand
    assert ("russia", "donetsk-control", "demand") in triples("Moscow expects Kyiv to withdraw from Donetsk.")


def test_refusing_to_give_up_land_rejects_its_surrender() -> None:
    said = positions("Kyiv's position is that it won't give up Donetsk.")
    found = {(p.actor, p.stance, p.value, p.rejected_value) for p in said}
    # the surrender (100) is what it turns down; keeping the region (0) is its own point
    assert ("ukraine", "reject", 0.0, 100.0) in found


def test_a_catch_all_word_inside_a_longer_cue_is_part_of_it() -> None:
    body = "Putin said military force would be used if talks fail to deliver outcomes acceptable to Moscow."
    found = [p for p in positions(body) if p.issue == "no-deal-alternative"]
    assert [(p.actor, p.stance, p.conditional_on) for p in found] == [("russia", "threat", None)]


def test_an_action_a_stance_noun_asks_for_is_no_threat_of_its_holder() -> None:
    found = triples("Moscow rejected British demands to halt its strikes on Kyiv.")
    assert ("russia", "ceasefire", "reject") in found
    assert not any(s == "threat" for _, _, s in found)


def test_a_sides_people_named_in_the_plural_are_that_side() -> None:
    found = triples('"The Russians want us to leave Donetsk," Zelenskyy said.')
    assert ("russia", "donetsk-control", "demand") in found
    assert ("ukraine", "donetsk-control", "demand") not in found


def test_ready_for_a_thing_offers_it() -> None:
    assert ("ukraine", "ceasefire", "offer") in triples('Zelenskyy said: "We are ready for a ceasefire."')


def test_a_fronted_for_names_whose_red_line_it_is() -> None:
    found = triples("For Russia, NATO membership for Ukraine is a red line.")
    assert ("russia", "nato-membership", "demand") in found
    assert not any(a == "ukraine" for a, _, _ in found)
    kyiv = triples("For Kyiv, giving up Donetsk is out of the question.")
    assert ("ukraine", "donetsk-control", "reject") in kyiv


def test_a_partys_condition_stated_with_a_copula_is_its_demand() -> None:
    found = triples("Moscow's key condition is that Kyiv abandon its NATO ambitions.")
    assert ("russia", "nato-membership", "demand") in found


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Washington floated the idea of a demilitarised zone in Donetsk.", ("united-states", "offer")),
        ("Moscow pushed back against the British proposal for peacekeepers.", ("russia", "reject")),
        ("Russia balked at the British demand for an unconditional ceasefire.", ("russia", "reject")),
        ("Germany threw its weight behind the ceasefire plan.", ("germany", "accept")),
    ],
)
def test_idioms_of_stance(body: str, expected: tuple[str, str]) -> None:
    assert expected in {(a, s) for a, _, s in triples(body)}


def test_a_title_nobody_holds_on_the_date_still_names_its_side() -> None:
    # undated: no known person holds "Russia's foreign minister", but the side is known
    found = triples("Russia's foreign minister said the talks must include Europe.", day=None)
    assert ("russia", "talks-process", "demand") in found
    found = triples("The Ukrainian foreign minister said a ceasefire must come first.", day=None)
    assert ("ukraine", "ceasefire", "demand") in found


def test_there_can_be_no_x_rejects_it() -> None:
    found = triples("Lavrov said there can be no talks with Kyiv now.")
    assert ("russia", "talks-process", "reject") in found
    # "cannot" is a negator of its own: the cue that holds it is not turned into an acceptance
    cannot = triples("The Kremlin made it clear that there cannot be any talks while the raids go on.")
    assert ("russia", "talks-process", "reject") in cannot
    assert ("russia", "talks-process", "accept") not in cannot
    # a forecast is not a refusal
    assert not any(s == "reject" for _, _, s in triples("An aide said there will not be talks this week."))


def test_a_partys_stated_goal_of_a_thing_is_its_demand() -> None:
    found = triples("Moscow restated its goal of a neutral status for Ukraine.")
    assert ("russia", "nato-membership", "demand") in found


def test_if_and_when_opens_a_condition() -> None:
    found = triples("Paris said France would back talks if and when Moscow halts its strikes.")
    assert ("france", "talks-process", "conditional") in found
    assert ("france", "talks-process", "accept") not in found


def test_a_scheduled_meeting_of_the_parties_is_their_plan() -> None:
    found = triples("Ukrainian and Russian delegations are due to hold talks in Istanbul on Monday.")
    assert {("ukraine", "talks-process", "plan"), ("russia", "talks-process", "plan")} <= found


def test_an_assessment_for_a_party_is_that_partys() -> None:
    found = triples("The summit's ceasefire plan is unacceptable for Moscow, a diplomat said.")
    assert ("russia", "ceasefire", "reject") in found
    # "opposed to X": X is what is opposed, not who opposes
    opposed = triples("Ukraine is opposed to Washington's idea of a ceasefire on the current lines.")
    assert ("ukraine", "ceasefire", "reject") in opposed
    assert not any(a == "united-states" for a, _, _ in opposed)


def test_getting_rid_of_anothers_demand_rejects_it() -> None:
    found = triples("Kyiv got rid of the demand that Ukraine renounce its NATO bid.")
    assert ("ukraine", "nato-membership", "reject") in found
    assert ("ukraine", "nato-membership", "demand") not in found


def test_frustration_over_a_measure_rejects_it() -> None:
    found = triples("Zelensky voiced frustration with the plan to tie a ceasefire to sanctions relief.")
    assert ("ukraine", "sanctions", "reject") in found
    assert ("ukraine", "sanctions", "plan") not in found  # the plan is what frustrates, not his


def test_a_partys_adjective_owns_the_offer_it_qualifies() -> None:
    found = triples("Merz called the American offer of security guarantees remarkable.")
    assert ("united-states", "security-guarantees", "offer") in found
    assert ("germany", "security-guarantees", "accept") in found
    assert ("germany", "security-guarantees", "offer") not in found


def test_what_a_demand_asks_another_to_accept_is_the_demand() -> None:
    found = triples("Moscow demanded that Ukraine accept the ceasefire.")
    assert ("russia", "ceasefire", "demand") in found
    assert ("ukraine", "ceasefire", "accept") not in found
    # an indicative clause is a report of the other's stance, not what is demanded
    reported = triples("Moscow insists that Ukraine rejects the ceasefire.")
    assert ("ukraine", "ceasefire", "reject") in reported


def test_it_would_be_good_for_another_to_act_is_a_demand() -> None:
    found = triples("Putin said it would be better for Kyiv to withdraw from Donetsk.")
    assert ("russia", "donetsk-control", "demand") in found
    assert not any(a == "ukraine" for a, _, _ in found)


def test_a_stated_purpose_or_an_expected_meeting_is_a_plan() -> None:
    quoted = triples('Umerov spoke. "The aim of our delegation is to discuss a ceasefire," Umerov said.')
    assert ("ukraine", "ceasefire", "plan") in quoted
    plan = ("ukraine", "talks-process", "plan")
    assert plan in triples("Kyiv expects another round of talks on Monday.")
    assert plan in triples("A Ukrainian delegation is en route to Geneva for talks.")


def test_fighting_until_the_other_side_withdraws_demands_its_withdrawal() -> None:
    found = triples("Kyiv says it will keep fighting until Putin's troops withdraw.")
    assert ("ukraine", "territorial-legitimacy", "demand") in found


def test_a_demand_a_without_phrase_excludes_is_no_demand() -> None:
    found = triples("The Ukrainian delegation will hold talks with Russia without preconditions.")
    assert ("ukraine", "talks-process", "plan") in found
    assert not any(s in {"demand", "reject"} for _, _, s in found)


def test_a_lone_stance_takes_no_issue_from_its_time_frame() -> None:
    found = triples("The Kremlin does not want to reveal its position before the talks, a spokesman said.")
    assert found == set()


def test_a_negated_act_without_a_stance_word_is_no_refusal() -> None:
    found = triples("Moscow has not released the prisoners it promised to swap.")
    assert ("russia", "prisoner-exchange", "reject") not in found


def test_will_not_before_a_copula_is_an_assessment_not_a_refusal() -> None:
    found = triples('Medinsky said a pact on security guarantees "will not be an easy task".')
    assert ("russia", "security-guarantees", "reject") not in found


def test_yes_but_and_in_principle_make_an_acceptance_conditional() -> None:
    principle = positions("Moscow agrees in principle with the ceasefire proposal, a Kremlin aide said.")
    assert ("russia", "ceasefire", "conditional") in {(p.actor, p.issue, p.stance) for p in principle}
    found = positions(
        '"We accept the ceasefire, but it must address the root causes of the conflict," Lavrov said.'
    )
    accepted = [p for p in found if p.actor == "russia" and p.issue == "ceasefire" and p.stance != "demand"]
    assert [(p.stance, p.conditional_on) for p in accepted] == [("conditional", "root-causes")]
    # another party's demand after the "but" leaves the acceptance as it is
    other = triples("Kyiv accepted the ceasefire, but Moscow demanded that Kyiv recognise its annexations.")
    assert ("ukraine", "ceasefire", "accept") in other


def test_an_undated_title_is_the_holder_the_article_names() -> None:
    text = 'Vladimir Putin spoke on Wednesday.\n\nThe Russian president said: "Kyiv must leave Donetsk."'
    article = Article(source="t", title="", text=text, raw=text)
    found = extract(article, codebook())
    assert [q.speaker for q in found.quotes] == ["putin"]


def test_a_condition_inside_a_without_phrase_is_not_the_offers() -> None:
    found = positions(
        "Washington offered a NATO-style guarantee to Kyiv, without saying how far it goes if Russia attacks."
    )
    offers = {(p.actor, p.issue, p.stance) for p in found}
    assert ("united-states", "security-guarantees", "offer") in offers
    # and a "NATO-style" guarantee is not NATO's
    assert not any(a == "nato" for a, _, _ in offers)


def test_a_former_holder_of_a_title_is_not_its_side() -> None:
    text = 'Jane Roe spoke on Monday. The former secretary of state said she wanted "to speak to voters".'
    found = extract(Article(source="t", title="", text=text, raw=text), codebook())
    assert [q.speaker for q in found.quotes] == ["ner:Jane Roe"]


def test_a_quoted_issue_named_as_the_time_frame_is_no_statement_on_it() -> None:
    found = triples('"Following a ceasefire, Britain will set up military hubs in Ukraine," Starmer said.')
    assert not any(i == "ceasefire" for _, i, _ in found)


def test_a_necessity_split_by_its_attribution_is_a_demand() -> None:
    found = triples("Putin spoke on Friday. It is essential, he said, that Ukraine leaves Donetsk.")
    assert ("russia", "donetsk-control", "demand") in found


def test_a_topic_phrase_opening_the_sentence_gives_its_issue() -> None:
    # two parties in the sentence: no lone stance to take the nearest issue
    text = "As for the ceasefire, Moscow said Kyiv wants security guarantees and Russia would never agree."
    found = triples(text)
    assert ("russia", "ceasefire", "reject") in found
    assert triples("On Monday, the Kremlin said Russia would never agree.") == set()


def test_a_stance_noun_in_the_topic_phrase_is_not_the_subjects() -> None:
    found = triples("Reacting to the ceasefire proposal, Moscow said Kyiv lied and Russia would never agree.")
    assert ("russia", "ceasefire", "reject") in found
    assert ("russia", "ceasefire", "offer") not in found
    owned = triples("Regarding Kyiv's ceasefire proposal, Moscow said it would never agree.")
    assert ("ukraine", "ceasefire", "offer") in owned


def test_a_refusal_to_speak_is_no_refusal_of_what_it_is_about() -> None:
    silent = triples("The Kremlin declined to comment on the truce offer.")
    assert silent == {("russia", "ceasefire", "statement")}
    asked = triples("Lavrov refused to say whether Moscow would sign up to a ceasefire.")
    assert asked == {("russia", "ceasefire", "statement")}
    # what it would not confirm is no one's stance
    assert triples("The Kremlin would not confirm that the truce had been agreed.") == set()
    # refusing to negotiate an issue still refuses it
    assert ("russia", "ceasefire", "reject") in triples("Moscow refused to discuss a ceasefire.")


def test_a_proposal_another_side_answers_or_studies_is_not_its_own() -> None:
    assert ("russia", "ceasefire", "offer") not in triples("Moscow is studying the truce proposal.")
    answered = triples("The Kremlin replied to the truce proposal on Sunday.")
    assert answered == {("russia", "ceasefire", "statement")}
    assert ("russia", "ceasefire", "offer") in triples("Moscow put forward a truce proposal.")


def test_what_a_party_has_yet_to_do_is_no_stance_yet() -> None:
    pending = triples("Washington is yet to sign up to the ceasefire.")
    assert pending == {("united-states", "ceasefire", "statement")}
    assert triples("Kyiv has yet to accept the truce.") == {("ukraine", "ceasefire", "statement")}


def test_a_view_in_a_clause_with_a_subject_of_its_own_is_not_the_main_subjects() -> None:
    text = "Washington is quiet, although allies regard its part as crucial to the security guarantees."
    assert not any(a == "united-states" and s == "demand" for a, _, s in triples(text))


def test_a_stance_noun_a_future_act_takes_is_what_is_planned() -> None:
    text = '"Within days we will finalise the support for these security guarantees," Starmer said.'
    assert triples(text) == {("united-kingdom", "security-guarantees", "plan")}


def test_not_expecting_another_to_act_is_no_refusal() -> None:
    assert triples("Kyiv does not expect Moscow to attend the summit.") == set()
    unwanted = triples("Kyiv does not want Moscow to attend the summit.")
    assert ("ukraine", "talks-process", "reject") in unwanted


def test_a_stance_on_the_offer_takes_the_issue_named_before_it_in_the_sentence() -> None:
    text = "Moscow said it was ready for talks, but Kyiv quickly rejected the offer as a stunt."
    found = triples(text)
    assert ("russia", "talks-process", "offer") in found
    assert ("ukraine", "talks-process", "reject") in found


def test_verbs_that_share_one_object_are_one_clause() -> None:
    text = "Paris agreed and proposed a plan for a truce."
    assert {s for a, i, s in triples(text) if a == "france" and i == "ceasefire"} == {"offer"}
    # two acts, each with its own object, stay two
    both = triples("Paris accepted the truce and rejected the talks.")
    assert ("france", "ceasefire", "accept") in both and ("france", "talks-process", "reject") in both


def test_an_act_under_a_negative_if_is_a_threat() -> None:
    warned = triples("If Moscow does not free the children, Kyiv will end the prisoner swaps.")
    assert ("ukraine", "prisoner-exchange", "threat") in warned
    promised = triples("If Moscow frees the children, Kyiv will resume the prisoner swaps.")
    assert ("ukraine", "prisoner-exchange", "conditional") in promised


def test_what_parties_agree_to_seek_is_accepted_not_demanded() -> None:
    found = triples("Kyiv and Moscow agreed to seek a truce.")
    assert ("ukraine", "ceasefire", "accept") in found and ("russia", "ceasefire", "accept") in found
    assert not any(s == "demand" for _, _, s in found)


def test_announcing_a_measure_plans_it() -> None:
    unveiled = triples("Washington unveiled fresh sanctions on Russian banks.")
    assert ("united-states", "sanctions", "plan") in unveiled
    # announcing what someone else will do stays a report
    reported = triples("Washington announced that Brussels would lift sanctions.")
    assert ("united-states", "sanctions", "plan") not in reported


def test_a_stance_noun_coming_from_a_party_is_that_partys() -> None:
    assert ("china", "talks-process", "demand") in triples("Calls for talks have come from Beijing.")


def test_continuing_the_military_operation_is_the_no_deal_alternative() -> None:
    found = triples("The Kremlin said it is ready to continue its military operation until its aims are met.")
    assert ("russia", "no-deal-alternative", "threat") in found


def test_no_hurry_for_a_meeting_is_no_refusal_of_it() -> None:
    unhurried = triples("Lavrov said there should be no rush to a summit.")
    assert unhurried == {("russia", "talks-process", "statement")}
    assert ("russia", "talks-process", "reject") in triples("Lavrov said there can be no summit.")


def test_a_quoted_condition_with_no_verb_of_saying_is_demanded() -> None:
    found = triples('Lavrov on Monday: "Peace will be possible only if Kyiv halts the fighting."')
    assert found == {("russia", "ceasefire", "demand")}


def test_stopping_talks_or_a_deal_refuses_it() -> None:
    assert triples("Moscow postponed the peace talks.") == {("russia", "talks-process", "reject")}
    assert triples("Russia pulled out of the grain deal.") == {("russia", "talks-process", "reject")}
    # stopping a measure is still a concession, and restarting the talks accepts them
    assert ("russia", "other-territory", "accept") in triples("Russia withdrew its troops from Kherson.")
    assert triples("Moscow resumed the talks.") == {("russia", "talks-process", "accept")}
    # what the war is to end with is no accord broken off
    assert not any(s == "reject" for _, _, s in triples("Kyiv will end the war through talks."))


def test_an_accusation_objects_to_a_move_it_reports_and_gives_the_accused_no_stance() -> None:
    found = triples("Kyiv accused Moscow of imposing new sanctions on Ukrainian grain.")
    assert found == {("ukraine", "sanctions", "reject")}
    # another wrong alleged is a statement; the accused holds nothing for it
    alleged = triples("Kyiv alleged that Russia blocked the prisoner swaps.")
    assert alleged == {("ukraine", "prisoner-exchange", "statement")}


def test_blocking_or_stalling_an_exchange_refuses_it() -> None:
    assert triples("Russia blocked the prisoner swaps.") == {("russia", "prisoner-exchange", "reject")}


def test_his_after_a_persons_quotation_is_the_speaker() -> None:
    text = (
        "Zelensky addressed the assembly on Monday.\n"
        "In a speech, he said the world must answer. \u201cDoes the charter still hold?\n"
        "\u201cIn our towns and in many other places, the answer is grief.\n"
        "\u201cThe world cannot look away any longer. Too many have died.\u201d\n"
        "His peace formula calls for the withdrawal of Russian troops."
    )
    assert ("ukraine", "territorial-legitimacy", "demand") in triples(text)


def test_what_a_party_has_to_accept_is_demanded_not_accepted() -> None:
    assert triples("Kyiv will have to accept the truce.") == set()
    assert triples("Kyiv has to accept the truce, Moscow said.") == {("russia", "ceasefire", "demand")}


def test_a_stance_noun_that_names_a_group_or_modifies_a_noun_is_no_stance() -> None:
    assert triples("Moscow met opposition leaders to discuss the ceasefire.") == set()
    assert triples("Kyiv held talks on the ceasefire with the Belarusian opposition.") == set()
    # owned, or against something, it is one
    assert triples("Putin's opposition to the ceasefire is firm.") == {("russia", "ceasefire", "reject")}


def test_one_asked_or_told_in_the_passive_holds_nothing_of_it() -> None:
    assert triples("Kyiv was told to accept the ceasefire.") == set()
    assert triples("Kyiv was urged to accept the ceasefire.") == set()
    assert triples("Kyiv was asked by Moscow to accept the ceasefire.") == {("russia", "ceasefire", "demand")}
    # a report of the subject's own stance stays its stance
    assert triples("Kyiv was reported to have agreed to the ceasefire.") == {
        ("ukraine", "ceasefire", "accept")
    }


def test_what_a_non_party_object_is_pressed_to_do_is_no_ones_act() -> None:
    text = (
        "Moscow pressured the striking dockworkers of the Odesa port and their union to accept the ceasefire."
    )
    assert not any(stance == "accept" for _, _, stance in triples(text))


def test_they_after_they_is_the_party_before_both() -> None:
    text = (
        "Kyiv and Paris held a meeting on Monday.\n"
        "They said that the truce talks were useful.\n\n"
        'They added that they "remain committed to the ceasefire."'
    )
    assert ("ukraine", "ceasefire", "accept") in triples(text)


def test_an_agentless_passive_report_is_no_ones_statement() -> None:
    text = "Serbia lifted a curfew in the north, and the region was reported calm by Monday."
    found = open_positions(text)
    assert [(p.actor, p.stance) for p in found] == [("ner:Serbia", "accept")]


def test_a_stance_said_is_not_also_a_bare_statement_of_the_same_party() -> None:
    text = (
        "Portugal will send 500 tons of grain to families fleeing the floods in Madeira, "
        "the Food Agency (FA) said on Monday."
    )
    found = open_positions(text)
    assert [(p.actor, p.stance) for p in found] == [("ner:Portugal", "plan")]


def test_a_rate_taken_away_goes_to_none() -> None:
    def values(body: str) -> set[tuple[str, str, float | None]]:
        found = extract(Article(source="t", title="", text=body, raw=body), trade_codebook()).positions
        return {(p.actor, p.issue, p.value) for p in found}

    asked = values("Washington will raise its tariffs unless Beijing scraps its 40% duty on U.S. goods.")
    assert ("united-states", "china-tariffs-on-us", 0.0) in asked
    lifted = values("The 40% levy on U.S. goods was lifted by Beijing.")
    assert ("china", "china-tariffs-on-us", 0.0) in lifted
    # a rate it is cut to is where it goes
    assert ("united-states", "us-tariffs-on-china", 12.0) in values(
        "Washington will cut the tariff on Chinese goods to 10%."
    )


def test_they_after_a_subject_that_is_no_party_is_not_a_party_named_in_the_object() -> None:
    text = "The separatists rejected a Ukrainian peace plan and said they opposed the ceasefire."
    assert not any(stance == "reject" for _, _, stance in triples(text))


def test_a_minister_titled_without_a_country_speaks_for_the_one_party_whose_ministry_is_named() -> None:
    said = "Deputy Defence Minister Pavel Lomov said the ceasefire had to hold."
    one = f"The Russian Defence Ministry announced the move on Tuesday.\n\n{said}"
    assert triples(one) == {("russia", "ceasefire", "demand")}
    two = f"The Russian Defence Ministry and the Ukrainian Defence Ministry announced the move.\n\n{said}"
    assert triples(two) == set()


def test_with_open_parties_a_peoples_adjective_is_the_country_it_names() -> None:
    body = "Serbia lifted the curfew, and the Serbian government said the province was calm."
    found = open_positions(body)
    assert {p.actor for p in found} == {"ner:Serbia"}


def test_a_move_away_under_a_condition_is_a_threat_and_a_concession_under_one_an_offer() -> None:
    assert ("russia", "other-territory", "threat") in triples("Russia will seize Kherson if the talks fail.")
    assert ("russia", "sanctions", "conditional") in triples(
        "Russia will lift its sanctions on Ukrainian grain if the talks succeed."
    )


def test_a_refusal_in_the_holders_own_not_or_never_turns_down_the_act_it_negates() -> None:
    def found(body: str) -> set[tuple[str, str, str, float | None]]:
        return {(p.actor, p.issue, p.stance, p.value) for p in positions(body)}

    # the "not" is the refusal: not a second negation of the point
    assert found("The EU will not lift the sanctions on Russia.") == {
        ("european-union", "sanctions", "reject", 0.0)
    }
    assert found("Ukraine will not join NATO.") == {("ukraine", "nato-membership", "reject", 100.0)}
    assert ("ukraine", "nato-membership", "reject", 100.0) in found("Ukraine will never join NATO.")


def test_what_a_party_says_must_not_happen_is_demanded_at_the_other_end() -> None:
    found = positions("Moscow insists Kyiv must not join NATO.")
    assert {(p.actor, p.stance, p.value) for p in found} == {("russia", "demand", 100.0)}


def test_not_ruling_a_move_out_is_no_refusal_of_it() -> None:
    found = triples("Brussels has not ruled out new sanctions.")
    assert found == {("european-union", "sanctions", "statement")}


def test_denying_a_report_is_a_statement_and_denying_a_request_refuses_it() -> None:
    assert triples("Moscow denied that it had blocked the prisoner swaps.") == {
        ("russia", "prisoner-exchange", "statement")
    }
    assert triples("Moscow denied Kyiv's request for a prisoner exchange.") >= {
        ("russia", "prisoner-exchange", "reject")
    }
    landing = open_positions("Portugal denied the ships landing rights.")
    assert {p.stance for p in landing} == {"reject"}


def test_leaving_the_talks_refuses_them_and_threatening_to_is_a_threat() -> None:
    assert triples("Russia left the peace talks on Monday.") == {("russia", "talks-process", "reject")}
    assert triples("Russia will walk away from the peace talks if Kyiv attacks Crimea.") >= {
        ("russia", "talks-process", "threat")
    }


def test_a_verdict_on_a_partys_demand_is_the_judges_and_the_demand_stays_its_owners() -> None:
    found = triples("Kyiv's demand for a ceasefire is absurd, Lavrov said.")
    assert found == {("ukraine", "ceasefire", "demand"), ("russia", "ceasefire", "reject")}


def test_according_to_a_party_its_demand() -> None:
    assert triples("According to the Kremlin, Kyiv must withdraw from Donetsk.") == {
        ("russia", "donetsk-control", "demand")
    }
    assert triples("Kyiv must withdraw from Donetsk, according to Peskov.") == {
        ("russia", "donetsk-control", "demand")
    }


def test_every_inflection_of_cede_places_the_surrender() -> None:
    said = positions("Kyiv has repeatedly rejected ceding the Donbas.")
    assert {(p.actor, p.stance, p.value) for p in said} == {("ukraine", "reject", 0.0)}


def test_suspending_a_measure_concedes_and_suspending_an_accord_threatens() -> None:
    exchanges = triples("Russia would suspend the prisoner exchanges.")
    assert exchanges == {("russia", "prisoner-exchange", "threat")}
    sanctions = triples("Moscow will suspend its sanctions on Ukrainian grain.")
    assert sanctions == {("russia", "sanctions", "accept")}

    # stopping what helps the other side is a threat
    def stances(body: str) -> set[str]:
        return {p.stance for p in open_positions(body)}

    assert stances("Portugal would halt its aid to the islands.") == {"threat"}
    assert stances("Portugal will halt its attacks on the islands.") == {"accept"}


def test_a_rate_on_us_goods_is_the_chinese_tariff() -> None:
    body = "Beijing will suspend the 24% extra tariff on U.S. goods."
    found = extract(Article(source="t", title="", text=body, raw=body), trade_codebook()).positions
    assert {(p.issue, p.stance) for p in found} == {("china-tariffs-on-us", "accept")}


def test_not_being_against_talks_is_no_refusal_of_them() -> None:
    found = triples("Lavrov said Moscow was not against peace talks.")
    assert ("russia", "talks-process", "reject") not in found
    assert triples("Moscow is against any ceasefire.") == {("russia", "ceasefire", "reject")}


def test_withdrew_places_the_withdrawal_as_withdraw_does() -> None:
    said = positions("Peskov said there could be no ceasefire until Kyiv withdrew from Donetsk.")
    found = {(p.actor, p.issue, p.stance, p.value) for p in said}
    assert ("russia", "donetsk-control", "demand", 100.0) in found
