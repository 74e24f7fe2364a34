"""received_award on our own sentences: verbs, givers, years, lists, and hard negatives."""
from __future__ import annotations

import pytest

from pipeline.relations import extract_documents
from pipeline.types import Document


def _awards(text: str, date: str | None = "2021-06-01"):
    (res,) = list(extract_documents([Document(id="t", text=text, date=date)]))
    return [r for r in res.relations if r.type == "received_award"]


@pytest.mark.parametrize("text, recipient, award, giver, year", [
    ("Mei Tanaka received the Golden Lantern Prize in 2018 from the Ministry of Industry and Information Technology.",
     "Mei Tanaka", "Golden Lantern Prize", "Ministry of Industry and Information Technology", 2018),
    ("Mei Tanaka won the Harbor Innovation Award last year.", "Mei Tanaka", "Harbor Innovation Award", None, 2020),
    ("Mei Tanaka was awarded the Order of the Silver Crane by the Ministry of Economy, Trade and Industry in 2016.",
     "Mei Tanaka", "Order of the Silver Crane", "Ministry of Economy, Trade and Industry", 2016),
    ("The Blue Meridian Medal was conferred on Daniel Okafor by the European Commission in 2020.",
     "Daniel Okafor", "Blue Meridian Medal", "European Commission", 2020),
    ("Daniel Okafor was honoured by the State Council with the National Builder Award in 2012.",
     "Daniel Okafor", "National Builder Award", "State Council", 2012),
    ("Mei Tanaka was given the Pioneer Medal in 2014.", "Mei Tanaka", "Pioneer Medal", None, 2014),
    ("Mei Tanaka was named Entrepreneur of the Year by the Osaka Chamber of Commerce in 2013.",
     "Mei Tanaka", "Entrepreneur of the Year", "Osaka Chamber of Commerce", 2013),
])
def test_award_wordings(text, recipient, award, giver, year):
    got = _awards(text)
    assert [(r.args["recipient"], r.args["award"], r.args["conferred_by"], r.args["year"]) for r in got] == \
        [(recipient, award, giver, year)]
    ev = got[0].evidence[0]
    assert text[ev.start:ev.end] == ev.sentence


def test_among_them_list():
    text = ("Lin Bo received the Silver Lotus Award in 2019 from the State Council.\n"
            "The 2019 edition honoured 40 founders, among them Velora founder Anna Wirth and Quandry chairman Jonas Keel.")
    got = {r.args["recipient"] for r in _awards(text)}
    assert got == {"Lin Bo", "Anna Wirth", "Jonas Keel"}


def test_last_year_needs_the_article_date():
    assert _awards("Mei Tanaka won the Harbor Innovation Award last year.", date=None)[0].args["year"] is None


@pytest.mark.parametrize("text", [
    "Mei Tanaka denied receiving the Golden Lantern Prize.",
    "Mei Tanaka did not win the Harbor Innovation Award.",
    # an award given BY a company names no recipient we can cite, and the giver is never the recipient
    "Lumetric awarded its Supplier of the Year Prize to a logistics firm.",
    "If Mei Tanaka wins the Harbor Innovation Award, the firm will celebrate.",
    "Mei Tanaka won a gold medal at the regional games.",
])
def test_award_negatives(text):
    assert _awards(text) == []


@pytest.mark.parametrize("text, expected", [
    ("Rosa Lindqvist (born 1961) is a Swedish chemist. In 2004 she received the Berzelius Medal.",
     {("Rosa Lindqvist", "Berzelius Medal", 2004)}),
    ("Rosa Lindqvist has received the Berzelius Medal and the Halden Prize, as well as an Emmy Award.",
     {("Rosa Lindqvist", "Berzelius Medal", None), ("Rosa Lindqvist", "Halden Prize", None),
      ("Rosa Lindqvist", "Emmy Award", None)}),
    ("Berzelius Medal and Halden Prize recipient Rosa Lindqvist opened the session.",
     {("Rosa Lindqvist", "Berzelius Medal", None), ("Rosa Lindqvist", "Halden Prize", None)}),
    ("Rosa Lindqvist (born 1961) is a chemist who was inducted into the Nordic Science Hall of Fame in 2015.",
     {("Rosa Lindqvist", "Nordic Science Hall of Fame", 2015)}),
])
def test_more_award_wordings(text, expected):
    assert {(r.args["recipient"], r.args["award"], r.args["year"]) for r in _awards(text)} == expected


def test_recipient_list_shares_the_last_award():
    text = ("Lin Bo received the Silver Lotus Award in 2019 from the State Council.\n"
            "Other founders who also made the cut include Anna Wirth of Velora Inc., Jonas Keel of Quandry Corp.")
    got = {(r.args["recipient"], r.args["award"], r.args["conferred_by"], r.args["year"]) for r in _awards(text)}
    assert got == {(n, "Silver Lotus Award", "State Council", 2019) for n in ("Lin Bo", "Anna Wirth", "Jonas Keel")}


@pytest.mark.parametrize("text, expected", [
    # a conjoined verb takes the first verb's subject
    ("Tomas Varga was born in Brno and won the Carnegie Medal in 1990.",
     {("Tomas Varga", "Carnegie Medal")}),
    # a lowercase adjective inside a French name belongs to it
    ("In 1990, Claire Dubois received the Prix de l’Europe méridionale awarded by the academy.",
     {("Claire Dubois", "Prix de l’Europe méridionale")}),
])
def test_work_and_clause_wordings(text, expected):
    assert {(r.args["recipient"], r.args["award"]) for r in _awards(text)} == expected


@pytest.mark.parametrize("text, expected", [
    # a person "by" after a person recipient is the presenter, not a second recipient
    ("The Pioneer Medal was awarded to Anna Berg by President Kallas in 2012.", {("Anna Berg", "Pioneer Medal")}),
    ("President Kallas presented the Pioneer Medal to Anna Berg.", {("Anna Berg", "Pioneer Medal")}),
])
def test_more_recipients(text, expected):
    assert {(r.args["recipient"], r.args["award"]) for r in _awards(text)} == expected


@pytest.mark.parametrize("text", [
    "Paul Marchand won a gold medal in the Super-G race at the Winter Games.",
    "Paul Marchand was nominated for the Harbor Innovation Award in 2019.",
    "Paul Marchand was shortlisted for the Berzelius Medal.",
    "The Harbor Innovation Award was named after Paul Marchand.",
    "Lumetric gives the Supplier of the Year Prize each spring.",
])
def test_more_award_negatives(text):
    assert _awards(text) == []


@pytest.mark.parametrize("text, expected", [
    (("Maria Lenz (born 1950) is an actress. In 1988 she starred in Dark Water, for which she won Best Actress at the "
      "Golden Reel Awards."), {("Maria Lenz", "Best Actress")}),
])
def test_film_categories(text, expected):
    assert {(r.args["recipient"], r.args["award"]) for r in _awards(text)} == expected


@pytest.mark.parametrize("text", [
    "Maria Lenz was nominated for Best Actress at the Golden Reel Awards.",
    "The film received nominations for Best Director and Best Actress (for Mara Quill).",
])
def test_film_category_negatives(text):
    assert _awards(text) == []


@pytest.mark.parametrize("text, expected", [
    # a lowercase description after the comma is not a class
    ("Ken Ito received the Order of Canada, the country's top honour.", {("Ken Ito", "Order of Canada", None)}),
    ("Lumetric marked its anniversary by awarding the Supplier of the Year Prize.", set()),
])
def test_lowercase_descriptions(text, expected):
    assert {(r.args["recipient"], r.args["award"], r.args["conferred_by"]) for r in _awards(text)} == expected


_BIO = "Lena Ortiz (born 1970) is a Mexican actress. "


@pytest.mark.parametrize("text, expected", [
    ("Her performance earned her the Silver Bear Award for Best Actress.", {("Lena Ortiz", "Silver Bear Award for Best Actress")}),
    ("The role won her a Golden Globe Award in 1999.", {("Lena Ortiz", "Golden Globe Award")}),
    ("She is a three-time Grammy Award winner.", {("Lena Ortiz", "Grammy Award")}),
    ("She was voted Footballer of the Year in 2005.", {("Lena Ortiz", "Footballer of the Year")}),
    # award names in other languages, lowercase connectors and elisions included
    ("She was awarded the Premio Nacional de Literatura in 1999.", {("Lena Ortiz", "Premio Nacional de Literatura")}),
    ("She was made a Chevalier of the Légion d'honneur in 2004.", {("Lena Ortiz", "Chevalier of the Légion d'honneur")}),
    ("Her honours include the Order of Isabella the Catholic and the Medalla de Oro al Mérito en las Bellas Artes.",
     {("Lena Ortiz", "Order of Isabella the Catholic"), ("Lena Ortiz", "Medalla de Oro al Mérito en las Bellas Artes")}),
    ("She was made a Commendatore of the Order of Merit of the Italian Republic.",
     {("Lena Ortiz", "Commendatore of the Order of Merit of the Italian Republic")}),
    ("She and her husband Carlos Ruiz won the Ariel Award for Best Screenplay.",
     {("Lena Ortiz", "Ariel Award for Best Screenplay"), ("Carlos Ruiz", "Ariel Award for Best Screenplay")}),
    ("In 2003 she became the first woman to win the Ariel Award for Best Director.",
     {("Lena Ortiz", "Ariel Award for Best Director")}),
    ("She hopes to become the first woman to win the Ariel Award.", set()),
    ("She lost the Ariel Award to Maria Luna.", set()),
    ("She served on the jury of the Cannes Film Festival, which awards the Palme d'Or.", set()),
    ("She received an Academy Award nomination for Best Actress.", set()),
    # a college fellowship is a post; a place named Santa Cruz is no cross
    ("She was elected a Fellow of Trinity College in 1990.", set()),
    ("Among her honours were the Ariel Award and a visit to Santa Cruz.", {("Lena Ortiz", "Ariel Award")}),
    ("In 2007 she was designated a UNESCO Artist for Peace.", {("Lena Ortiz", "UNESCO Artist for Peace")}),
    ("She was declared Player of the Match.", {("Lena Ortiz", "Player of the Match")}),
    ("In 2007 she was nominated Artist for Peace.", set()),  # 'nominate' stays a nomination
    # the indirect object is a company, not the subject
    ("She won Lumetric Corp. a Supplier of the Year Prize.", set()),
    ("She was nominated for the Premio Nacional de Literatura.", set()),
])
def test_bio_wordings(text, expected):
    assert {(r.args["recipient"], r.args["award"]) for r in _awards(_BIO + text)} == expected


_PHYS = "Ravi Menon (born 1950) is an Indian physicist. "


@pytest.mark.parametrize("text, expected", [
    ("He is a recipient of the Padma Bhushan, India's third highest civilian award.", {("Ravi Menon", "Padma Bhushan", None)}),
    ("He was awarded the Padma Shri in 1990 and the Padma Vibhushan in 2005.",
     {("Ravi Menon", "Padma Shri", 1990), ("Ravi Menon", "Padma Vibhushan", 2005)}),
    ("He was elected a Fellow of the Royal Society in 1985.", {("Ravi Menon", "Fellow of the Royal Society", 1985)}),
    ("In 1975 he was made a Hero of Socialist Labour.", {("Ravi Menon", "Hero of Socialist Labour", 1975)}),
    ("He has received several awards, including the Dirac Medal and the Wolf Prize in Physics.",
     {("Ravi Menon", "Dirac Medal", None), ("Ravi Menon", "Wolf Prize in Physics", None)}),
    ("He won many honours such as the Dirac Medal and the Wolf Prize.",
     {("Ravi Menon", "Dirac Medal", None), ("Ravi Menon", "Wolf Prize", None)}),
])
def test_lists_and_national_honours(text, expected):
    assert {(r.args["recipient"], r.args["award"], r.args["year"]) for r in _awards(_PHYS + text)} == expected


@pytest.mark.parametrize("text, expected", [
    ("Mario Bianchi, Commendatore OMRI, (born 4 May 1950) is an Italian football manager.",
     {("Mario Bianchi", "Commendatore OMRI")}),
    ("Mario Bianchi, Knight of the Order of Merit, (born 1950) is an Italian chemist.",
     {("Mario Bianchi", "Knight of the Order of Merit")}),
    # a list of titles that happens to hold a cue word is not an honour after a name
    ("He scored films such as The Incredibles, Ratatouille, Star Trek, Up and Coco.", set()),
])
def test_postnominal_honours(text, expected):
    assert {(r.args["recipient"], r.args["award"]) for r in _awards(text)} == expected


_CHEM = "Lena Ortiz (born 1970) is a Mexican chemist. "


@pytest.mark.parametrize("text, expected", [
    ("She shared the 1995 Nobel Prize in Chemistry with Paul Crane and Ian Holt.",
     {(n, "Nobel Prize in Chemistry") for n in ("Lena Ortiz", "Paul Crane", "Ian Holt")}),
    ("She shared the Ariel Award with her team.", {("Lena Ortiz", "Ariel Award")}),
    ("She took home the Ariel Award for Best Actress in 1999.", {("Lena Ortiz", "Ariel Award for Best Actress")}),
    ("She picked up the Ariel Award for Best Actress in 1999.", {("Lena Ortiz", "Ariel Award for Best Actress")}),
    ("The Ariel Award for Best Actress went to Lena Ortiz.", {("Lena Ortiz", "Ariel Award for Best Actress")}),
    ("She went to the Ariel Awards with Paul Crane.", set()),
    ("She picked up the Ariel Award on behalf of her director, who was ill.", set()),
])
def test_phrasal_and_shared(text, expected):
    assert {(r.args["recipient"], r.args["award"]) for r in _awards(_CHEM + text)} == expected


_SOLDIER = "Arjun Rao (born 1950) is an Indian soldier and writer. "


@pytest.mark.parametrize("text, expected", [
    ("He was the first Indian to receive the Nobel Prize in Literature.", {("Arjun Rao", "Nobel Prize in Literature")}),
    ("He became the first Indian to be awarded the Fields Medal.", {("Arjun Rao", "Fields Medal")}),
    ("Among the honours he received are the Order of Lenin and the Order of the Red Star.",
     {("Arjun Rao", "Order of Lenin"), ("Arjun Rao", "Order of the Red Star")}),
    # the team he won it with is not part of the trophy's name
    ("He won the Stanley Cup with the Montreal Canadiens in 1976.", {("Arjun Rao", "Stanley Cup")}),
    ("He was posthumously awarded the Param Vir Chakra.", {("Arjun Rao", "Param Vir Chakra")}),
    ("He wanted to be the first Indian to win the Fields Medal.", set()),
    ("He was twice nominated for the Booker Prize but never won.", set()),
    ("The Rao Medal, established in his honour, is awarded by the Indian Academy.", set()),
])
def test_first_to_win_and_lists(text, expected):
    assert {(r.args["recipient"], r.args["award"]) for r in _awards(_SOLDIER + text)} == expected


_ACTRESS = "Rita Moreno Vale (born 1931) is an American actress. "


@pytest.mark.parametrize("text, expected", [
    ("She has been honoured with the Kennedy Center Honors.", {("Rita Moreno Vale", "Kennedy Center Honors")}),
    ("She is one of the few performers to have won an Emmy, a Grammy, and a Tony Award.",
     {("Rita Moreno Vale", "Emmy"), ("Rita Moreno Vale", "Grammy"), ("Rita Moreno Vale", "Tony Award")}),
    ("The Emmy Award was awarded to her in 1977.", {("Rita Moreno Vale", "Emmy Award")}),
    ("She earned a place in the Guinness World Records.", set()),
    ("She was named the league's Most Valuable Player in 2008.", {("Rita Moreno Vale", "Most Valuable Player")}),
])
def test_actress_wordings(text, expected):
    assert {(r.args["recipient"], r.args["award"]) for r in _awards(_ACTRESS + text)} == expected


@pytest.mark.parametrize("text, expected", [
    ("Anna Wirth took the Turing Award in 2019.", {("Anna Wirth", "Turing Award")}),
    ("Anna Wirth landed the Builder Award.", {("Anna Wirth", "Builder Award")}),
    ("Anna Wirth was inducted into the Internet Hall of Fame in 2012.", {("Anna Wirth", "Internet Hall of Fame")}),
    ("The winners of the 2019 Builder Award were Anna Wirth, Bo Li and Cy Wu.",
     {("Anna Wirth", "Builder Award"), ("Bo Li", "Builder Award"), ("Cy Wu", "Builder Award")}),
    ("Recipients of the 2019 Builder Award include Anna Wirth and Bo Li.",
     {("Anna Wirth", "Builder Award"), ("Bo Li", "Builder Award")}),
    ("This year's Builder Award recipients are Anna Wirth, Bo Li and Cy Wu.",
     {("Anna Wirth", "Builder Award"), ("Bo Li", "Builder Award"), ("Cy Wu", "Builder Award")}),
    ("MIIT gave the Builder Award to Anna Wirth, Bo Li and Cy Wu.",
     {("Anna Wirth", "Builder Award"), ("Bo Li", "Builder Award"), ("Cy Wu", "Builder Award")}),
    ("Anna Wirth was among the winners of the Builder Award.", {("Anna Wirth", "Builder Award")}),
    ("Anna Wirth was one of five winners of the Builder Award.", {("Anna Wirth", "Builder Award")}),
    ("Sir Anna Wirth OBE, the founder of Vexor Inc., spoke.", {("Anna Wirth", "Order of the British Empire")}),
    # not awards: a nomination, a loss, an award given by the recipient
    ("Anna Wirth was among the nominees for the Builder Award.", set()),
    ("The winners of the Builder Award were not announced.", set()),
])
def test_recipient_lists_and_general_wordings(text, expected):
    assert {(r.args["recipient"], r.args["award"]) for r in _awards(text)} == expected


# Technology-news wordings (issue 9): conferring bodies, "took", "was named ... of the year",
# inductions, post-nominal honours, recipient lists; written for this project.
@pytest.mark.parametrize("text, expected", [
    ("The Ministry of Industry and Information Technology (MIIT) held a gala. "
     "Xu Ming was awarded the National Science and Technology Progress Prize by MIIT in 2018.",
     {("Xu Ming", "National Science and Technology Progress Prize", "Ministry of Industry and Information Technology", 2018)}),
    ("Orvane founder Priya Shah received the ministry's Digital Pioneer Award last year.",
     {("Priya Shah", "Digital Pioneer Award", "ministry", 2020)}),
    ("The European Commission honoured Daniel Okafor with the Blue Meridian Medal in 2020.",
     {("Daniel Okafor", "Blue Meridian Medal", "European Commission", 2020)}),
    ("Chipmaker boss Tomas Varga took the Semiconductor Leadership Award at a gala in Taipei in 2019.",
     {("Tomas Varga", "Semiconductor Leadership Award", None, 2019)}),
    ("Lumetric chief executive Ana Ruiz was named Innovator of the Year by the Lisbon Chamber of Commerce.",
     {("Ana Ruiz", "Innovator of the Year", "Lisbon Chamber of Commerce", None)}),
    ("Mei Tanaka, who was inducted into the Robotics Hall of Fame in 2017, will chair the panel.",
     {("Mei Tanaka", "Robotics Hall of Fame", None, 2017)}),
    ("Turing Award winner Jonas Keel joined the board of Quandry Corp.",
     {("Jonas Keel", "Turing Award", None, None)}),
    ("Grace Holm, a recipient of the Presidential Medal of Freedom, spoke first.",
     {("Grace Holm", "Presidential Medal of Freedom", None, None)}),
    ("Pulitzer Prize-winning journalist Anna Berg joined the paper in 2019.",
     {("Anna Berg", "Pulitzer Prize", None, 2019)}),
    ("Anna Berg, the Emmy Award-winning producer, spoke.", {("Anna Berg", "Emmy Award", None, None)}),
    ("Anna Berg has won three Grammy Awards.", {("Anna Berg", "Grammy Awards", None, None)}),
    ("Anna Berg won two Oscars and an Emmy.", {("Anna Berg", "Oscars", None, None), ("Anna Berg", "Emmy", None, None)}),
    ("Oscar winner Helena Voss will star in the new production.", {("Helena Voss", "Oscar", None, None)}),
    ("Mia Stern took home the Palme d'Or for her second feature.", {("Mia Stern", "Palme d'Or", None, None)}),
    ("Kinetix Motors won the Harbor Innovation award at the Lisbon summit.",
     {("Kinetix Motors", "Harbor Innovation award", None, None)}),
    ("The State Council gave the Outstanding Entrepreneur Award to Lin Bo and Wu Fei in 2019.",
     {("Lin Bo", "Outstanding Entrepreneur Award", "State Council", 2019),
      ("Wu Fei", "Outstanding Entrepreneur Award", "State Council", 2019)}),
])
def test_tech_news_award_wordings(text, expected):
    got = {(r.args["recipient"], r.args["award"], r.args["conferred_by"], r.args["year"]) for r in _awards(text)}
    assert got == expected


@pytest.mark.parametrize("text", [
    "Quandry Corp. won a contract to supply chips to the ministry.",
    "Priya Shah was named chief executive of Orvane in 2019.",
    "The Digital Pioneer Award is given each year by the ministry.",
    "Mei Tanaka hopes to win the Robotics Award next year.",
    "Mei Tanaka was shortlisted for the Innovator of the Year award.",
    "Jonas Keel presented the Turing Award at the ceremony.",
    "The award-winning chef Anna Berg opened a restaurant.",
    "Anna Berg took the Nobel Prize committee to court.",
    "Anna Berg hosted the Grammy Awards in 2019.",
    "Mr. Varga was nominated for an Academy Award in 1992.",
    "She was a finalist for the Pulitzer Prize.",
])
def test_tech_news_award_negatives(text):
    assert _awards(text) == []


# Issue 9, awards that generalize: news wordings written for these tests (helper aw).
@pytest.mark.parametrize("text, expected", [
    # awards-night categories in lower case: "took home", "was named", "went to", "who won"
    ("Mara Quill took home best director for her debut feature.", {("Mara Quill", "best director")}),
    ("Ivo Brandt and Lena Ortiz were named best actor and best actress on Sunday.",
     {("Ivo Brandt", "best actor"), ("Lena Ortiz", "best actress")}),
    ("Lena Ortiz was named best supporting actress for playing a divorce lawyer.",
     {("Lena Ortiz", "best supporting actress")}),
    ("The award for best actor went to Ivo Brandt for his role as a fisherman.", {("Ivo Brandt", "best actor")}),
    ("Ivo Brandt, who won best actor, was not at the ceremony.", {("Ivo Brandt", "best actor")}),
    ("Lena Ortiz accepted the best television comedy actress statuette.",
     {("Lena Ortiz", "best television comedy actress")}),
    ("Ivo Brandt was given a lifetime achievement award at the guild dinner.",
     {("Ivo Brandt", "lifetime achievement award")}),
    ("Kevin Durant, a four-time M.V.P., scored 30 points.", {("Kevin Durant", "M.V.P.")}),
    # a bare famous name; plural kept as written
    ("Ivo Brandt has won eight Tonys and a Pulitzer.", {("Ivo Brandt", "Tonys"), ("Ivo Brandt", "Pulitzer")}),
    # "or" inside a name; a second award after "or" is split off
    ("Paul Crane won the Nobel Prize in Physiology or Medicine in 1990.", {("Paul Crane", "Nobel Prize in Physiology or Medicine")}),
    # passive with the winners after "by"
    ("The Halden Prize was shared by Anna Wirth and Bo Li.", {("Anna Wirth", "Halden Prize"), ("Bo Li", "Halden Prize")}),
    # a country before "'s" owns the prize, it is not part of its name
    ("Ivo Brandt, who has twice won Britain's Booker Prize, moved to Lisbon.", {("Ivo Brandt", "Booker Prize")}),
    # decorations without a cue word
    ("Sgt. Ivo Brandt earned a Silver Star in 1969.", {("Ivo Brandt", "Silver Star")}),
    ("Anna Wirth was appointed to the Order of New Zealand in 2024.", {("Anna Wirth", "Order of New Zealand")}),
    ("Anna Wirth received a Guggenheim fellowship in 2010.", {("Anna Wirth", "Guggenheim fellowship")}),
])
def test_news_award_wordings(text, expected):
    assert {(r.args["recipient"], r.args["award"]) for r in _awards(text)} == expected


@pytest.mark.parametrize("text, recipient, award, giver", [
    ("The French government made the cellist Lena Ortiz a Commander of the Legion of Honour.",
     "Lena Ortiz", "Commander of the Legion of Honour", "French government"),
    ("The Lagos Chamber of Commerce named Adaeze Nwosu its Entrepreneur of the Year.",
     "Adaeze Nwosu", "Entrepreneur of the Year", "Lagos Chamber of Commerce"),
    ("Mei Tanaka was named Woman of the Year by Glamour magazine.", "Mei Tanaka", "Woman of the Year", "Glamour magazine"),
])
def test_news_award_givers(text, recipient, award, giver):
    assert [(r.args["recipient"], r.args["award"], r.args["conferred_by"]) for r in _awards(text)] == \
        [(recipient, award, giver)]


@pytest.mark.parametrize("text", [
    "Ivo Brandt, who was nominated for an Oscar for best actor, lost to Lena Ortiz.",
    "The best actor in the film is Ivo Brandt.",
    "Critics had expected Mara Quill to win best director, but she was not even nominated.",
    "Mara Quill has a good chance to win the Golden Globe.",
    "Mei Tanaka was appointed to the Nobel Committee in 2015.",
    "Anna Wirth was appointed to the board of Vexor in 2019.",
    "The city named Mei Tanaka its chief planner.",
    "Ivo Brandt is nominated for best director.",
])
def test_news_award_negatives(text):
    assert _awards(text) == []


@pytest.mark.parametrize("text, expected", [
    # "accepted it on behalf of X": X won it, the one who collects it did not
    ("Ivo Brandt accepted the Andrew Gemant Award on behalf of Carl Sagan.", {("Carl Sagan", "Andrew Gemant Award")}),
    # "A and B, both winners of C": each of them
    ("Yo-Yo Ma and Itzhak Perlman, both winners of the Kennedy Center Honors, performed.",
     {("Yo-Yo Ma", "Kennedy Center Honors"), ("Itzhak Perlman", "Kennedy Center Honors")}),
    # "A of the Mariners and B of the Cardinals": the second name hangs on the first team
    ("The rookie of the year awards went to Ichiro Suzuki of the Seattle Mariners and Albert Pujols of the St. Louis Cardinals.",
     {("Ichiro Suzuki", "rookie of the year awards"), ("Albert Pujols", "rookie of the year awards")}),
    # lowercase "<noun> of the year" with its modifiers
    ("Serena Williams was named female athlete of the year for the fifth time.",
     {("Serena Williams", "female athlete of the year")}),
])
def test_news_award_recipients(text, expected):
    assert {(r.args["recipient"], r.args["award"]) for r in _awards(text)} == expected


@pytest.mark.parametrize("text, expected", [
    # a title in quotes is a work that can win
    ("“Parasite” won best picture, and its director, Bong Joon-ho, took home best director.",
     {("Parasite", "best picture"), ("Bong Joon-ho", "best director")}),
    ("South Korean thriller “Parasite” was the upset winner at the Screen Actors Guild awards on Sunday.",
     {("Parasite", "Screen Actors Guild awards")}),
    # a closing quote before a name does not make the name a title
    ("“It was a difficult part,” said Ivo Brandt, who won the Golden Lion.", {("Ivo Brandt", "Golden Lion")}),
    ("Alice Munro, the Canadian short-story writer, was named the winner of the Nobel Prize in Literature.",
     {("Alice Munro", "Nobel Prize in Literature")}),
])
def test_news_award_works_and_winners(text, expected):
    assert {(r.args["recipient"], r.args["award"]) for r in _awards(text)} == expected


def test_category_awards_in_an_article():
    """Sentences with only lowercase categories are selected and read."""
    text = ("The gala ran late. Brad Pitt picked up the supporting actor prize. Mara Quill took home best director. "
            "Ivo Brandt won the film award.")
    assert {(r.args["recipient"], r.args["award"]) for r in _awards(text)} == \
        {("Brad Pitt", "supporting actor prize"), ("Mara Quill", "best director")}


def test_share_of_a_prize():
    text = "Demis Hassabis and John Jumper shared half of the 2024 Nobel Prize in Chemistry with David Baker."
    assert {(r.args["recipient"], r.args["award"]) for r in _awards(text)} == \
        {(n, "Nobel Prize in Chemistry") for n in ("Demis Hassabis", "John Jumper", "David Baker")}


@pytest.mark.parametrize("text, expected", [
    # past winners of the award named before: the award, not its year
    ("Ed Catmull won the Turing Award in 2020. Previous winners of the prize include Tim Berners-Lee.",
     {("Ed Catmull", "Turing Award", 2020), ("Tim Berners-Lee", "Turing Award", None)}),
    # a list sentence that names its own award does not point back
    ("Ed Catmull won the Turing Award in 2020. Previous winners of the Gordon Prize include Tim Berners-Lee.",
     {("Ed Catmull", "Turing Award", 2020), ("Tim Berners-Lee", "Gordon Prize", None)}),
])
def test_past_winners_lists(text, expected):
    assert {(r.args["recipient"], r.args["award"], r.args["year"]) for r in _awards(text)} == expected


@pytest.mark.parametrize("text, award", [
    # a lower-case category after the name belongs to it; "for his role" does not
    ("Ivo Brandt won the Academy Award for best actor in 2005.", "Academy Award for best actor"),
    ("Colson Whitehead won the Pulitzer Prize for fiction.", "Pulitzer Prize for fiction"),
    ("Lena Ortiz won the Nobel Prize in physics for her work.", "Nobel Prize in physics"),
    ("Ivo Brandt won the Oscar for his role in the film.", "Oscar"),
    ("Lena Ortiz won the Nobel Prize in 2001.", "Nobel Prize"),
])
def test_category_after_the_name(text, award):
    assert [r.args["award"] for r in _awards(text)] == [award]


@pytest.mark.parametrize("text, expected", [
    # a rank or honorific before the name is no part of the recipient
    ("The Silver Star went to Sgt. Marisol Ibarra of the 3rd Infantry Division.", {("Marisol Ibarra", "Silver Star")}),
    ("Staff Sgt. Owen Pratt received the Bronze Star in 2012.", {("Owen Pratt", "Bronze Star")}),
    ("The Navy Cross was presented to Capt. Elena Varga on Monday.", {("Elena Varga", "Navy Cross")}),
    ("Lt. Col. Hal Brenner was awarded the Distinguished Service Cross.", {("Hal Brenner", "Distinguished Service Cross")}),
])
def test_rank_before_the_recipient(text, expected):
    assert {(r.args["recipient"], r.args["award"]) for r in _awards(text)} == expected


@pytest.mark.parametrize("text, expected", [
    # 'G awarded X the A': the award name starts after the person
    ("The German government awarded Dr. Miriam Kessler the Federal Cross of Merit in 2021.",
     {("Miriam Kessler", "Federal Cross of Merit", "German government")}),
    ("President Obama presented Dr. Ruth Adler the National Medal of Science.",
     {("Ruth Adler", "National Medal of Science", None)}),
    ("The Royal Institute gave Prof. Tomas Brandt the Faraday Lecture Medal.",
     {("Tomas Brandt", "Faraday Lecture Medal", "Royal Institute")}),
])
def test_ditransitive_award_span(text, expected):
    assert {(r.args["recipient"], r.args["award"], r.args["conferred_by"]) for r in _awards(text)} == expected


@pytest.mark.parametrize("text, expected", [
    # 'G named X its A': the namer confers it
    ("Time magazine named Helen Marsh its Person of the Year in 2019.", {("Helen Marsh", "Person of the Year", "Time")}),
    ("The Harbor Gazette named Mei Tanaka its Citizen of the Year.", {("Mei Tanaka", "Citizen of the Year", "Harbor Gazette")}),
    ("Forbes named Rosa Lindqvist its Businesswoman of the Year.", {("Rosa Lindqvist", "Businesswoman of the Year", "Forbes")}),
])
def test_its_award_names_the_giver(text, expected):
    assert {(r.args["recipient"], r.args["award"], r.args["conferred_by"]) for r in _awards(text)} == expected


@pytest.mark.parametrize("text, expected", [
    # 'as the best ...' after a named award describes it; 'as well as' still lists
    ("Tomas Varga collected the Golden Ball as the best player of the tournament.", {("Tomas Varga", "Golden Ball")}),
    ("Rosa Lindqvist won the Berzelius Medal as well as the Halden Prize.",
     {("Rosa Lindqvist", "Berzelius Medal"), ("Rosa Lindqvist", "Halden Prize")}),
])
def test_as_best_describes_the_award(text, expected):
    assert {(r.args["recipient"], r.args["award"]) for r in _awards(text)} == expected


@pytest.mark.parametrize("text, expected", [
    # New York Times quote marks: ``Title'' is one work, the parse holds
    ("Nadia Orlov's novel ``Salt Roads'' won the Harbor Prize in 2009.", {("Salt Roads", "Harbor Prize")}),
    ("``Quiet Hours'' won best picture at the Academy Awards.", {("Quiet Hours", "best picture")}),
])
def test_nyt_quote_marks(text, expected):
    assert {(r.args["recipient"], r.args["award"]) for r in _awards(text)} == expected


def test_nyt_quote_marks_are_one_token():
    from pipeline.nlp import load_nlp

    doc = load_nlp()("Her novel ``Salt Roads'' won.")
    assert "``" in [t.text for t in doc] and "''" in [t.text for t in doc]


def test_mislabelled_name_in_a_list_of_people():
    # a name the model labelled an organisation, listed with people, is a person; a company stays one
    text = "The Royal Swedish Academy awarded the Linden Prize in Physics to Anne L’Huillier, Pierre Agostini and Ferenc Krausz."
    assert {r.args["recipient"] for r in _awards(text)} == {"Anne L’Huillier", "Pierre Agostini", "Ferenc Krausz"}
    assert {r.args["recipient"] for r in _awards("The Harbor Prize went to Ivo Brandt and Vexor Inc.")} == {"Ivo Brandt", "Vexor"}


@pytest.mark.parametrize("text, expected", [
    # a participle on the award's phrase names the giver
    ("Tomasz Wrona was one of the recipients of the National Innovation Medal presented by Poland's Ministry of "
     "Digital Affairs in 2022.", ("Tomasz Wrona", "National Innovation Medal", "Ministry of Digital Affairs")),
    ("Leila Haddad, a chemist at Karolinska, won the Linnaeus Prize for Green Chemistry, conferred each year by the "
     "Swedish Chemical Society.", ("Leila Haddad", "Linnaeus Prize for Green Chemistry", "Swedish Chemical Society")),
    # a body named inside the award's name gives it
    ("In 2019 Chen Wei received the Gold Medal of the Royal Academy of Marine Engineering.",
     ("Chen Wei", "Gold Medal of the Royal Academy of Marine Engineering", "Royal Academy of Marine Engineering")),
    # a state is the giver of its honours, as the one who gives
    ("Norway awarded Ingrid Solberg the Royal Norwegian Order of Merit in 2017.",
     ("Ingrid Solberg", "Royal Norwegian Order of Merit", "Norway")),
    ("Paolo Serra was made a Commander of the Order of the Star of Italy by Italy in 2017.",
     ("Paolo Serra", "Commander of the Order of the Star of Italy", "Italy")),
])
def test_giver_named_around_the_award(text, expected):
    got = [(r.args["recipient"], r.args["award"], r.args["conferred_by"]) for r in _awards(text)]
    assert expected in got, got


@pytest.mark.parametrize("text, expected", [
    ("Britain's Booker Prize went to the novelist Ruth Kell in 2016.", ("Ruth Kell", "Booker Prize", None)),
    ("Boris Lenk won the Order of the Red Star in 1945.", ("Boris Lenk", "Order of the Red Star", None)),
    ("Leila Haddad won the Harbor Prize for work she did in Sweden.", ("Leila Haddad", "Harbor Prize", None)),
])
def test_no_giver_from_a_place_or_a_name_without_a_body(text, expected):
    got = [(r.args["recipient"], r.args["award"], r.args["conferred_by"]) for r in _awards(text)]
    assert got == [expected], got


@pytest.mark.parametrize("text, expected", [
    ("Akira Nomura received the Minister of Land, Infrastructure and Transport Prize in 2018 for his bridge designs.",
     {("Akira Nomura", "Minister of Land, Infrastructure and Transport Prize")}),
    ("Yuki Mori was given the Minister of Education, Culture, Sports, Science and Technology Award last year.",
     {("Yuki Mori", "Minister of Education, Culture, Sports, Science and Technology Award")}),
    # a list of names stays a list
    ("Ada Brenner won the Copley Medal, Royal Medal and Darwin Medal.",
     {("Ada Brenner", "Copley Medal"), ("Ada Brenner", "Royal Medal"), ("Ada Brenner", "Darwin Medal")}),
])
def test_comma_inside_an_award_name(text, expected):
    assert {(r.args["recipient"], r.args["award"]) for r in _awards(text)} == expected


@pytest.mark.parametrize("text, expected", [
    ("Mira Patel was named one of India's outstanding women scientists by the Indian National Science Academy in 2019.",
     ("Mira Patel", "outstanding women scientists", "Indian National Science Academy")),
    ("The European Commission named Ingrid Halvorsen one of Europe's most innovative women in 2020.",
     ("Ingrid Halvorsen", "most innovative women", "European Commission")),
])
def test_named_one_of_a_bodys_honour_list(text, expected):
    got = [(r.args["recipient"], r.args["award"], r.args["conferred_by"]) for r in _awards(text)]
    assert got == [expected], got


@pytest.mark.parametrize("text", [
    "Bo Li was named one of the best players of the season.",  # no body names the list
    "Bo Li was named one of the defendants by the Securities and Exchange Commission.",
    "The board named Bo Li one of its three directors in 2019.",
])
def test_named_one_of_without_an_honour(text):
    assert _awards(text) == []


@pytest.mark.parametrize("text, expected", [
    ("Marta Lindgren received the Young Scientist Award from the Swedish Research Council in 2022. Lindgren shared "
     "the prize with Anders Holm, a physicist at Uppsala University.",
     {("Marta Lindgren", "Young Scientist Award"), ("Anders Holm", "Young Scientist Award")}),
    ("Tomas Brandt was awarded the Faraday Lecture Medal in 2015. Brandt shared the stage with Ana Ruiz.",
     {("Tomas Brandt", "Faraday Lecture Medal")}),
    ("Tomas Brandt was awarded the Faraday Lecture Medal in 2015. He shared the prize money with his students.",
     {("Tomas Brandt", "Faraday Lecture Medal")}),
])
def test_shared_the_honour_points_back(text, expected):
    assert {(r.args["recipient"], r.args["award"]) for r in _awards(text)} == expected


@pytest.mark.parametrize("text, expected", [
    ("In 2016 Japan conferred the Order of the Rising Sun on Peter Lang.", ("Peter Lang", "Order of the Rising Sun", "Japan")),
    ("The French state made Claire Dubois a Knight of the Legion of Honour.",
     ("Claire Dubois", "Knight of the Legion of Honour", "French state")),
])
def test_a_state_confers_its_honour(text, expected):
    got = [(r.args["recipient"], r.args["award"], r.args["conferred_by"]) for r in _awards(text)]
    assert got == [expected], got


# the giver named outside the award's clause (news shapes): the attribution, the presenter, the next sentence
@pytest.mark.parametrize("text, expected", [
    ("Ines Vidal has won the 2024 Coastal Robotics Prize, the Lisbon Science Foundation said on Friday.",
     {("Ines Vidal", "Coastal Robotics Prize", "Lisbon Science Foundation")}),
    ("Ines Vidal is among this year's winners of the Harbour Builder Award, China's State Council announced.",
     {("Ines Vidal", "Harbour Builder Award", "State Council")}),
    ("Ines Vidal received the Lotus Star Medal from President Arun Mehta at a ceremony in Delhi.",
     {("Ines Vidal", "Lotus Star Medal", "Arun Mehta")}),
    ("Ines Vidal won the Meridian Prize for Engineering. Federal President Karl Weber presented the 50,000-euro "
     "prize in Bonn on Monday.", {("Ines Vidal", "Meridian Prize for Engineering", "Karl Weber")}),
    ("Ines Vidal and Tomas Ruiz shared the Atlas Prize in Engineering. The Royal Academy of Applied Sciences "
     "honoured the two for their work on tidal power.",
     {("Ines Vidal", "Atlas Prize in Engineering", "Royal Academy of Applied Sciences"),
      ("Tomas Ruiz", "Atlas Prize in Engineering", "Royal Academy of Applied Sciences")}),
    ("Ines Vidal will receive the Harbour Prize, the Harbour Prize Foundation said. The foundation cited her work "
     "on desalination.", {("Ines Vidal", "Harbour Prize", "Harbour Prize Foundation")}),
    ("Ines Vidal received the Ministry of Culture's Silver Crescent Award.",
     {("Ines Vidal", "Silver Crescent Award", "Ministry of Culture")}),
    ("The Lisbon Science Foundation gave its Coastal Medal to Ines Vidal, a co-founder of Nortex, and to Tomas Ruiz.",
     {("Ines Vidal", "Coastal Medal", "Lisbon Science Foundation"), ("Tomas Ruiz", "Coastal Medal", "Lisbon Science Foundation")}),
])
def test_giver_outside_the_clause(text, expected):
    assert {(r.args["recipient"], r.args["award"], r.args["conferred_by"]) for r in _awards(text)} == expected


@pytest.mark.parametrize("text", [
    # a company, a newspaper or the winner's own institute reports the news; it does not give the award
    "Ines Vidal, chief engineer at Nortex, has won the Coastal Robotics Prize, Nortex said on Monday.",
    "Ines Vidal has won the Coastal Robotics Prize, the Lisbon Daily Herald reported.",
    "Ines Vidal, a researcher at the Porto Marine Institute, won the Coastal Robotics Prize, the Porto Marine "
    "Institute said.",
    # a later sentence whose subject only congratulates, or is a company
    "Ines Vidal won the Coastal Robotics Prize. President Arun Mehta congratulated her.",
    "Ines Vidal won the Coastal Robotics Prize. Nortex presented the award at a party.",
])
def test_giver_outside_the_clause_negatives(text):
    assert [r.args["conferred_by"] for r in _awards(text)] == [None]
