from partners.choices import Dimension, EventKind


def test_of_dimension_lists_the_catalogue_kinds_of_a_dimension_in_order():
    assert EventKind.of_dimension(Dimension.DOMAIN) == [
        EventKind.BUSINESS_INSIGHT_SHARED,
        EventKind.COMPETITOR_ANALYSIS_SHARED,
        EventKind.DOMAIN_WORKSHOP,
        EventKind.REQUIREMENT_CHALLENGED,
        EventKind.DOMAIN_MISUNDERSTANDING,
    ]
    assert EventKind.of_dimension("partnership")[0] == EventKind.STRATEGY_INVITATION
    assert EventKind.of_dimension(Dimension.TRUST) == []


def test_every_kind_belongs_to_exactly_one_dimension():
    kinds = [kind for dimension in Dimension for kind in EventKind.of_dimension(dimension)]
    assert sorted(kinds) == sorted(EventKind)
