"""One local Spark session for the Spark engine's tests; they are skipped without pyspark or Java.

The master is ``local[2,4]``: two threads, like ``local[2]``, but a failed task is retried
(up to 4 attempts), as on a cluster. The event log goes to a temp folder the tests can read.
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent


def _missing() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "the Spark engine's tests need pyspark (pip install 'privprep[spark]')"
    if shutil.which("java") is None:
        return "the Spark engine's tests need Java 17"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip every test of this folder, cleanly, where pyspark or Java is missing."""
    if (reason := _missing()) is None:
        return
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def event_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("spark-events")


@pytest.fixture(scope="session")
def spark(event_log: Path) -> Iterator[Any]:
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2,4]")
        .appName("privprep-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.eventLog.enabled", "true")
        .config("spark.eventLog.dir", str(event_log))
        .config("spark.eventLog.compress", "false")  # the key-leak test reads it as text
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def every_dtype_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("input") / "every.parquet"
    from spark_helpers import every_dtype

    every_dtype().write_parquet(path)
    return path
