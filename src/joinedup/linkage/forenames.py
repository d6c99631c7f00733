"""Nicknames and diminutives: when two different forenames can be the same person's.

The base table is the `nicknames` package (about 2,700 English-language name/nickname pairs,
mostly American). It has gaps for UK usage and a few loops ("bill" is listed as a nickname of
"robert" and the other way round), so joinedup adds the UK table below and declares its
canonical names as roots: a root never points to another name.

Two forenames are *nickname-equivalent* when their variant sets overlap. A name's variants are
itself plus the roots it is a direct nickname of; chains are not followed, because the base
table's chains wander ("fred" → "bill" → "william" would make Fred a William).

Judgement calls, documented in docs/matching.md:
- Jock → John is kept: a real Scots diminutive, already in the base table.
- Taff/Taffy is left out: it is a name for any Welsh man, not a diminutive of a forename.
- Hamish → James and Ian → John are kept (Scots forms); Sean/Eoin are not mapped to John,
  because in England they are given names in their own right.
- Spellings of one name (`SPELLINGS`: Mohammed, Mohamed, Mohd) are one name, not nicknames of
  it: each is among the others' variants, so the guardrails that read nicknames never take
  two of them for two names ("two people in one system" reads neither).
"""

from __future__ import annotations

from functools import lru_cache

from nicknames import NickNamer

# canonical forename -> UK diminutives and variants. Earlier entries win the canonical key
# when a diminutive is ambiguous ("fred": Frederick before Alfred).
UK_DIMINUTIVES: dict[str, tuple[str, ...]] = {
    "margaret": ("peggy", "peg", "maggie", "mags", "meg", "madge", "greta", "margo", "maisie"),
    "william": ("bill", "billy", "will", "willie", "willy", "liam", "wills", "gwilym"),
    "james": ("jim", "jimmy", "jimmie", "jamie", "jas", "jem", "hamish", "seumas"),
    "alexander": ("alex", "alec", "alick", "sandy", "sandie", "xander", "sasha"),
    "alexandra": ("alex", "lexi", "lexie", "sandra", "sandy", "sasha", "xandra"),
    "john": ("jack", "jock", "johnny", "johnnie", "jonny", "ian", "jon"),
    "david": ("dave", "davy", "davey", "dai", "dafydd", "dewi"),
    "elizabeth": ("liz", "lizzie", "lizzy", "beth", "betty", "bess", "bessie", "libby", "elsie",
                  "eliza", "betsy", "lisa"),
    "catherine": ("kate", "katie", "katy", "kath", "cath", "cathy", "kathy", "kay", "kitty",
                  "katherine", "kathryn", "catharine", "katharine", "cathryn"),
    "edward": ("ted", "teddy", "ed", "eddie", "eddy", "ned", "iorwerth"),
    "henry": ("harry", "hal", "hank"),
    "harold": ("harry", "hal"),
    "frederick": ("fred", "freddie", "freddy", "fredrick", "frederic"),
    "alfred": ("alf", "alfie", "fred", "freddie"),
    "albert": ("bert", "bertie", "al", "alby", "albie"),
    "robert": ("bob", "bobby", "rob", "robbie", "robby", "bert", "rab", "rabbie"),
    "richard": ("dick", "dickie", "rick", "ricky", "rich", "richie", "ritchie"),
    "thomas": ("tom", "tommy", "thom", "tam"),
    "anthony": ("tony", "ant", "antony"),
    "michael": ("mike", "mick", "micky", "mickey", "mikey", "mickie"),
    "christopher": ("chris", "kit", "topher"),
    "charles": ("charlie", "chas", "chaz", "chuck", "chick"),
    "daniel": ("dan", "danny", "dani"),
    "samuel": ("sam", "sammy"),
    "joseph": ("joe", "joey", "jos", "joss"),
    "benjamin": ("ben", "benny", "benji", "benjy"),
    "nicholas": ("nick", "nicky", "nico", "nicolas"),
    "jonathan": ("jon", "jonny", "johnathan", "jonathon"),
    "matthew": ("matt", "matty", "mat"),
    "patrick": ("pat", "paddy"),
    "stephen": ("steve", "stevie", "steven", "stephan"),
    "timothy": ("tim", "timmy"),
    "andrew": ("andy", "drew"),
    "oliver": ("ollie", "olly", "oli"),
    "archibald": ("archie", "archy"),
    "gerald": ("gerry", "jerry", "ged"),
    "leonard": ("len", "lenny", "leo"),
    "terence": ("terry", "tel"),
    "raymond": ("ray",),
    "ronald": ("ron", "ronnie"),
    "donald": ("don", "donnie"),
    "kenneth": ("ken", "kenny"),
    "douglas": ("doug", "dougie"),
    "gregory": ("greg",),
    "philip": ("phil", "pip", "phillip"),
    "peter": ("pete",),
    "arthur": ("art", "artie", "arty"),
    "walter": ("walt", "wally", "wal"),
    "mary": ("molly", "polly", "mamie", "may", "mae", "maria", "marie"),
    "sarah": ("sally", "sadie", "sara"),
    "susan": ("sue", "susie", "suzy", "suzie", "susanne", "suzanne"),
    "ann": ("anne", "annie", "nan", "nancy", "anna"),
    "deborah": ("debbie", "deb", "debra"),
    "rebecca": ("becky", "becca", "bex"),
    "victoria": ("vicky", "vicki", "vikki", "tori"),
    "jennifer": ("jenny", "jen", "jenna"),
    "jessica": ("jess", "jessie", "jessy"),
    "abigail": ("abby", "abbie", "abi", "gail"),
    "isabel": ("izzy", "issy", "isabelle", "isabella", "isobel", "bella", "izzie"),
    "eleanor": ("ellie", "nell", "nellie", "nora", "elle", "elinor"),
    "helen": ("nell", "nellie", "helena"),
    "dorothy": ("dot", "dottie", "dolly", "dora"),
    "patricia": ("pat", "patsy", "trish", "tricia"),
    "jacqueline": ("jackie", "jacqui", "jacky"),
    "josephine": ("jo", "josie", "jos"),
    "joanne": ("jo", "joanna", "joann"),
    "gillian": ("gill", "jill", "gilly", "jillian"),
    "amanda": ("mandy", "manda"),
    "samantha": ("sam", "sammy", "sammie"),
    "natalie": ("nat", "tash", "natasha", "tasha"),
    "christine": ("chris", "chrissie", "christina", "tina"),
    # British diminutives the base table lacks.
    "agnes": ("aggie", "nessie", "nessa"),
    "barbara": ("babs", "barb", "babette", "basia"),  # Basia: Polish (below)
    "charlotte": ("lottie", "lotte", "lotty"),
    "emily": ("em", "emmy", "millie", "milly"),
    "harriet": ("hattie", "hatty"),
    "henrietta": ("hettie", "etta", "hetty"),
    "herbert": ("herb", "herbie", "bert", "bertie"),
    "hugh": ("hughie", "huey", "huw"),
    "matilda": ("tilly", "tillie", "tilda", "mattie"),
    "norman": ("norrie", "norm"),
    "janet": ("jan", "netta", "jessie"),
    # Welsh, Scots Gaelic and Irish forms of English names, used interchangeably on records
    # (Sean and Eoin are not here: see the module's docstring).
    "owen": ("owain",),
    "griffith": ("gruffydd", "gruffudd"),
    "llewellyn": ("llywelyn", "llewelyn"),
    "rhys": ("rees", "reece", "reese"),
    "francis": ("frank", "frankie", "fran"),
    "ernest": ("ernie", "ern"),
    "reginald": ("reggie", "reg"),
    "montague": ("monty", "monte"),
    "george": ("geordie", "georgie"),
    "georgina": ("georgie", "gina"),
    "caroline": ("carrie", "caro", "caz"),
    "florence": ("florrie", "flo", "flossie"),
    "bertram": ("bertie", "bert"),
    "theodore": ("theo", "ted", "teddy"),
    "juliana": ("julie", "jules"),
    # Polish diminutives (Polish is the commonest main language in England and Wales after
    # English and Welsh, ONS Census 2021): the same woman is Katarzyna on her GP record and
    # Kasia at her child's school. Written without accents, as standardisation folds them
    # (Małgosia).
    # Diminutives that are names in their own right in the UK (Ola, Asia, Ania) are left out.
    "katarzyna": ("kasia", "kasha"),
    "malgorzata": ("gosia", "malgosia"),
    "magdalena": ("magda",),
    "zofia": ("zosia",),
    "jolanta": ("jola",),
    "tomasz": ("tomek",),
    "wojciech": ("wojtek",),
    "krzysztof": ("krzysiek",),
    "piotr": ("piotrek",),
    "jakub": ("kuba",),
    "bartlomiej": ("bartek",),
    "grzegorz": ("grzesiek",),
    "stanislaw": ("staszek",),
    "franciszek": ("franek",),
}
# canonical forename -> other spellings (and the written abbreviation) of that one name. Unlike
# a diminutive, a spelling is the same name: two spellings name one person where two
# diminutives of one name may be twins (Maisie, Daisy). Muhammad's spellings transliterate one
# Arabic name (Mohamud in Somali records; "Mohd" is how many systems shorten it).
SPELLINGS: dict[str, tuple[str, ...]] = {
    "muhammad": ("mohammed", "mohammad", "mohamed", "muhammed", "mohamad", "mohd", "mahomed",
                 "mohamud", "muhamad", "muhamed"),
}
# Every declared canonical name with its diminutives or spellings: the roots of the graph.
_DECLARED: dict[str, tuple[str, ...]] = {**UK_DIMINUTIVES, **SPELLINGS}
# A diminutive is spelt with -y, -ie, -ey or -i as the writer likes (Tommy, Tommie; Bobbi,
# Bobbie): each spelling of one ending is the same name.
_ENDINGS = ("ie", "ey", "y", "i")


# Base-table pairs that do not hold in the UK (Bill is William, not Robert).
_NOT_UK: frozenset[tuple[str, str]] = frozenset(
    {("bill", "robert"), ("billy", "robert"), ("fred", "bill"), ("fred", "billy"),
     ("fred", "will"), ("fred", "willie")}
)


def _base_edges() -> dict[str, set[str]]:
    """nickname -> names it is a nickname of, from the `nicknames` package plus the UK table."""
    edges = {
        name: {parent for parent in parents if (name, parent) not in _NOT_UK}
        for name, parents in NickNamer().canonical_lookup.items()
    }
    for canonical, diminutives in _DECLARED.items():
        for diminutive in diminutives:
            edges.setdefault(diminutive, set()).add(canonical)
    for canonical in _DECLARED:
        # Declared canonicals are roots: this breaks the base table's two-way loops.
        edges.pop(canonical, None)
    return edges


def _terminal_names(edges: dict[str, set[str]]) -> frozenset[str]:
    """Names that every name they reach can reach back (sink components of the graph).

    A plain root has no outgoing edge; names in a loop with no exit ("harry" <-> "henry"
    without the UK table) are terminal together.
    """
    nodes = set(edges) | {parent for parents in edges.values() for parent in parents}
    reach: dict[str, set[str]] = {}
    for node in nodes:
        seen: set[str] = set()
        stack = [node]
        while stack:
            current = stack.pop()
            for parent in edges.get(current, ()):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        reach[node] = seen
    return frozenset(node for node in nodes if all(node in reach[other] for other in reach[node]))


class ForenameTable:
    """Canonical forenames and nickname variants; build once with `forename_table()`."""

    def __init__(self, edges: dict[str, set[str]]) -> None:
        self._edges = edges
        self._terminal = _terminal_names(edges)
        self._popularity: dict[str, int] = {}
        for parents in edges.values():
            for parent in parents:
                self._popularity[parent] = self._popularity.get(parent, 0) + 1
        self._uk_first: dict[str, str] = {}
        for canonical, diminutives in _DECLARED.items():
            for diminutive in diminutives:
                self._uk_first.setdefault(diminutive, canonical)
        self._spellings: dict[str, frozenset[str]] = {}
        for canonical, spellings in SPELLINGS.items():
            group = frozenset((canonical, *spellings))
            for name in group:
                self._spellings[name] = group

    def _roots_of(self, name: str) -> list[str]:
        return sorted(parent for parent in self._edges.get(name, ()) if parent in self._terminal)

    def canonical(self, name: str) -> str:
        """The one canonical forename used as a blocking key ("peggy" -> "margaret").

        Ambiguous diminutives take the UK table's first canonical, else the root with the most
        nicknames (ties alphabetical). Names not in any table are their own canonical.
        """
        if name in _DECLARED:
            return name
        if name in self._uk_first:
            return self._uk_first[name]
        if name in self._terminal or name not in self._edges:
            return name
        roots = self._roots_of(name)
        if not roots:
            return name
        return max(roots, key=lambda root: (self._popularity.get(root, 0), [-ord(c) for c in root]))

    def _known(self, name: str) -> bool:
        return name in self._edges or name in _DECLARED or name in self._popularity

    def _spelling(self, name: str) -> str:
        """A name no table knows, spelt as a diminutive the tables know with another ending
        ("tommie": tommy); else the name. Only for unknown names: the base table already
        gives "bobbie" and "bobby" their own, different, names."""
        if self._known(name):
            return name
        for ending in _ENDINGS:
            stem = name[: -len(ending)]
            if name.endswith(ending) and len(stem) >= 2:
                for other in _ENDINGS:
                    if other != ending and self._known(stem + other):
                        return stem + other
        return name

    def variants(self, name: str) -> tuple[str, ...]:
        """The name, its canonical and the roots it is a direct nickname of, sorted (for an
        unknown spelling of a known diminutive, those of the known one); for a spelling in
        `SPELLINGS`, every spelling of that name."""
        spelling = self._spelling(name)
        found = {name, spelling, self.canonical(spelling), *self._roots_of(spelling),
                 *self._spellings.get(spelling, ())}
        return tuple(sorted(found))

    def equivalent(self, left: str, right: str) -> bool:
        """True when the two forenames can name the same person as nicknames or variants."""
        return bool(set(self.variants(left)) & set(self.variants(right)))


@lru_cache(maxsize=1)
def forename_table() -> ForenameTable:
    """The shared forename table (the base table plus UK diminutives)."""
    return ForenameTable(_base_edges())
