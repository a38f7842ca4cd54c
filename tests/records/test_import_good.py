"""Realistic good files: Swedish Windows-1252 with semicolons and decimal commas, English UTF-8, XLSX."""

import json
from datetime import UTC, datetime

import pandas as pd
import pytest

from records.importers import import_file
from tests.records.support import GOOD
from tests.records.xlsx_files import absences_xlsx


def test_swedish_absences_in_windows_1252(store, example_site):
    summary = import_file(store, "absences", GOOD / "absences_sv_cp1252.csv", site=example_site)
    assert (summary.encoding, summary.delimiter, summary.rows, summary.inserted) == ("windows-1252", ";", 10, 10)
    assert (summary.period_start, summary.period_end) == ("2024-01-08", "2024-03-12")
    assert summary.teams == ("team-1", "team-2", "team-3")
    frame = store.absences_frame()
    assert len(frame) == 10
    assert set(frame["reason"]) == {"sick", "child_care", "other"}
    first = store.pseudonymiser.pseudonym("EMP-1001-K")
    spells = frame[frame["employee"] == first]
    assert spells["start_date"].tolist() == [pd.Timestamp("2024-01-08"), pd.Timestamp("2024-03-11")]
    assert spells["end_date"].tolist() == [pd.Timestamp("2024-01-10"), pd.Timestamp("2024-03-12")]
    by_person = frame.set_index("employee")
    assert by_person.loc[store.pseudonymiser.pseudonym("EMP-1005-K"), "extent_pct"] == 100  # empty = 100
    assert sorted(frame["extent_pct"].unique()) == [50, 75, 100]


def test_english_absences_in_utf8(store, example_site):
    summary = import_file(store, "absences", GOOD / "absences_en_utf8.csv", site=example_site)
    assert (summary.encoding, summary.delimiter, summary.inserted) == ("utf-8", ",", 5)
    assert store.absences_frame()["reason"].tolist() == ["sick", "child_care", "sick", "other", "sick"]


def test_bom_and_semicolon_is_a_good_file(store, example_site):
    summary = import_file(store, "absences", GOOD / "absences_bom_semicolon.csv", site=example_site)
    assert (summary.encoding, summary.delimiter, summary.inserted) == ("utf-8-sig", ";", 2)


def test_swedish_staff_with_decimal_commas_and_percentages(store, example_site):
    summary = import_file(store, "staff", GOOD / "staff_sv_cp1252.csv", site=example_site)
    assert summary.inserted == 6
    assert summary.period_end is None  # ongoing rows: open-ended
    frame = store.staff_frame()
    assert sorted(frame["fte"].tolist()) == [0.5, 0.5, 0.75, 1.0, 1.0, 1.0]
    assert frame["end_date"].isna().sum() == 5
    two_teams = frame[frame["employee"] == store.pseudonymiser.pseudonym("EMP-1005-K")]
    assert sorted(two_teams["team"]) == ["team-2", "team-3"]


def test_staff_in_english(store, example_site):
    import_file(store, "staff", GOOD / "staff_en.csv", site=example_site)
    frame = store.staff_frame()
    assert sorted(frame["fte"].tolist()) == [0.8, 1.0, 1.0]
    assert frame["end_date"].notna().sum() == 1


def test_swedish_calls_in_local_time(store, example_site):
    summary = import_file(store, "calls", GOOD / "calls_sv_cp1252.csv", site=example_site)
    assert summary.inserted == 12
    assert summary.period_start == "2024-03-04T07:00:00+00:00"  # 08:00 in Stockholm (CET)
    frame = store.calls_frame()
    assert str(frame["interval_start"].dtype) == "datetime64[ns, UTC]"
    assert frame["interval_start"].min() == pd.Timestamp("2024-03-04 07:00", tz="UTC")
    first = frame.iloc[0]
    assert (first["team"], first["offered"], first["answered"], first["abandoned"]) == ("team-1", 4, 4, 0)
    assert (frame["answered"] <= frame["offered"]).all()


def test_english_calls_with_offsets_quotes_and_a_missing_abandoned(store, example_site):
    import_file(store, "calls", GOOD / "calls_en_utf8.csv", site=example_site)
    frame = store.calls_frame()
    assert frame["interval_start"].tolist() == [
        pd.Timestamp(datetime(2024, 3, 5, 7, 0, tzinfo=UTC)),
        pd.Timestamp(datetime(2024, 3, 5, 7, 15, tzinfo=UTC)),
        pd.Timestamp(datetime(2024, 3, 5, 7, 30, tzinfo=UTC)),
        pd.Timestamp(datetime(2024, 3, 5, 7, 45, tzinfo=UTC)),
    ]
    assert frame["abandoned"].isna().tolist() == [False, False, True, False]
    assert frame["offered"].tolist() == [6, 5, 7, 12]


def test_swedish_nki_with_decimal_commas_and_whole_centre_rows(store, example_site):
    summary = import_file(store, "nki", GOOD / "nki_sv_cp1252.csv", site=example_site)
    assert summary.teams == (None, "team-1")
    frame = store.nki_frame()
    centre = frame[frame["team"].isna()].set_index("dimension")
    assert centre.loc["treatment", "score"] == pytest.approx(4.41)
    assert centre.loc["accessibility", "responses"] == 209
    assert set(frame["dimension"]) == {"treatment", "knowledge", "accessibility", "overall"}
    team = frame[frame["team"] == "team-1"].set_index("dimension")["score"]
    assert team.to_dict() == {"knowledge": pytest.approx(3.95), "treatment": pytest.approx(4.55)}


def test_english_nki(store, example_site):
    import_file(store, "nki", GOOD / "nki_en.csv", site=example_site)
    frame = store.nki_frame()
    assert frame["period_start"].tolist() == [pd.Timestamp("2024-05-01")] * 3
    assert frame["team"].tolist() == [None, None, "team-2"]


def test_xlsx_first_sheet_with_date_cells_and_numeric_ids(store, example_site):
    summary = import_file(store, "absences", content=absences_xlsx(), file_name="frånvaro.xlsx", site=example_site)
    assert (summary.encoding, summary.delimiter, summary.inserted) == ("xlsx", None, 3)
    frame = store.absences_frame()
    assert frame["start_date"].tolist() == [pd.Timestamp(d) for d in ("2024-05-06", "2024-05-13", "2024-05-20")]
    assert store.pseudonymiser.pseudonym("6003") in set(frame["employee"])
    assert frame["extent_pct"].tolist() == [100, 50, 100]


def test_an_xlsx_named_csv_is_still_read_as_xlsx(store, example_site):
    summary = import_file(store, "absences", content=absences_xlsx(), file_name="export.csv", site=example_site)
    assert summary.encoding == "xlsx"


def test_the_summary_serialises_to_json(store, example_site):
    summary = import_file(store, "nki", GOOD / "nki_en.csv", site=example_site)
    data = json.loads(summary.to_json())
    assert (data["kind"], data["imported"], data["rows"]) == ("nki", True, 3)
    assert data["teams"] == [None, "team-2"]
    assert set(data) >= {"rows", "inserted", "replaced", "period_start", "period_end", "skipped_as_duplicate_file"}


def test_unknown_columns_are_ignored_and_reported(store, example_site):
    content = b"employee_id,name,team,start_date,end_date,reason\nEMP-7001-K,Anna,team-1,2024-01-02,2024-01-02,sick\n"
    summary = import_file(store, "absences", content=content, file_name="a.csv", site=example_site)
    assert summary.ignored_columns == ("name",)
    assert summary.inserted == 1


def test_header_aliases_are_case_and_accent_insensitive(store, example_site):
    content = (
        "ANSTALLNINGSNUMMER;svarsGrupp;Fr.o.m.;T.o.m.;ORSAK;Omfattning (%)\n"
        "EMP-7001-K;Team-1;2024-01-02;2024-01-02;SJUK;50 %\n"
    )
    summary = import_file(store, "absences", content=content.encode(), file_name="a.csv", site=example_site)
    assert summary.inserted == 1
    assert store.absences_frame()["extent_pct"].tolist() == [50]
    assert store.absences_frame()["team"].tolist() == ["team-1"]


def test_progress_reports_the_rows(store, example_site):
    calls = []
    import_file(
        store, "calls", GOOD / "calls_sv_cp1252.csv", site=example_site, progress=lambda d, t: calls.append((d, t))
    )
    assert calls[0] == (0, 12)
    assert calls[-1] == (12, 12)


def test_grouped_digits_and_decimal_commas_in_counts(store, example_site):
    content = "intervall;svarsgrupp;erbjudna;besvarade;avbrutna\n2024-01-08 08:00;team-1;1 200;1\u00a0150;50\n"
    summary = import_file(store, "calls", content=content.encode("cp1252"), file_name="c.csv", site=example_site)
    assert summary.encoding == "windows-1252"
    assert store.calls_frame()[["offered", "answered", "abandoned"]].iloc[0].tolist() == [1200, 1150, 50]


def test_rows_are_numbered_as_lines_even_with_quoted_line_breaks(store, example_site):
    from records.errors import ImportRejected

    content = (
        "employee_id,team,start_date,end_date,reason,comment\n"
        'EMP-7001-K,team-1,2024-01-02,2024-01-02,sick,"first line\nsecond line"\n'
        "\n"
        "EMP-7002-K,team-1,2024-01-02,2024-01-01,sick,\n"
    )
    with pytest.raises(ImportRejected) as caught:
        import_file(store, "absences", content=content.encode(), file_name="a.csv", site=example_site)
    assert [(e.row, e.column) for e in caught.value.errors] == [(5, "end_date")]
