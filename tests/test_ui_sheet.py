"""The sheet a patient keeps (issue 13): the number first and largest, the 15 box first in an
emergency, a QR code of each number, the patient's words — on the real rules and directory."""

from __future__ import annotations

import re

from orient.orientation import orient
from orient.render.handout import WHEN_TO_CALL_15, build_handout, number_link, tel_link
from test_ui_support import SATURDAY_14H, knowledge


def sheet(facts: dict):
    return build_handout(orient(knowledge(), facts, SATURDAY_14H, knowledge().gazetteer.resolve("condom")))


def test_the_number_to_call_first_comes_first_on_the_text_and_largest_on_the_html():
    handout = sheet({"red_flag": "none", "deaf": "no", "need": "consult"})
    text = handout.to_text()
    assert handout.first_number == "3966"
    assert text.index("NUMÉRO À APPELER : 3966") < text.index("1. Appeler le 3966")
    html = handout.to_html()
    assert re.search(r'<p class="numero">Appelez le <a href="tel:3966">3966</a></p>', html)
    assert ".numero{font-size:36pt" in html and html.index('class="numero"') < html.index("<ol>")


def test_an_emergency_puts_the_15_box_first():
    handout = sheet({"red_flag": "chest_pain", "deaf": "no"})
    text = handout.to_text()
    assert handout.emergency and handout.first_number == "15"
    assert text.index(WHEN_TO_CALL_15) < text.index("NUMÉRO À APPELER : 15") < text.index("1. ")
    assert text.count(WHEN_TO_CALL_15) == 1
    html = handout.to_html()
    assert html.index('class="urgence"') < html.index('class="numero"') < html.index("<ol>")


def test_an_everyday_answer_keeps_the_15_box_at_the_end():
    text = sheet({"red_flag": "none", "deaf": "no", "need": "consult"}).to_text()
    assert text.index("1. Appeler le 3966") < text.index(WHEN_TO_CALL_15)


def test_each_number_has_a_qr_code_of_its_tel_link():
    handout = sheet({"red_flag": "chest_pain", "deaf": "no"})
    html = handout.to_html()
    numbered = [p for p in handout.phones if p and tel_link(p)]
    assert numbered and html.count('<div class="qr"><svg') == len(numbered)
    assert tel_link("05 62 61 32 32") == "tel:+33562613232" and tel_link("116 117") == "tel:116117"
    assert tel_link("à vérifier") is None


def test_the_sheet_speaks_to_the_patient_not_to_the_agent():
    for facts in ({"red_flag": "none", "deaf": "no", "need": "consult"},
                  {"red_flag": "none", "deaf": "no", "need": "medication", "has_prescription": "yes",
                   "can_travel": "yes"}):
        text = sheet(facts).to_text()
        for agent_words in ("la personne ne peut pas", "pas encore dans l'annuaire", "jamais vérifié",
                            "Informations à vérifier"):
            assert agent_words not in text, (agent_words, text)
    assert "Si vous ne pouvez pas vous déplacer, dites-le" in sheet(
        {"red_flag": "none", "deaf": "no", "need": "consult"}).to_text()


def test_a_deaf_persons_emergency_sheet_says_to_text_the_114_never_to_call_it():
    # The 114 takes SMS, video and chat, not voice calls: the sheet a deaf patient keeps must
    # say "SMS" where it would say "appelez", and its link and QR code must open a text message.
    handout = sheet({"red_flag": "breathing", "deaf": "yes"})
    text, html = handout.to_text(), handout.to_html()
    assert "NUMÉRO À APPELER : 114" not in text
    assert "SMS AU 114" in text and text.index("SMS AU 114") < text.index("1. Écrire le 114")
    assert re.search(r'<p class="numero">Envoyez un SMS au <a href="sms:114">114</a></p>', html)
    assert "tel:114" not in html
    # The 15 below it, for someone nearby who can speak, keeps its call link (and QR code).
    assert handout.phones[:2] == ("114", "15") and handout.actions[:2] == ("sms", "call")
    assert number_link("114", "sms") == "sms:114" and number_link("15", "call") == "tel:15"


def test_a_deaf_persons_emergency_sheet_begins_with_the_sms_to_the_114_not_with_a_call():
    # Its first box began "Appelez le 15 (ou le 112) sans attendre…", the 114 only in its last line:
    # the first words a deaf patient read told them to make a voice call.
    handout = sheet({"red_flag": "stroke", "deaf": "yes"})
    text, html = handout.to_text(), handout.to_html()
    body = text.split("\n", 2)[2]  # after the title and its underline
    assert body.startswith("Envoyez un SMS au 114"), body[:120]
    assert body.index("SMS AU 114") < body.index("Appelez le 15") if "Appelez le 15" in body else True
    first_box = html[html.index('class="urgence"'):html.index("</p>", html.index('class="urgence"'))]
    assert "Envoyez un SMS au 114" in first_box and not first_box.split(">", 1)[1].startswith("Appelez"), first_box
    assert "qui peut parler" in first_box and "15" in first_box  # someone beside them calls the 15
    # A hearing patient's box is unchanged.
    assert sheet({"red_flag": "stroke", "deaf": "no"}).to_text().split("\n", 2)[2].startswith(WHEN_TO_CALL_15)


def test_a_line_without_a_number_never_tells_the_patient_to_call_it():
    # A health centre without a phone said on the sheet "Adresse et horaires à confirmer : pas de numéro
    # connu." then "Adresse et horaires à confirmer : appelez avant de vous déplacer.": call what?
    from datetime import datetime

    from orient.orientation import NO_PHONE_ADVICE
    from orient.periods import PARIS

    facts = {"red_flag": "none", "deaf": "no", "need": "find_gp", "has_gp": "no", "age": 40}
    answer = orient(knowledge(), facts, datetime(2026, 11, 24, 10, 0, tzinfo=PARIS),
                    knowledge().gazetteer.resolve("masseube"))
    handout = build_handout(answer)
    without_phone = [(headline, details) for (headline, details), phone in zip(handout.steps, handout.phones)
                     if not phone]
    assert any(NO_PHONE_ADVICE in details for _, details in without_phone), handout.steps
    for headline, details in without_phone:
        assert not any("appelez avant" in d for d in details), (headline, details)
