"""Compiled conditions, evaluated with three values: True, False, None (unknown).

A test on a fact that is not given is unknown; `all`/`any`/`not` follow Kleene's
logic (false wins in `all`, true wins in `any`). Two tests are two-valued on
purpose: `{known: true|false}` on a fact and `undecided: <condition>`.

Besides `eval`, each node can
- list the unknown facts that keep it undecided (`unknowns`), which becomes `missing`;
- tell which results are still possible under a partial assignment (`possible`),
  used by the checker to find rules that can never fire.
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping, Optional

TriBool = Optional[bool]
ABSENT = object()  # an assignment value meaning "the fact is not given"

T, F, U = True, False, None
_ALL3 = frozenset((T, F, U))
_TF = frozenset((T, F))


class Cond:
    __slots__ = ()
    facts: tuple[str, ...] = ()  # facts a leaf tests ("period" for the period)

    def eval(self, facts: Mapping, period: str) -> TriBool:  # pragma: no cover - abstract
        raise NotImplementedError

    def unknowns(self, facts: Mapping, period: str, out: list) -> None:
        """Append the unknown facts that make this (unknown) condition unknown."""

    def possible(self, assign: dict) -> frozenset:  # pragma: no cover - abstract
        raise NotImplementedError


class _FactTest(Cond):
    __slots__ = ("fact", "facts")

    def __init__(self, fact: str):
        self.fact = fact
        self.facts = (fact,)

    def test(self, value) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def eval(self, facts, period):
        value = facts.get(self.fact)
        if value is None:
            return None
        return self.test(value)

    def unknowns(self, facts, period, out):
        if facts.get(self.fact) is None:
            out.append(self.fact)

    def possible(self, assign):
        if self.fact not in assign:
            return _ALL3
        value = assign[self.fact]
        if value is ABSENT:
            return frozenset((U,))
        return frozenset((self.test(value),))


class _ValuesTest(_FactTest):
    """A fact among values (`IsIn`), or known and among none of them (`NotIn`)."""

    __slots__ = ("values",)
    negate = False

    def __init__(self, fact: str, values: Iterable):
        super().__init__(fact)
        self.values = frozenset(values)

    def test(self, value):
        return (value in self.values) != self.negate


class IsIn(_ValuesTest):
    """`fact: value` or `fact: [values]`."""

    __slots__ = ()


class NotIn(_ValuesTest):
    """`fact: {not: value | [values]}`: known and none of them."""

    __slots__ = ()
    negate = True


class Range(_FactTest):
    """`age: {gt|gte|lt|lte: n}`; a value that is not an integer is unknown."""

    __slots__ = ("gt", "gte", "lt", "lte")

    def __init__(self, fact: str, gt=None, gte=None, lt=None, lte=None):
        super().__init__(fact)
        self.gt, self.gte, self.lt, self.lte = gt, gte, lt, lte

    def eval(self, facts, period):
        value = facts.get(self.fact)
        if value is None or isinstance(value, bool) or not isinstance(value, int):
            return None
        return self.test(value)

    def unknowns(self, facts, period, out):
        if self.eval(facts, period) is None:
            out.append(self.fact)

    def test(self, value):
        if self.gt is not None and not value > self.gt:
            return False
        if self.gte is not None and not value >= self.gte:
            return False
        if self.lt is not None and not value < self.lt:
            return False
        if self.lte is not None and not value <= self.lte:
            return False
        return True

    def thresholds(self) -> list[int]:
        return [n for n in (self.gt, self.gte, self.lt, self.lte) if n is not None]


class Known(Cond):
    """`fact: {known: true|false}`: two-valued."""

    __slots__ = ("fact", "expected", "facts")

    def __init__(self, fact: str, expected: bool):
        self.fact = fact
        self.expected = expected
        self.facts = (fact,)

    def eval(self, facts, period):
        return (facts.get(self.fact) is not None) == self.expected

    def possible(self, assign):
        if self.fact not in assign:
            return _TF
        return frozenset(((assign[self.fact] is not ABSENT) == self.expected,))


class PeriodIn(Cond):
    """`period: value | [values] | {not: …}`: the period is always known."""

    __slots__ = ("values", "negate")
    facts = ("period",)

    def __init__(self, values: Iterable[str], negate: bool = False):
        self.values = frozenset(values)
        self.negate = negate

    def eval(self, facts, period):
        return (period in self.values) != self.negate

    def possible(self, assign):
        if "period" not in assign:
            return _TF
        return frozenset(((assign["period"] in self.values) != self.negate,))


class _Combination(Cond):
    """`all` and `any`, mirror images: the absorbing value wins as soon as one part has it (false in `all`,
    true in `any`); else unknown if one part is unknown; else the other value."""

    __slots__ = ("children",)
    absorbing: bool

    def __init__(self, children: list[Cond]):
        self.children = tuple(children)

    def eval(self, facts, period):
        absorbing = self.absorbing
        result = not absorbing
        for child in self.children:
            value = child.eval(facts, period)
            if value is absorbing:
                return absorbing
            if value is None:
                result = None
        return result

    def unknowns(self, facts, period, out):
        for child in self.children:
            if child.eval(facts, period) is None:
                child.unknowns(facts, period, out)

    def possible(self, assign):
        sets = [child.possible(assign) for child in self.children]
        wins, other = self.absorbing, not self.absorbing
        result = set()
        if any(wins in s for s in sets):
            result.add(wins)
        if all(other in s for s in sets):
            result.add(other)
        if all((other in s or U in s) for s in sets) and any(U in s for s in sets):
            result.add(U)
        return frozenset(result)


class All(_Combination):
    """`all: [...]` (and a `when` of several entries)."""

    __slots__ = ()
    absorbing = False


class Any(_Combination):
    """`any: [...]`."""

    __slots__ = ()
    absorbing = True


class Not(Cond):
    __slots__ = ("child",)

    def __init__(self, child: Cond):
        self.child = child

    def eval(self, facts, period):
        value = self.child.eval(facts, period)
        return None if value is None else not value

    def unknowns(self, facts, period, out):
        self.child.unknowns(facts, period, out)

    def possible(self, assign):
        return frozenset(None if v is None else not v for v in self.child.possible(assign))


class Undecided(Cond):
    """`undecided: <condition>`: true when the condition is unknown; two-valued."""

    __slots__ = ("child",)

    def __init__(self, child: Cond):
        self.child = child

    def eval(self, facts, period):
        return self.child.eval(facts, period) is None

    def possible(self, assign):
        inner = self.child.possible(assign)
        result = set()
        if U in inner:
            result.add(T)
        if T in inner or F in inner:
            result.add(F)
        return frozenset(result)


class Ref(Cond):
    """`ref: name`: a named condition from a `definitions` section, bound after loading."""

    __slots__ = ("name", "target")

    def __init__(self, name: str):
        self.name = name
        self.target: Optional[Cond] = None

    def eval(self, facts, period):
        return self.target.eval(facts, period)

    def unknowns(self, facts, period, out):
        self.target.unknowns(facts, period, out)

    def possible(self, assign):
        return self.target.possible(assign)


class Always(Cond):
    """An empty `when`: the rule applies in every situation."""

    __slots__ = ()
    facts = ()

    def eval(self, facts, period):
        return True

    def possible(self, assign):
        return frozenset((T,))


def walk(cond: Cond) -> Iterable[Cond]:
    """Every node of a condition, following references."""
    stack, seen = [cond], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, _Combination):
            stack.extend(node.children)
        elif isinstance(node, (Not, Undecided)):
            stack.append(node.child)
        elif isinstance(node, Ref) and node.target is not None:
            stack.append(node.target)


def referenced_facts(cond: Cond) -> tuple[str, ...]:
    """The facts (and "period") a condition depends on, through references, in order of appearance."""
    seen: dict[str, None] = {}

    def visit(node: Cond, depth: int) -> None:
        if depth > 100:  # a cycle left unbound; the loader reports it
            return
        if isinstance(node, _Combination):
            for child in node.children:
                visit(child, depth + 1)
        elif isinstance(node, (Not, Undecided)):
            visit(node.child, depth + 1)
        elif isinstance(node, Ref):
            if node.target is not None:
                visit(node.target, depth + 1)
        else:
            for name in node.facts:
                seen.setdefault(name, None)

    visit(cond, 0)
    return tuple(seen)


def satisfy(cond: Cond, domains: Mapping[str, tuple], order: Iterable[str]) -> Optional[dict]:
    """An assignment of the facts in `order` (values from `domains`, ABSENT meaning
    not given) that makes `cond` true, or None when there is none.

    Depth-first, pruned as soon as `possible` says true cannot happen, and stopped
    as soon as it says true is certain."""
    names = [name for name in order if name in domains]
    assign: dict = {}

    def search(index: int) -> Optional[dict]:
        outcomes = cond.possible(assign)
        if T not in outcomes:
            return None
        if outcomes == {T} or index == len(names):
            return dict(assign) if outcomes == {T} else None
        name = names[index]
        for value in domains[name]:
            assign[name] = value
            found = search(index + 1)
            if found is not None:
                return found
        del assign[name]
        return None

    return search(0)


Evaluator = Callable[[Mapping, str], TriBool]
