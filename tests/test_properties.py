"""Property: tables that satisfy every relation give no arithmetic finding; any single changed
cell gives exactly the findings of the relations that cell takes part in — read from the same
weighted equations the engine evaluates (nianbao/rules/relations.py)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_builder import build_report, clean_values
from test_relations import ARITHMETIC

from extractors import schema as S
from nianbao.review import review_bytes
from nianbao.rules.relations import relations_of

small = st.integers(min_value=0, max_value=9)


@st.composite
def consistent_values(draw):
    values = clean_values()
    for row in (*S.LEAVES, "carried_over", "carried_forward"):
        for col in S.C6:
            values[f"t3.{row}.{col}"] = draw(small)
    for col in S.C6:
        results = sum(values[f"t3.{leaf}.{col}"] for leaf in S.LEAVES)
        values[f"t3.results_total.{col}"] = results
        new = results + values[f"t3.carried_forward.{col}"] - values[f"t3.carried_over.{col}"]
        if new < 0:  # keep every count ≥ 0: carry the deficit forward
            values[f"t3.carried_forward.{col}"] -= new
            new = 0
        values[f"t3.new_received.{col}"] = new
    for row in S.T3_ROW_KEYS:
        values[f"t3.{row}.total"] = sum(values[f"t3.{row}.{c}"] for c in S.C6)
    for grp in S.T4_GROUPS:
        parts = [draw(small) for _ in range(4)]
        values.update({f"t4.{grp}.{c}": v for c, v in zip(S.T4_COLUMNS[:4], parts, strict=True)})
        values[f"t4.{grp}.total"] = sum(parts)
    return values


def arithmetic(values):
    review = review_bytes(build_report(values).encode(), "p.txt")
    return {(f.rule, f.location.cell) for f in review.findings if f.rule in ARITHMETIC}


CELLS = [f"t3.{r}.{c}" for r in S.T3_ROW_KEYS for c in S.T3_COLUMNS] + [
    f"t4.{g}.{c}" for g in S.T4_GROUPS for c in S.T4_COLUMNS
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=consistent_values(), cell=st.sampled_from(CELLS), delta=st.integers(min_value=1, max_value=5))
def test_consistent_tables_pass_and_one_changed_cell_is_found(values, cell, delta):
    assert arithmetic(values) == set()
    values[cell] += delta
    assert arithmetic(values) == relations_of(cell, "2021", values)
