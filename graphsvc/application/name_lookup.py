"""People, organisations and duties found by what a person types: an id, a name, a name's
pinyin in full or by initials (``wangjianguo``, ``wjg``, ``Wang Jianguo``, ``jianguo wang``
for 王建国, the surname read as a surname: 曾 zeng, 单 shan), or a Latin spelling
(case and accents ignored).

One ladder for every entry (path source and target, ``--owner``, ``contacts show``,
``--org``): exact id, then exact name, then pinyin, then a unique part of the name. The
first rung with one match answers; a rung with several raises ``AmbiguousName`` with the
candidates, never a guess. The index is built from what the store given may see, so a
scoped key's lookups neither find nor list anyone outside its reach.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Literal

from pydantic import BaseModel, Field

from graphsvc.domain.model import Contact, Organization, Project, Responsibility, Stage
from graphsvc.store.base import Store, cache_token, read_as
from graphsvc.support.i18n import _

Kind = Literal["contact", "organization", "responsibility"]
EVERY_KIND: tuple[Kind, ...] = ("contact", "organization", "responsibility")

#: readings of surnames whose everyday reading differs (compound surnames split the name)
SURNAMES: dict[str, tuple[str, ...]] = {
    # compound surnames
    "欧阳": ("ou", "yang"),
    "尉迟": ("yu", "chi"),
    "万俟": ("mo", "qi"),
    "长孙": ("zhang", "sun"),
    "单于": ("chan", "yu"),
    "乐正": ("yue", "zheng"),
    "司马": ("si", "ma"),
    "上官": ("shang", "guan"),
    "诸葛": ("zhu", "ge"),
    "夏侯": ("xia", "hou"),
    "皇甫": ("huang", "fu"),
    "令狐": ("ling", "hu"),
    "慕容": ("mu", "rong"),
    "东方": ("dong", "fang"),
    "公孙": ("gong", "sun"),
    "澹台": ("tan", "tai"),
    "端木": ("duan", "mu"),
    "宇文": ("yu", "wen"),
    "司徒": ("si", "tu"),
    "司空": ("si", "kong"),
    "轩辕": ("xuan", "yuan"),
    "钟离": ("zhong", "li"),
    "闻人": ("wen", "ren"),
    "南宫": ("nan", "gong"),
    "赫连": ("he", "lian"),
    "西门": ("xi", "men"),
    "呼延": ("hu", "yan"),
    "独孤": ("du", "gu"),
    "申屠": ("shen", "tu"),
    "淳于": ("chun", "yu"),
    "百里": ("bai", "li"),
    "公冶": ("gong", "ye"),
    "宗政": ("zong", "zheng"),
    "濮阳": ("pu", "yang"),
    "太叔": ("tai", "shu"),
    "拓跋": ("tuo", "ba"),
    # single surnames read otherwise than the character usually is
    "单": ("shan",),
    "曾": ("zeng",),
    "解": ("xie",),
    "仇": ("qiu",),
    "朴": ("piao",),
    "查": ("zha",),
    "区": ("ou",),
    "乐": ("yue",),
    "覃": ("qin",),
    "盖": ("ge",),
    "缪": ("miao",),
    "秘": ("bi",),
    "种": ("chong",),
    "重": ("chong",),
    "翟": ("zhai",),
    "召": ("shao",),
    "都": ("du",),
    "阚": ("kan",),
    "繁": ("po",),
    "尉": ("yu",),
    "员": ("yun",),
    "贠": ("yun",),
    "华": ("hua",),
    "纪": ("ji",),
    "燕": ("yan",),
    "冼": ("xian",),
    "石": ("shi",),
    "瞿": ("qu",),
    "折": ("she",),
    "那": ("na",),
    "粘": ("nian",),
    "藏": ("zang",),
    "宿": ("su",),
    "柏": ("bai",),
    "牟": ("mou",),
    "隗": ("wei",),
    "句": ("gou",),
    "佴": ("nai",),
    "过": ("guo",),
    "沈": ("shen",),
    "卜": ("bu",),
    "薄": ("bo",),
    "贾": ("jia",),
}

#: names longer than this are not people's: their syllables are read in one order only
PERSON_SYLLABLES = 4

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NOT_WORD = re.compile(r"[\W_]+")
_LATIN_QUERY = re.compile(r"[a-z]+")
#: what a person types to find a name: letters of any script, digits, spaces, - . ' ·
_PLAIN_QUERY = re.compile(r"[^\W_]+(?:[\s\-.'·]+[^\W_]+)*[\s.]*")


class Candidate(BaseModel):
    """One of the rows an ambiguous name could mean, with what tells them apart."""

    kind: Kind
    id: str
    name: str
    organization: str | None = Field(None, description="contact: the organisation's name")
    title: str = Field("", description="contact: job title; responsibility: its project and stage")


class AmbiguousName(ValueError):
    """What was typed matches several rows equally well; ``candidates`` lists them."""

    def __init__(self, text: str, candidates: list[Candidate]) -> None:
        super().__init__(
            _("“{text}” matches more than one; give the id of the one you mean: {ids}").format(
                text=text, ids=", ".join(c.id for c in candidates)
            )
        )
        self.text = text
        self.candidates = candidates


# -- the forms of one name ---------------------------------------------------------------


def folded(text: str) -> str:
    """Case, accents, spaces and punctuation dropped: ``Sophie Laurent`` -> ``sophielaurent``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub("", plain)


def _words(text: str) -> tuple[str, ...]:
    """The folded words, in order (``Jianguo Wang`` -> ``jianguo``, ``wang``)."""
    return tuple(w for w in (folded(part) for part in _NOT_WORD.split(text.casefold())) if w)


@dataclass(frozen=True)
class Reading:
    """One way to read a Han name: its syllables, the first ``surname`` of them the surname."""

    syllables: tuple[str, ...]
    surname: int

    def orders(self) -> tuple[tuple[str, ...], ...]:
        """Surname first (王建国: wang jian guo) and given name first (jian guo wang)."""
        given_first = self.syllables[self.surname :] + self.syllables[: self.surname]
        if given_first == self.syllables or len(self.syllables) > PERSON_SYLLABLES:
            return (self.syllables,)
        return (self.syllables, given_first)


@lru_cache(maxsize=100_000)
def readings(name: str) -> tuple[Reading, ...]:
    """The pinyin readings of a name's Han characters (none for a name without any): the
    surname read as a surname first, then the everyday reading when it differs."""
    han = "".join(_HAN.findall(name))
    if not han:
        return ()
    plain = _syllables(han)
    out = []
    starts_name = _HAN.match(name.strip()) is not None  # a surname only leads a name
    surname = next((s for s in (han[:2], han[:1]) if starts_name and s in SURNAMES), None)
    if surname is not None:
        rest = _syllables(han[len(surname) :])
        out.append(Reading(SURNAMES[surname] + rest, len(surname)))
    out.append(Reading(plain, 1 if len(plain) > 1 else 0))
    unique: dict[tuple[str, ...], Reading] = {}
    for reading in out:
        unique.setdefault(reading.syllables, reading)
    return tuple(unique.values())


def _pinyin(han: str) -> list[str]:
    """pypinyin's plain reading; loaded on first use: its phrase dictionary costs every
    command 0.25 s at start, and most commands never read a name."""
    from pypinyin import Style, lazy_pinyin

    return list(lazy_pinyin(han, style=Style.NORMAL))


@lru_cache(maxsize=30_000)
def _character(han: str) -> str:
    return _pinyin(han)[0]


def _syllables(han: str) -> tuple[str, ...]:
    """The everyday reading of Han characters: a person's name character by character (a
    few thousand characters cover every name, and converting whole strings is slow), a
    longer name as a whole, where words decide how a character reads."""
    if not han:
        return ()
    if len(han) <= PERSON_SYLLABLES:
        return tuple(_character(ch) for ch in han)
    return tuple(s for s in _pinyin(han) if s)


def _spellings(syllable: str) -> tuple[str, ...]:
    """A syllable as typed: in full (ü as v or u) or by its initial (zh, ch, sh or a letter)."""
    forms = [syllable, syllable.replace("v", "u")]
    if syllable[:2] in ("zh", "ch", "sh"):
        forms.append(syllable[:2])
    forms.append(syllable[0])
    return tuple(dict.fromkeys(forms))


@lru_cache(maxsize=100_000)
def _pattern(name: str) -> re.Pattern[str] | None:
    """Every order of every reading, each syllable in full or by initial, as one regex."""
    alternatives = [
        "".join("(?:" + "|".join(_spellings(s)) + ")" for s in order)
        for reading in readings(name)
        for order in reading.orders()
    ]
    return re.compile("|".join(f"(?:{a})" for a in alternatives)) if alternatives else None


def latin_initials(name: str) -> tuple[str, ...]:
    """A Latin name of two to four words by its initials, in order and reversed (Sophie
    Laurent: sl, ls); none for a Han name or a single word."""
    if _HAN.search(name):
        return ()
    words = _words(name)
    if not 2 <= len(words) <= 4:
        return ()
    initials = "".join(w[0] for w in words)
    return tuple(dict.fromkeys((initials, initials[::-1])))


def pinyin_forms(name: str) -> list[str]:
    """What a page needs to match the name offline: each reading in full, given name first,
    and by initials (王建国: wangjianguo, jianguowang, wjg, jgw; Sophie Laurent: sl, ls)."""
    forms: dict[str, None] = dict.fromkeys(latin_initials(name))
    for reading in readings(name):
        for order in reading.orders():
            forms["".join(order)] = None
            forms["".join(order).replace("v", "u")] = None
        forms["".join(s[0] for s in reading.syllables)] = None
    return list(forms)


def pinyin_matches(name: str, text: str) -> bool:
    """``text`` spells the whole name in pinyin (syllables in full or by initial, either order)."""
    query = folded(text)
    pattern = _pattern(name)
    return bool(query) and _LATIN_QUERY.fullmatch(query) is not None and bool(pattern and pattern.fullmatch(query))


def _run_matches(name: str, query: str) -> bool:
    """``query`` spells some neighbouring syllables of the name in full (``bafang`` in 浙江八方…)."""
    for reading in readings(name):
        joined = "".join(reading.syllables)
        bounds, at = {0}, 0
        for syllable in reading.syllables:
            at += len(syllable)
            bounds.add(at)
        start = joined.find(query)
        while start >= 0:
            if start in bounds and start + len(query) in bounds:
                return True
            start = joined.find(query, start + 1)
    return False


def plain_query(text: str) -> bool:
    """A query typed as a name is (words, no brackets or symbols): matched loosely. Anything
    else is searched for exactly as written, so ``') DELETE n //`` finds only itself."""
    return _PLAIN_QUERY.fullmatch(text.strip()) is not None


def mentions(name: str, text: str) -> bool:
    """For list filters: ``text`` is part of the name (case and accents ignored), spells
    it in pinyin, or spells some of its syllables in full; a query with symbols in it
    only as written (case ignored)."""
    if not plain_query(text):
        return text.casefold() in name.casefold()
    query = folded(text)
    if not query:
        return False
    if query in folded(name) or pinyin_matches(name, text):
        return True
    return len(query) >= 2 and _LATIN_QUERY.fullmatch(query) is not None and _run_matches(name, query)


# -- the index and the ladder --------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    kind: Kind
    id: str
    name: str
    organization: str | None
    title: str

    def candidate(self) -> Candidate:
        return Candidate(kind=self.kind, id=self.id, name=self.name, organization=self.organization, title=self.title)

    # the name's forms, worked out once per index (not once per lookup)
    @cached_property
    def folded(self) -> str:
        return folded(self.name)

    @cached_property
    def sorted_words(self) -> list[str]:
        return sorted(_words(self.name))

    @cached_property
    def pattern(self) -> re.Pattern[str] | None:
        return _pattern(self.name)

    @cached_property
    def initials(self) -> tuple[str, ...]:
        return latin_initials(self.name) if self.kind == "contact" else ()


@dataclass(frozen=True)
class Query:
    """What was typed, in the forms the rungs compare (worked out once per lookup)."""

    text: str
    folded: str
    words: list[str]
    latin: bool

    @classmethod
    def of(cls, text: str) -> Query:
        query = folded(text)
        return cls(text, query, sorted(_words(text)), _LATIN_QUERY.fullmatch(query) is not None)


@dataclass(frozen=True)
class NameIndex:
    """Every contact, organisation and duty a reader may see, by name."""

    entries: tuple[Entry, ...]

    @cached_property
    def ids(self) -> frozenset[str]:
        return frozenset(e.id for e in self.entries)


def build_index(
    contacts: Iterable[Contact],
    organizations: Iterable[Organization],
    responsibilities: Iterable[Responsibility] = (),
    stages: Iterable[Stage] = (),
    projects: Iterable[Project] = (),
) -> NameIndex:
    """The index of the rows given (a reader's whole reach)."""
    orgs = {o.id: o for o in organizations}
    stage_of = {s.id: s for s in stages}
    project_names = {p.id: p.name for p in projects}
    entries = [Entry("contact", c.id, c.name, orgs[c.org].name if c.org in orgs else None, c.title) for c in contacts]
    entries += [Entry("organization", o.id, o.name, None, "") for o in orgs.values()]
    for duty in responsibilities:
        stage = stage_of.get(duty.stage)
        where = " · ".join(n for n in (project_names.get(stage.project) if stage else None, stage and stage.name) if n)
        entries.append(Entry("responsibility", duty.id, duty.name, None, where))
    return NameIndex(tuple(sorted(entries, key=lambda e: (e.name, e.id))))


def _by_id(entry: Entry, query: Query) -> bool:
    return entry.id == query.text


def _by_name(entry: Entry, query: Query) -> bool:
    if entry.name.strip() == query.text or (entry.folded and entry.folded == query.folded):
        return True
    # Latin names in either order: "laurent sophie"
    return len(query.words) > 1 and query.words == entry.sorted_words


def _by_pinyin(entry: Entry, query: Query) -> bool:
    """``pinyin_matches``, on the forms worked out once."""
    return bool(query.folded) and query.latin and bool(entry.pattern and entry.pattern.fullmatch(query.folded))


def _by_initials(entry: Entry, query: Query) -> bool:
    """A Latin name's initials (``sl``: Sophie Laurent), after pinyin: for a Chinese team
    ``sl`` is 石磊 first."""
    return query.latin and query.folded in entry.initials


def _by_part(entry: Entry, query: Query) -> bool:
    """``mentions`` for a plain query (the only kind this rung sees), on the forms worked out once."""
    if not query.folded:
        return False
    if query.folded in entry.folded or _by_pinyin(entry, query):
        return True
    return len(query.folded) >= 2 and query.latin and _run_matches(entry.name, query.folded)


#: the rungs, most exact first
def _by_exact_name(entry: Entry, query: Query) -> bool:
    return entry.name.strip() == query.text


LADDER = (_by_id, _by_name, _by_pinyin, _by_initials, _by_part)
#: for text with symbols in it (not a name as people write one): nothing loose
EXACT_LADDER = (_by_id, _by_exact_name)

#: candidates an ambiguous answer lists at most
MAX_CANDIDATES = 20


def find(index: NameIndex, text: str, kinds: Sequence[Kind] = EVERY_KIND) -> Entry | None:
    """The one row of ``kinds`` that ``text`` stands for, or None when nothing matches.
    Raises AmbiguousName when the first rung that matches anything matches several."""
    wanted = text.strip()
    if not wanted:
        return None
    pool = [e for e in index.entries if e.kind in kinds]
    query = Query.of(wanted)
    # symbols typed (not a name as people write one): the id or the name exactly, nothing loose
    for rung in LADDER if plain_query(wanted) else EXACT_LADDER:
        hits = [e for e in pool if rung(e, query)]
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise AmbiguousName(wanted, [e.candidate() for e in hits[:MAX_CANDIDATES]])
    return None


# -- per store ------------------------------------------------------------------------------

_lock = threading.Lock()
_indexes: dict[tuple[Hashable, int], NameIndex] = {}
#: indexes kept (one per store view and data version)
KEPT = 32


def index_of(store: Store) -> NameIndex:
    """The index of what ``store`` lets its reader see, rebuilt only after a write."""
    key = (cache_token(store), store.data_version())
    with _lock:
        known = _indexes.get(key)
    if known is not None:
        return known
    index = build_index(
        read_as(store, Contact),
        read_as(store, Organization),
        read_as(store, Responsibility),
        read_as(store, Stage),
        read_as(store, Project),
    )
    with _lock:
        if len(_indexes) >= KEPT:  # the oldest goes
            del _indexes[next(iter(_indexes))]
        _indexes[key] = index
    return index


def resolve(store: Store, text: str, kinds: Sequence[Kind] = EVERY_KIND) -> str:
    """The id ``text`` stands for among ``kinds``; ``text`` itself when nothing matches
    (the caller's own "unknown id" answer follows). Raises AmbiguousName."""
    entry = find(index_of(store), text, kinds)
    return entry.id if entry is not None else text


#: a path target's prefixes and the kind each names (as ``analysis.paths.parse_target`` reads them)
TARGET_PREFIXES: dict[str, Kind | None] = {
    "contact": "contact",
    "person": "contact",
    "org": "organization",
    "organization": "organization",
    "responsibility": "responsibility",
    "duty": "responsibility",
    "title": None,
    "role": None,
}


def path_target(store: Store, target: str) -> str:
    """A path target as ``find_paths`` takes it: a name or pinyin becomes its id; an id,
    a ``title:`` and what matches nothing stay as typed (so an unknown one is reported as
    such). Raises AmbiguousName."""
    head, sep, rest = target.partition(":")
    prefix = head.strip().lower()
    if sep and prefix in TARGET_PREFIXES:
        kind = TARGET_PREFIXES[prefix]
        if kind is None:
            return target
        return f"{head}:{resolve(store, rest, (kind,))}"
    index = index_of(store)
    if target in index.ids:
        return target
    entry = find(index, target)
    if entry is None:
        return target
    shared = sum(1 for e in index.entries if e.id == entry.id) > 1  # an id of two kinds needs its prefix
    return f"{entry.kind}:{entry.id}" if shared else entry.id
