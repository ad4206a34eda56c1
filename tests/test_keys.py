"""Master key: from the key argument, an environment variable or a file; derived per purpose and domain."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

import polars as pl
import pytest
from core_helpers import KEY, OTHER_KEY

import privprep
from privprep import PrivprepError, ReasonCode
from privprep.keys import MIN_KEY_BITS, MIN_KEY_BYTES, MasterKey, key_bits, resolve_key
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
    # was "0123456789abcdef": a sequence, now refused as weak (see test_weak_keys_are_refused)
    assert resolve_key(KeySource(env="X"), "k3J9x8QzP2vL7mWn").secret == b"k3J9x8QzP2vL7mWn"


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


# ---------------------------------------------------------------- weak keys


@pytest.mark.parametrize(
    "weak",
    [
        "aaaaaaaaaaaaaaaa",
        " " * 16,
        "\t \t \t \t \t \t \t \t ",
        "abababababababab",
        "0123456789abcdef",
        "Summer2024!Summer",
        "Password123456789!",
        "qwertyuiopasdfghjkl",
        "Summer2024!Summer2024!",
        "P@ssw0rdP@ssw0rd",
    ],
)
def test_weak_keys_are_refused_without_echoing_them(monkeypatch: pytest.MonkeyPatch, weak: str) -> None:
    monkeypatch.setenv("PRIVPREP_TEST_WEAK", weak)
    with pytest.raises(PrivprepError) as err:
        resolve_key(KeySource(env="PRIVPREP_TEST_WEAK"))
    assert err.value.code is ReasonCode.KEY_MISSING
    assert "too weak" in str(err.value) and "openssl rand" in str(err.value)
    assert not weak.strip() or weak not in str(err.value)


@pytest.mark.parametrize("strong", [KEY, OTHER_KEY, "hex", "urlsafe", "k3J9x8QzP2vL7mWn"])
def test_random_keys_are_accepted(strong: str) -> None:
    strong = {"hex": secrets.token_hex(16), "urlsafe": secrets.token_urlsafe(24)}.get(strong, strong)
    assert key_bits(strong.encode()) >= MIN_KEY_BITS
    assert resolve_key(KeySource(env="X"), strong).secret == strong.encode()


def test_a_binary_key_file_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "binary.key"
    path.write_bytes(bytes(range(1, 33)) + b"\xff\xfe" + secrets.token_bytes(32))
    assert len(resolve_key(KeySource(file=str(path))).secret) >= 32


def test_the_policy_file_and_the_input_are_refused_as_key_files(tmp_path: Path) -> None:
    text = f"version: 1\nname: t\nkey: {{file: {tmp_path / 'policy.yaml'}}}\n# {secrets.token_hex(16)}\n"
    (tmp_path / "policy.yaml").write_text(text)
    source = KeySource(file=str(tmp_path / "policy.yaml"))
    with pytest.raises(PrivprepError, match="is the policy file") as err:
        resolve_key(source, policy_text=text)
    assert err.value.code is ReasonCode.KEY_MISSING
    with pytest.raises(PrivprepError, match="is the input file"):
        resolve_key(source, not_key_files=[None, tmp_path / "." / "policy.yaml"])


# ---------------------------------------------------------------- names that look like secrets

PASTED = "sk_live_51HqLrKJ2eZvKYlo2C8Nf3Xq"


@pytest.mark.parametrize("name", [PASTED, "k3J9x8QzP2vL7mWn", "X" + "A" * 45])
def test_an_unset_variable_whose_name_looks_secret_is_not_named(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.delenv(name, raising=False)
    with pytest.raises(PrivprepError) as err:
        resolve_key(KeySource(env=name))
    assert "the variable named in key.env" in str(err.value) and name not in str(err.value)


def test_a_short_key_in_a_secret_named_variable_does_not_name_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASTED, "short")
    with pytest.raises(PrivprepError, match="shorter than") as err:
        resolve_key(KeySource(env=PASTED))
    assert PASTED not in str(err.value)


@pytest.mark.parametrize("part", [PASTED, "9f86d081884c7d659a2feaa0c55ad015", "p" * 41])
def test_an_unreadable_key_file_whose_path_looks_secret_is_not_named(tmp_path: Path, part: str) -> None:
    path = tmp_path / part / "master.key"
    with pytest.raises(PrivprepError) as err:
        resolve_key(KeySource(file=str(path)))
    assert "the key file named in key.file" in str(err.value) and part not in str(err.value)


def test_ordinary_names_and_paths_are_still_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PRIVPREP_MASTER_KEY_FOR_PSEUDONYMS", raising=False)
    with pytest.raises(PrivprepError, match="environment variable PRIVPREP_MASTER_KEY_FOR_PSEUDONYMS"):
        resolve_key(KeySource(env="PRIVPREP_MASTER_KEY_FOR_PSEUDONYMS"))
    with pytest.raises(PrivprepError, match=r"cannot read key file .*customers-2024/master\.key"):
        resolve_key(KeySource(file=str(tmp_path / "customers-2024" / "master.key")))


# ---------------------------------------------------------------- fingerprint


def test_the_fingerprint_costs_one_scrypt_per_guess() -> None:
    """The fingerprint is an HMAC under scrypt(key): checking a guessed key means running scrypt."""
    root = hashlib.scrypt(
        KEY.encode(), salt=b"privprep/v1/stretch", n=2**15, r=8, p=1, maxmem=64 * 2**20, dklen=32
    )
    stretched = hmac.new(root, b"privprep/v1/stretch/fingerprint", hashlib.sha256).digest()
    expected = hmac.new(stretched, b"privprep/v1/fingerprint", hashlib.sha256).hexdigest()[:16]
    assert MasterKey(KEY.encode()).fingerprint == "sha256:" + expected
    fast = hmac.new(KEY.encode(), b"privprep/v1/fingerprint", hashlib.sha256).hexdigest()[:16]
    assert fast not in MasterKey(KEY.encode()).fingerprint  # the old, HMAC-speed fingerprint is gone


def test_derived_keys_come_from_the_stretched_key() -> None:
    master = MasterKey(KEY.encode())
    info = b"privprep/v1/pseudonymize/column:a"
    assert (
        master.derive("pseudonymize", "column:a")
        == hmac.new(master.stretched("derive"), info, hashlib.sha256).hexdigest()
    )
    assert master.stretched("derive") != master.stretched("fingerprint")


# ---------------------------------------------------------------- through a run: message and audit record


def run_with_key_file(tmp_path: Path, key_file: Path) -> tuple[str, str]:
    """Apply a keyed policy read from a file whose key.file is ``key_file``; (error, audit log)."""
    data = tmp_path / "in.parquet"
    pl.DataFrame({"id": ["a", "b"]}).write_parquet(data)
    policy = tmp_path / "policy.yaml"
    policy.write_text(f"version: 1\nname: k\nkey: {{file: '{key_file}'}}\ncolumns: {{id: pseudonymize}}\n")
    log = tmp_path / "audit.jsonl"
    with pytest.raises(PrivprepError) as err:
        privprep.apply(privprep.load_policy(policy), data, tmp_path / "out.parquet", audit_log=log)
    assert err.value.code is ReasonCode.KEY_MISSING and not (tmp_path / "out.parquet").exists()
    return str(err.value), log.read_text()


def test_a_run_refuses_its_policy_and_its_input_as_key_file(tmp_path: Path) -> None:
    error, _ = run_with_key_file(tmp_path, tmp_path / "policy.yaml")
    assert "is the policy file" in error
    error, _ = run_with_key_file(tmp_path, tmp_path / "in.parquet")
    assert "is the input file" in error


def test_a_secret_looking_key_file_path_stays_out_of_the_audit_record(tmp_path: Path) -> None:
    error, log = run_with_key_file(tmp_path, tmp_path / PASTED / "master.key")
    assert "the key file named in key.file" in error and "the key file named in key.file" in log
    assert PASTED not in error and PASTED not in log
