"""Hypothesis strategies shared by the property tests: situations as the contract allows them."""

from hypothesis import strategies as st

from orient.facts import FACTS


def fact_values(name):
    values = FACTS[name]
    if values is None:  # age: the thresholds the rules use, and anything in range
        return st.one_of(st.sampled_from([0, 1, 10, 11, 15, 16, 65, 66, 130]), st.integers(0, 130))
    return st.sampled_from(values)


# Any subset of the facts, each with an allowed value.
situations = st.fixed_dictionaries(
    {name: st.one_of(st.none(), fact_values(name)) for name in FACTS}
).map(lambda facts: {name: value for name, value in facts.items() if value is not None})
