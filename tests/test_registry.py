"""The relation registry (models/relations.json): identity and description of claims."""
from __future__ import annotations

import pytest

from pipeline.relations import registry


def test_types_are_the_contracts():
    assert set(registry.types()) == {"holds_position", "received_award", "investment"}
    assert registry.get("holds_position").key == ("person", "organization", "role")
    assert "time" in registry.get("holds_position").attributes
    with pytest.raises(KeyError, match="unknown relation type"):
        registry.get("owns")


@pytest.mark.parametrize("a, b, same", [
    ({"type": "received_award", "args": {"recipient": "Lei Jun", "award": "Builder Award", "year": 2019}},
     {"type": "received_award", "args": {"recipient": "Lei Jun", "award": "builder award", "year": None}}, False),
    ({"type": "received_award", "args": {"recipient": "Lei Jun", "award": "Builder award", "year": 2019}},
     {"type": "received_award", "args": {"recipient": "Lei Jun", "award": "BUILDER", "year": None}}, True),
    ({"type": "holds_position", "args": {"person": "Lei Jun", "organization": "Xiaomi Corp.", "role": "CEO"}},
     {"type": "holds_position", "args": {"person": "Lei Jun", "organization": "Xiaomi", "role": "ceo"}}, True),
    ({"type": "investment", "args": {"investor": "X", "amount": {"value": 1e9, "currency": "USD"},
                                     "technology": ["AI", "5G"], "period": "by 2030"}},
     {"type": "investment", "args": {"investor": "X", "amount": {"value": 1.00001e9, "currency": "usd"},
                                     "technology": ["5g", "ai"], "period": None}}, True),
    ({"type": "holds_position", "args": {"person": "A B", "organization": "X", "role": "ceo"}, "time": {"state": "former"}},
     {"type": "holds_position", "args": {"person": "A B", "organization": "X", "role": "ceo"}}, True),
    ({"type": "holds_position", "args": {"person": "A B", "organization": "X", "role": "ceo"}},
     {"type": "holds_position", "args": {"person": "A B", "organization": "X", "role": "cfo"}}, False),
    ({"type": "investment", "args": {"investor": "X", "amount": {"value": 1e9}, "technology": ["AI"]}},
     {"type": "investment", "args": {"investor": "X", "amount": {"value": 2e9}, "technology": ["AI"]}}, False),
])
def test_claim_key(a, b, same):
    assert (registry.claim_key(a) == registry.claim_key(b)) is same


@pytest.mark.parametrize("rel, text", [
    ({"type": "holds_position", "args": {"person": "Lei Jun", "organization": "Xiaomi", "role": "ceo"}},
     "Lei Jun is CEO of Xiaomi"),
    ({"type": "holds_position", "args": {"person": "Ana Lopes", "organization": "Vexor", "role": "president"},
      "time": {"state": "former"}}, "Ana Lopes was president of Vexor"),
    ({"type": "received_award", "args": {"recipient": "Lei Jun", "award": "Builder Award", "conferred_by": "MIIT",
                                         "year": 2019}}, "Lei Jun received Builder Award from MIIT (2019)"),
    ({"type": "received_award", "args": {"recipient": "Lei Jun", "award": "Builder Award", "conferred_by": None,
                                         "year": None}}, "Lei Jun received Builder Award"),
    ({"type": "investment", "args": {"investor": "Xiaomi", "amount": {"value": 7.7e9, "text": "$7.7 billion"},
                                     "technology": ["5G", "AI"], "period": None, "target": None, "object": None}},
     "Xiaomi invests $7.7 billion in 5G, AI"),
    ({"type": "investment", "status": "planned", "args": {"investor": "Xiaomi", "amount": {"value": 2e9, "currency": "USD"},
                                                          "period": "by 2030"}},
     "Xiaomi plans to invest 2,000,000,000 USD (by 2030)"),
    ({"type": "investment", "status": "hedged", "args": {"investor": "Xiaomi", "amount": None, "target": "Deepwater"}},
     "Xiaomi may invest an undisclosed amount in Deepwater"),
    ({"type": "holds_position", "args": {"person": "A B", "organization": "X", "role": "other"}}, "A B is an officer of X"),
])
def test_describe(rel, text):
    assert registry.describe(rel) == text
