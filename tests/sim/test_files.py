"""Scenario files: round trips, comment-preserving saves, atomic writes and every error case."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import tomlkit

from sim import paths
from sim.distributions import Beta, Choice, LogNormal, Normal, Triangular, Uniform
from sim.errors import ScenarioError
from sim.files import (
    MAX_FILE_BYTES,
    edit,
    migrations,
    parse_scenario,
    read_scenario,
    render_scenario,
    write_scenario,
)
from sim.scenario import (
    SCHEMA_VERSION,
    Brand,
    BudgetChange,
    Channel,
    JunkMix,
    Review,
    Scenario,
    Target,
)

ANNOTATED_PATH = Path(__file__).parent / "data" / "annotated.toml"
ANNOTATED = ANNOTATED_PATH.read_text(encoding="utf-8")  # hand-annotated, at the current version


@pytest.fixture(autouse=True)
def _no_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """A style-preserving save must never silently fall back to rewriting the whole file."""

    def fail(scenario: Scenario, reason: str) -> str:
        raise AssertionError(f"fell back to a full rewrite: {reason}")

    monkeypatch.setattr(edit, "_fallback_render", fail)


def comments(text: str) -> list[str]:
    return [line[line.index("#") :] for line in text.splitlines() if "#" in line]


def changed_lines(old: str, new: str) -> list[str]:
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), n=0, lineterm="")
    return [d for d in diff if d[:1] in "+-" and not d.startswith(("+++", "---"))]


def error_of(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, source="plan.toml")
    return info.value


def default_text(*edits: tuple[tuple[str | int, ...], object]) -> str:
    """The default scenario's file with values set at paths; None as the value deletes the key.
    A value of tomlkit.items.Item is written as is (e.g. an inline table parsed from text)."""
    doc = tomlkit.parse(render_scenario(Scenario()))
    for path, value in edits:
        node = doc
        for part in path[:-1]:
            node = node[part]
        if value is None:
            del node[path[-1]]
        else:
            node[path[-1]] = value
    return doc.as_string()


def toml_value(text: str) -> object:
    return tomlkit.parse(f"x = {text}")["x"]


# -- round trips -------------------------------------------------------------------------------


def test_default_round_trip() -> None:
    text = render_scenario(Scenario())
    assert text.splitlines()[1] == f"schema_version = {SCHEMA_VERSION}"
    assert parse_scenario(text).scenario == Scenario()
    assert "[[channels]]" in text and "# Brand spend builds awareness" in text


def test_round_trip_with_every_distribution_form() -> None:
    channel = Channel(
        name="Uncertain",
        weekly_budget=Uniform(low=1000, high=2000),
        base_cpl=Triangular(low=80, mode=100, high=120),
        fit_mean=Beta(mean=0.4, concentration=30),
        junk_share=Normal(mean=0.2, sd=0.05, low=0, high=1),
        sales_ready_share=Beta(alpha=2, beta=20),
    )
    scenario = Scenario(
        channels=[channel],
        brand=Brand(
            half_saturation=LogNormal(p5=40000, p95=90000), lag_weeks=Choice(values=[4, 6, 8])
        ),
        targets=[Target(metric="revenue", value=1.5e6, period="2026-Q3")],
        start_date="2027-02-01",
    )
    text = render_scenario(scenario)
    assert 'base_cpl = { dist = "triangular", low = 80, mode = 100, high = 120 }' in text
    assert "start_date = 2027-02-01\n" in text
    assert parse_scenario(text).scenario == scenario


def test_unchanged_save_is_byte_identical(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(ANNOTATED)
    loaded = read_scenario(path)
    assert render_scenario(loaded.scenario, loaded.document) == ANNOTATED
    write_scenario(loaded.scenario, path, based_on=loaded.document)
    assert path.read_text() == ANNOTATED


def test_edit_and_save_keeps_every_comment_and_changes_one_line(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(ANNOTATED)
    loaded = read_scenario(path)
    channels = list(loaded.scenario.channels)
    channels[0] = channels[0].model_copy(update={"weekly_budget": 16000.0})
    edited = loaded.scenario.model_copy(update={"channels": channels})
    saved = write_scenario(edited, path, based_on=loaded.document)
    text = path.read_text()
    assert comments(text) == comments(ANNOTATED)
    assert changed_lines(ANNOTATED, text) == [
        "-weekly_budget = 15000   # cut from 18k in Q3",
        "+weekly_budget = 16000   # cut from 18k in Q3",
    ]
    assert saved.scenario == edited == read_scenario(path).scenario


def test_distribution_change_is_one_line() -> None:
    loaded = parse_scenario(ANNOTATED)
    channels = list(loaded.scenario.channels)
    channels[1] = channels[1].model_copy(update={"base_cpl": Uniform(low=150, high=210)})
    text = render_scenario(
        loaded.scenario.model_copy(update={"channels": channels}), loaded.document
    )
    assert changed_lines(ANNOTATED, text) == [
        "-base_cpl = 180",
        '+base_cpl = { dist = "uniform", low = 150, high = 210 }',
    ]


def test_missing_keys_at_default_stay_absent_and_new_ones_land_in_their_section() -> None:
    loaded = parse_scenario(ANNOTATED)
    edited = loaded.scenario.model_copy(
        update={
            "description": "After the workshop",
            "simulation": loaded.scenario.simulation.model_copy(update={"replications": 80}),
            "brand": Brand(weekly_spend=9000.0),
        }
    )
    text = render_scenario(edited, loaded.document)
    assert changed_lines(ANNOTATED, text) == [
        '+description = "After the workshop"',
        "+replications = 80",
        "+",  # a blank line before the new section
        "+[brand]",
        "+weekly_spend = 9000",
    ]
    assert "[review]" not in text and "[trust]" not in text
    after = text.split("warmup_weeks = 13\n", 1)[1]
    assert after.startswith("replications = 80\n")
    assert comments(text) == comments(ANNOTATED)
    assert parse_scenario(text).scenario == edited


def test_nested_section_edits() -> None:
    loaded = parse_scenario(ANNOTATED)
    scoring = loaded.scenario.scoring
    pricing = scoring.pricing_page.model_copy(update={"points": 25.0})
    edited = loaded.scenario.model_copy(
        update={
            "scoring": scoring.model_copy(
                update={"decay_half_life_weeks": 3.0, "pricing_page": pricing}
            ),
            "review": Review(catch_junk=0.5),
        }
    )
    text = render_scenario(edited, loaded.document)
    assert "points = 25  # pricing page is a strong signal" in text
    assert parse_scenario(text).scenario == edited
    assert comments(text) == comments(ANNOTATED)


@pytest.mark.parametrize("count", [1, 2, 4, 5])
def test_rows_added_and_removed(count: int) -> None:
    loaded = parse_scenario(ANNOTATED)
    channels = list(loaded.scenario.channels)
    extra = [Channel(name=f"New {i}", weekly_budget=100.0 * i) for i in range(3)]
    rows = (channels + extra)[:count]
    edited = loaded.scenario.model_copy(update={"channels": rows})
    text = render_scenario(edited, loaded.document)
    assert parse_scenario(text).scenario == edited
    assert text.count("[[channels]]") == count
    kept = comments(text)
    assert "# --- Definitions ----------------------------------------------------------" in kept
    assert "# cut from 18k in Q3" in kept and "# the board number" in kept
    if count >= 3:
        assert kept[: len(comments(ANNOTATED))] == comments(ANNOTATED)[: len(kept)]


def test_rows_reordered_and_targets_removed() -> None:
    loaded = parse_scenario(ANNOTATED)
    a, b, c = loaded.scenario.channels
    b = b.model_copy(update={"junk_mix": JunkMix(outside_area=0.9)})
    edited = loaded.scenario.model_copy(update={"channels": [c, a, b], "targets": []})
    text = render_scenario(edited, loaded.document)
    assert parse_scenario(text).scenario == edited
    assert "[[targets]]" not in text


def test_targets_added_to_a_file_without_any() -> None:
    text = render_scenario(Scenario())
    loaded = parse_scenario(text)
    edited = loaded.scenario.model_copy(
        update={"targets": [Target(metric="mql", value=100), Target(metric="sql", value=40)]}
    )
    out = render_scenario(edited, loaded.document)
    assert parse_scenario(out).scenario == edited
    assert out.startswith(text)  # appended at the end, nothing else touched


def test_render_does_not_modify_the_document_passed() -> None:
    loaded = parse_scenario(ANNOTATED)
    render_scenario(Scenario(), loaded.document)
    assert loaded.document.as_string() == ANNOTATED


# -- atomic save -----------------------------------------------------------------------------


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_failed_save_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(ANNOTATED)

    def boom(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, boom)
    with pytest.raises(ScenarioError, match="could not save: No space left on device"):
        write_scenario(Scenario(), path)
    assert path.read_text() == ANNOTATED
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.toml"]


def test_save_into_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="could not save"):
        write_scenario(Scenario(), tmp_path / "nope" / "plan.toml")


def test_save_new_file_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "new.toml"
    saved = write_scenario(Scenario(name="Fresh"), path)
    assert saved.path == path and read_scenario(path).scenario == Scenario(name="Fresh")
    assert saved.document.as_string() == path.read_text()


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.skipif(os.name != "posix", reason="permission bits are POSIX")
def test_a_new_file_honours_the_umask_and_is_not_world_writable(
    tmp_path: Path, umask_022: None
) -> None:
    path = tmp_path / "new.toml"
    write_scenario(Scenario(), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


@pytest.mark.skipif(os.name != "posix", reason="permission bits are POSIX")
@pytest.mark.parametrize("mode", [0o600, 0o664, 0o640])
def test_saving_over_a_file_keeps_its_permissions(
    tmp_path: Path, umask_022: None, mode: int
) -> None:
    """A private file stays private; a file shared with a group stays group-writable even though
    the umask alone would narrow it."""
    path = tmp_path / "plan.toml"
    path.write_text(ANNOTATED)
    path.chmod(mode)
    loaded = read_scenario(path)
    write_scenario(loaded.scenario.model_copy(update={"name": "Edited"}), path, loaded.document)
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert read_scenario(path).scenario.name == "Edited"


# -- errors ----------------------------------------------------------------------------------


def test_syntax_error_names_line_and_column() -> None:
    err = error_of('schema_version = 1\nname = "x"\nbad = = 3\n')
    assert "plan.toml: not valid TOML: line 3, column 7" in str(err)


SYNDICATION = 'channels["Content syndication"]'
EVENTS = 'channels["Events & webinars"]'


def test_every_bad_field_listed_with_path_value_and_range() -> None:
    text = default_text(
        (("simulation", "weeks"), 2),
        (("currency",), "usd"),
        (("channels", 2, "base_cpl"), -5),
        (("channels", 3, "fit_mean"), 1.5),
    )
    err = error_of(text)
    by_path = {p.path: p for p in err.problems}
    assert set(by_path) == {
        "simulation.weeks",
        "currency",
        f"{SYNDICATION}.base_cpl",
        f"{EVENTS}.fit_mean",
    }
    assert err.summary == "plan.toml: 4 problems in the scenario"
    assert by_path[f"{SYNDICATION}.base_cpl"].message == "must be >= 0"
    assert by_path[f"{SYNDICATION}.base_cpl"].value == -5
    assert by_path[f"{EVENTS}.fit_mean"].message == "must be in [0, 1]"
    assert "a whole number in [4, 520]" in by_path["simulation.weeks"].message
    assert f"{EVENTS}.fit_mean: must be in [0, 1] (found 1.5)" in str(err)
    assert "Value error" not in str(err)


def test_currency_type_and_repeated_names_say_what_is_allowed_in_plain_words() -> None:
    text = default_text(
        (("currency",), "usd$"),
        (("sales", "ae_count"), "ten"),
        (("channels", 3, "name"), "Paid search"),
    )
    err = error_of(text)
    messages = {str(p) for p in err.problems}
    assert (
        "currency: must be a three-letter ISO 4217 code such as USD or EUR (found 'usd$')"
        in messages
    )
    ae = next(p for p in err.problems if p.path == "sales.ae_count")
    assert "a whole number >= 1" in ae.message and ae.value == "ten"
    assert "pattern" not in str(err) and "(file)" not in str(err)


def test_a_repeated_channel_name_names_both_rows() -> None:
    err = error_of(default_text((("channels", 3, "name"), "Paid search")))
    assert [str(p) for p in err.problems] == [
        "channels[3].name: channel names must be unique; channels[0] already has this name "
        "(found 'Paid search')"
    ]


def test_rows_are_named_as_the_table_names_them_not_by_position() -> None:
    """`channels[1]` reads as row 2 to a planner; the channel's name cannot be misread."""
    err = error_of(default_text((("channels", 1, "base_cpl"), -5)))
    assert [p.path for p in err.problems] == ['channels["Paid social"].base_cpl']


def test_rows_whose_names_repeat_fall_back_to_positions() -> None:
    """Two channels called "Paid social" (itself an error): a name would not say which one."""
    err = error_of(
        default_text((("channels", 0, "name"), "Paid social"), (("channels", 1, "base_cpl"), -5))
    )
    assert [p.path for p in err.problems] == ["channels[1].base_cpl"]


def test_a_row_without_a_usable_name_is_named_by_position() -> None:
    err = error_of(default_text((("channels", 1, "name"), "")))
    assert err.problems[0].path == "channels[1].name"


def test_bad_distribution_is_one_clean_message() -> None:
    text = default_text(
        (("channels", 0, "fit_mean"), toml_value('{ dist = "normal", mean = 0.4, sd = 0.3 }')),
        (("channels", 1, "base_cpl"), toml_value('{ dist = "gamma", k = 2 }')),
    )
    err = error_of(text)
    assert [p.path for p in err.problems] == [
        'channels["Paid search"].fit_mean',
        'channels["Paid social"].base_cpl',
    ]
    assert "must be in [0, 1]" in err.problems[0].message
    assert "normal takes low/high" in err.problems[0].message


def test_wrong_type_for_a_plain_setting_does_not_suggest_a_distribution() -> None:
    seed = toml_value('{ dist = "uniform", low = 1, high = 9 }')
    err = error_of(default_text((("simulation", "seed"), seed)))
    assert err.problems[0].path == "simulation.seed"
    assert "not a distribution" in err.problems[0].message


def test_unknown_keys_get_did_you_mean() -> None:
    text = default_text(
        (("channels", 1, "base_cpll"), 60),
        (("brand", "weekly_spnd"), 1),
        (("brnad",), {"x": 1}),
    )
    err = error_of(text)
    messages = {p.path: p.message for p in err.problems}
    assert messages['channels["Paid social"].base_cpll'] == "unknown key; did you mean 'base_cpl'?"
    assert messages["brand.weekly_spnd"] == "unknown key; did you mean 'weekly_spend'?"
    assert messages["brnad"] == "unknown key; did you mean 'brand'?"


def test_unknown_key_without_a_close_match_lists_the_allowed_keys() -> None:
    err = error_of(default_text((("learning", "zzz"), 1)))
    assert err.problems[0].message == "unknown key; allowed here: enabled, rate, floor"


def test_missing_required_field() -> None:
    err = error_of(default_text() + '\n[[targets]]\nmetric = "revenue"\n')
    assert str(err.problems[0]) == "targets[0].value: required, but missing"


def test_model_level_rule_is_reported() -> None:
    err = error_of(
        default_text((("simulation", "weeks"), 100), (("simulation", "warmup_weeks"), 200))
    )
    assert "warmup_weeks (200) must be less than simulation.weeks (100)" in str(err)


def test_missing_schema_version_is_named() -> None:
    err = error_of('name = "x"\n')
    assert err.problems[0].path == "schema_version"
    assert "schema_version is missing" in err.summary


@pytest.mark.parametrize("value", ['"1"', "true", "0", "1.5"])
def test_bad_schema_version(value: str) -> None:
    err = error_of(f"schema_version = {value}\n")
    assert err.problems[0].path == "schema_version"


def test_newer_version_is_refused() -> None:
    err = error_of(f"schema_version = {SCHEMA_VERSION + 1}\n")
    assert "made by a newer Funnel Lab" in str(err)


def test_older_version_is_migrated(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend the format is at version 3: v1 called the name `title`, v2 dropped `notes`."""

    def rename_title(data: dict) -> dict:
        data["name"] = data.pop("title")
        return data

    def drop_notes(data: dict) -> dict:
        data.pop("notes", None)
        return data

    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 3)
    monkeypatch.setattr(migrations, "MIGRATIONS", {1: rename_title, 2: drop_notes})
    old = 'schema_version = 1\ntitle = "Old plan"  # from 2025\nnotes = "x"\n'
    loaded = parse_scenario(old)
    assert loaded.scenario.name == "Old plan"
    assert loaded.scenario.schema_version == 3
    # Saving onto the old document updates the version and drops the stale keys.
    out = render_scenario(loaded.scenario, loaded.document)
    assert parse_scenario(out).scenario == loaded.scenario
    assert "schema_version = 3\n" in out and "title" not in out and "notes" not in out


def test_missing_migration_step_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(migrations, "MIGRATIONS", {})
    assert "no upgrade to version 2" in str(error_of("schema_version = 1\n"))


def test_failing_migration_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(migrations, "MIGRATIONS", {1: lambda data: data["title"]})
    assert "could not upgrade the file from format version 1 to 2" in str(
        error_of("schema_version = 1\n")
    )


def test_empty_and_comment_only_files() -> None:
    assert "the file is empty" in str(error_of("  \n\n"))
    assert "no settings" in str(error_of("# just a note\n"))


def test_large_binary_and_non_utf8_files(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * MAX_FILE_BYTES + "\n")
    with pytest.raises(ScenarioError, match="larger than 1 MB"):
        read_scenario(big)
    binary = tmp_path / "chart.toml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(ScenarioError, match="binary file"):
        read_scenario(binary)
    latin = tmp_path / "latin.toml"
    latin.write_bytes('schema_version = 1\nname = "Café"\n'.encode("latin-1"))
    with pytest.raises(ScenarioError, match="not UTF-8"):
        read_scenario(latin)
    with pytest.raises(ScenarioError, match="larger than 1 MB"):
        parse_scenario("#" * (MAX_FILE_BYTES + 1))


def test_unreadable_paths(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such file"):
        read_scenario(tmp_path / "missing.toml")
    with pytest.raises(ScenarioError, match="is a folder"):
        read_scenario(tmp_path)


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + render_scenario(Scenario()).encode())
    assert read_scenario(path).scenario == Scenario()


def test_document_is_a_tomlkit_document() -> None:
    loaded = parse_scenario(ANNOTATED)
    assert isinstance(loaded.document, tomlkit.TOMLDocument) and loaded.path is None


def test_a_dated_budget_is_written_read_and_addressed_as_from() -> None:
    """`from` is the file's key (Python spells the attribute `from_`): a new file, an edited
    file and a path all use the file's spelling, and each reads back as the same scenario."""
    change = BudgetChange(from_=dt.date(2026, 10, 5), channel="brand", weekly_budget=3000)
    planned = Scenario().model_copy(update={"budget_changes": [change]})
    fresh = render_scenario(planned)
    edited = render_scenario(planned, based_on=tomlkit.parse(render_scenario(Scenario())))
    for text in (fresh, edited):
        assert "from = 2026-10-05" in text and "from_" not in text
        assert parse_scenario(text).scenario == planned
    assert paths.get(planned, paths.parse("budget_changes[0].from")) == dt.date(2026, 10, 5)
    assert paths.get(planned.model_dump(), paths.parse("budget_changes[0].from")) == change.from_
