import pytest

from maillage import metrics


def test_a_registered_metric_answers_its_rows_as_counts():
    def collect(start, end):
        return [(1, "new", 3), (None, "new", 1)]

    metric = metrics.register("test_metric", label="Essai", collect=collect, kinds={"new": "N"})
    try:
        assert metrics.get("test_metric") is metric
        assert metric in metrics.registered()
        rows = metric.rows(None, None)
        assert rows == [metrics.Count(1, "new", 3), metrics.Count(None, "new", 1)]
        assert rows[0].value == 3 and rows[1].community_id is None
    finally:
        metrics._registry.pop("test_metric")


def test_two_apps_cannot_register_the_same_key():
    metrics.register("test_twice", label="Un", collect=lambda s, e: [])
    try:
        with pytest.raises(ValueError, match="test_twice"):
            metrics.register("test_twice", label="Deux", collect=lambda s, e: [])
    finally:
        metrics._registry.pop("test_twice")
