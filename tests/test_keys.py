"""Master key: from the key argument, an environment variable or a file; derived per purpose and domain."""

from __future__ import annotations

from pathlib import Path

import pytest
from core_helpers import KEY, OTHER_KEY

from privprep import PrivprepError, ReasonCode
from privprep.keys import MIN_KEY_BYTES, MasterKey, resolve_key
from privprep.policy import KeySource


def test_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_KEY", KEY)
    assert resolve_key(KeySource(env="MY_KEY")).secret == KEY.encode()


def test_key_file_is_read_and_stripped(tmp_path: Path) -> None:
    path = tmp_path / "master.key"
    path.write_text(f"  {KEY}\n")
    assert resolve_key(KeySource(file=str(path))).secret == KEY.encode()


def test_the_key_argument_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_KEY", KEY)
    assert resolve_key(KeySource(env="MY_KEY"), OTHER_KEY).secret == OTHER_KEY.encode()
    assert resolve_key(KeySource(env="UNSET_VARIABLE_X"), OTHER_KEY.encode()).secret == OTHER_KEY.encode()


@pytest.mark.parametrize(
    ("source", "explicit", "fragment"),
    [
        (KeySource(env="PRIVPREP_TEST_UNSET"), None, "environment variable PRIVPREP_TEST_UNSET is not set"),
        (KeySource(env="PRIVPREP_TEST_EMPTY"), None, "environment variable PRIVPREP_TEST_EMPTY is not set"),
        (KeySource(env="PRIVPREP_TEST_SHORT"), None, "shorter than 16 bytes"),
        (KeySource(file="/nonexistent/dir/key"), None, "cannot read key file /nonexistent/dir/key"),
        (
            KeySource(env="X"),
            "x" * (MIN_KEY_BYTES - 1),
            "the key in the key argument is shorter than 16 bytes",
        ),
    ],
)
def test_a_missing_or_short_key_is_key_missing(
    monkeypatch: pytest.MonkeyPatch, source: KeySource, explicit: str | None, fragment: str
) -> None:
    monkeypatch.delenv("PRIVPREP_TEST_UNSET", raising=False)
    monkeypatch.setenv("PRIVPREP_TEST_EMPTY", "")
    monkeypatch.setenv("PRIVPREP_TEST_SHORT", "tooshort-secret")
    with pytest.raises(PrivprepError) as err:
        resolve_key(source, explicit)
    assert err.value.code is ReasonCode.KEY_MISSING and err.value.exit_code == 4
    assert fragment in str(err.value)
    assert "tooshort-secret" not in str(err.value)


def test_a_short_key_file_is_key_missing(tmp_path: Path) -> None:
    path = tmp_path / "k"
    path.write_text("short-key\n")
    with pytest.raises(PrivprepError, match="shorter than 16 bytes") as err:
        resolve_key(KeySource(file=str(path)))
    assert "short-key" not in str(err.value).replace(str(path), "")


def test_exactly_sixteen_bytes_is_enough() -> None:
    assert resolve_key(KeySource(env="X"), "0123456789abcdef").secret == b"0123456789abcdef"


def test_derived_keys_differ_per_purpose_and_domain_and_key() -> None:
    master = MasterKey(KEY.encode())
    derived = {
        master.derive("pseudonymize", "a"),
        master.derive("pseudonymize", "b"),
        master.derive("fake", "a"),
        master.derive("shift_date", "a"),
        MasterKey(OTHER_KEY.encode()).derive("pseudonymize", "a"),
    }
    assert len(derived) == 5
    assert master.derive("fake", "a") == MasterKey(KEY.encode()).derive("fake", "a")


def test_the_secret_never_shows() -> None:
    master = MasterKey(KEY.encode())
    assert KEY not in repr(master) and KEY not in str(master)
    assert master.fingerprint.startswith("sha256:") and len(master.fingerprint) == 7 + 16
    assert KEY not in master.fingerprint
    assert master.fingerprint != MasterKey(OTHER_KEY.encode()).fingerprint
