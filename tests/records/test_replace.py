"""Re-imports: the same file is a no-op, an updated export replaces its teams' covered period, dry runs roll back."""

from datetime import date

import pandas as pd
import pytest

from records.errors import ImportRejected
from records.importers import import_file
from tests.records.support import GOOD, data_checksum

A_HEAD = "employee_id,team,start_date,end_date,reason,extent_pct\n"


def _csv(text: str) -> bytes:
    return text.encode("utf-8")


def test_the_same_file_twice_changes_nothing(store, example_site):
    first = import_file(store, "absences", GOOD / "absences_sv_cp1252.csv", site=example_site)
    before, audit = data_checksum(store), len(store.audit_log())
    again = import_file(store, "absences", GOOD / "absences_sv_cp1252.csv", site=example_site)
    assert (again.skipped_as_duplicate_file, again.inserted, again.replaced) == (True, 0, 0)
    assert (again.batch_id, again.rows) == (first.batch_id, first.rows)
    assert data_checksum(store) == before
    assert len(store.audit_log()) == audit
    assert again.to_dict()["imported"] is False


def test_same_content_under_another_name_is_the_same_file(store, example_site):
    content = (GOOD / "nki_en.csv").read_bytes()
    import_file(store, "nki", content=content, file_name="nki-2024-T2.csv", site=example_site)
    again = import_file(store, "nki", content=content, file_name="copy of nki.csv", site=example_site)
    assert again.skipped_as_duplicate_file


def test_an_updated_absence_export_replaces_its_teams_period(store, example_site):
    import_file(store, "absences", GOOD / "absences_en_utf8.csv", site=example_site)  # team-4 and team-5, Q1
    # A corrected team-4 export for March: one spell got longer, one new spell.
    update = _csv(
        A_HEAD + "EMP-2001-K,team-4,2024-03-18,2024-03-26,sick,100\nEMP-2002-K,team-4,2024-03-04,2024-03-04,sick,100\n"
    )
    summary = import_file(store, "absences", content=update, file_name="team4-march.csv", site=example_site)
    assert (summary.period_start, summary.period_end, summary.teams) == ("2024-03-04", "2024-03-26", ("team-4",))
    assert (summary.inserted, summary.replaced) == (2, 1)
    frame = store.absences_frame()
    team4 = frame[frame["team"] == "team-4"]
    assert team4["start_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-01-02",
        "2024-01-10",
        "2024-03-04",
        "2024-03-18",
    ]
    assert team4["end_date"].max() == pd.Timestamp("2024-03-26")
    assert len(frame[frame["team"] == "team-5"]) == 2  # other teams are untouched
    batches = store.import_batches("absences")
    assert [b.replaced for b in batches] == [0, 1]
    assert (batches[1].period_start, batches[1].teams) == (date(2024, 3, 4), ("team-4",))


def test_a_given_period_widens_what_is_replaced(store, example_site):
    import_file(store, "absences", GOOD / "absences_en_utf8.csv", site=example_site)
    # "team-4 had only this absence in Q1": the export's period is the quarter, not the span of its rows.
    update = _csv(A_HEAD + "EMP-2001-K,team-4,2024-02-01,2024-02-02,sick,100\n")
    summary = import_file(
        store,
        "absences",
        content=update,
        file_name="t4.csv",
        site=example_site,
        period=(date(2024, 1, 1), date(2024, 3, 31)),
    )
    assert (summary.replaced, summary.period_start, summary.period_end) == (3, "2024-01-01", "2024-03-31")
    assert store.absences_frame(teams=["team-4"])["start_date"].tolist() == [pd.Timestamp("2024-02-01")]


def test_an_updated_calls_export_replaces_only_its_intervals_and_teams(store, example_site):
    import_file(store, "calls", GOOD / "calls_sv_cp1252.csv", site=example_site)  # team-1 and team-2, 08:00-09:15
    update = _csv(
        "interval_start,team,offered,answered,abandoned\n"
        "2024-03-04 08:15,team-1,9,9,0\n2024-03-04 08:30,team-1,9,8,1\n2024-03-04 08:45,team-1,9,9,0\n"
    )
    summary = import_file(store, "calls", content=update, file_name="fix.csv", site=example_site)
    assert (summary.inserted, summary.replaced) == (3, 3)
    frame = store.calls_frame()
    assert len(frame) == 12
    team1 = frame[frame["team"] == "team-1"].set_index("interval_start")["offered"]
    assert team1.tolist() == [4, 9, 9, 9, 5, 6]
    assert frame[frame["team"] == "team-2"]["offered"].tolist() == [4, 5, 6, 7, 5, 6]


def test_an_open_ended_roster_cuts_rows_running_into_it(store, example_site):
    import_file(store, "staff", GOOD / "staff_sv_cp1252.csv", site=example_site)
    update = _csv("employee_id,team,start_date,end_date,fte\nEMP-1009-K,team-1,2024-09-01,,1\n")
    summary = import_file(store, "staff", content=update, file_name="roster.csv", site=example_site)
    # From 2024-09-01 on, team-1 is EMP-1009 only: rows still running then end the day before; history stays.
    assert (summary.replaced, summary.trimmed, summary.period_end) == (0, 2, None)
    team1 = store.staff_frame(teams=["team-1"]).sort_values("start_date")
    assert team1["end_date"].dt.strftime("%Y-%m-%d").fillna("ongoing").tolist() == [
        "2024-06-30",
        "2024-08-31",
        "2024-08-31",
        "ongoing",
    ]


def test_a_roster_for_half_a_year_splits_rows_that_span_it(store, example_site):
    import_file(store, "staff", GOOD / "staff_sv_cp1252.csv", site=example_site)
    update = _csv("employee_id,team,start_date,end_date,fte\nEMP-1001-K,team-1,2024-01-01,2024-06-30,0.5\n")
    summary = import_file(store, "staff", content=update, file_name="h1.csv", site=example_site)
    assert (summary.replaced, summary.trimmed) == (0, 3)
    person = store.staff_frame(teams=["team-1"])
    person = person[person["employee"] == store.pseudonymiser.pseudonym("EMP-1001-K")]
    spans = [
        (
            r.start_date.strftime("%Y-%m-%d"),
            "ongoing" if pd.isna(r.end_date) else r.end_date.strftime("%Y-%m-%d"),
            r.fte,
        )
        for r in person.itertuples()
    ]
    assert spans == [
        ("2022-08-15", "2023-12-31", 1.0),
        ("2024-01-01", "2024-06-30", 0.5),
        ("2024-07-01", "ongoing", 1.0),
    ]


def test_an_absence_export_clipped_to_its_period_cuts_spells_reaching_in(store, example_site):
    import_file(store, "absences", GOOD / "absences_sv_cp1252.csv", site=example_site)
    # February for team-1, as a system that clips spells to the period exports it.
    update = _csv(A_HEAD + "EMP-1003-K,team-1,2024-02-01,2024-02-09,sick,50\n")
    summary = import_file(
        store,
        "absences",
        content=update,
        file_name="feb.csv",
        site=example_site,
        period=(date(2024, 2, 1), date(2024, 2, 29)),
    )
    assert (summary.replaced, summary.trimmed) == (0, 2)
    frame = store.absences_frame(teams=["team-1"])
    person = frame[frame["employee"] == store.pseudonymiser.pseudonym("EMP-1003-K")]
    assert sorted(
        zip(person["start_date"].dt.day, person["end_date"].dt.strftime("%m-%d"), person["reason"], strict=True)
    ) == [
        (1, "02-09", "sick"),
        (22, "01-31", "other"),
        (22, "01-31", "sick"),
    ]


def test_nki_centre_rows_are_replaced_only_by_a_file_with_centre_rows(store, example_site):
    import_file(store, "nki", GOOD / "nki_sv_cp1252.csv", site=example_site)
    team_only = _csv(
        "period_start,period_end,team,dimension,score,responses\n2024-01-01,2024-04-30,team-1,treatment,4.6,19\n"
    )
    summary = import_file(store, "nki", content=team_only, file_name="t1.csv", site=example_site)
    assert summary.replaced == 2
    frame = store.nki_frame()
    assert frame["team"].isna().sum() == 4
    centre = _csv("period_start,period_end,team,dimension,score,responses\n2024-01-01,2024-04-30,,overall,4.2,220\n")
    summary = import_file(store, "nki", content=centre, file_name="centre.csv", site=example_site)
    assert summary.replaced == 4
    assert store.nki_frame()["team"].isna().sum() == 1


def test_a_dry_run_counts_but_stores_nothing(store, example_site):
    import_file(store, "absences", GOOD / "absences_en_utf8.csv", site=example_site)
    before, audit = data_checksum(store), len(store.audit_log())
    update = _csv(A_HEAD + "EMP-2001-K,team-4,2024-03-18,2024-03-26,sick,100\n")
    summary = import_file(store, "absences", content=update, file_name="u.csv", site=example_site, dry_run=True)
    assert (summary.dry_run, summary.inserted, summary.replaced, summary.batch_id) == (True, 1, 1, None)
    assert data_checksum(store) == before
    assert len(store.audit_log()) == audit
    real = import_file(store, "absences", content=update, file_name="u.csv", site=example_site)
    assert not real.skipped_as_duplicate_file  # the dry run left no trace, not even the file's hash


def test_an_import_is_audited(store, example_site):
    summary = import_file(store, "nki", GOOD / "nki_en.csv", site=example_site, actor="hr-anna")
    entry = store.audit_log()[0]
    assert (entry.actor, entry.action, entry.resource) == ("hr-anna", "import", "nki:nki_en.csv")
    assert (entry.details["rows"], entry.details["batch_id"]) == (3, summary.batch_id)


def test_autumn_dst_hour_listed_twice_is_resolved(store, example_site):
    rows = ["interval_start;team;offered;answered"]
    for clock in ("01:45", "02:00", "02:15", "02:30", "02:45", "02:00", "02:15", "02:30", "02:45", "03:00"):
        rows.append(f"2024-10-27 {clock};team-1;1;1")
    summary = import_file(store, "calls", content=_csv("\n".join(rows)), file_name="dst.csv", site=example_site)
    assert summary.inserted == 10
    instants = store.calls_frame()["interval_start"]
    assert instants.is_monotonic_increasing
    assert instants.is_unique
    assert instants.iloc[0] == pd.Timestamp("2024-10-26 23:45", tz="UTC")
    assert instants.iloc[-1] == pd.Timestamp("2024-10-27 02:00", tz="UTC")
    assert (instants.diff().dropna() == pd.Timedelta(minutes=15)).all()


def test_a_lone_ambiguous_local_time_is_refused(store, example_site):
    content = _csv("interval_start;team;offered;answered\n2024-10-27 02:15;team-1;1;1\n")
    with pytest.raises(ImportRejected, match="ambiguous in Europe/Stockholm"):
        import_file(store, "calls", content=content, file_name="dst.csv", site=example_site)


def test_mixed_offset_and_local_timestamps(store, example_site):
    content = _csv(
        "interval_start,team,offered,answered\n2024-01-08 08:00,team-1,1,1\n2024-01-08T07:15:00Z,team-1,2,2\n"
        "2024-01-08T08:30+01:00,team-1,3,3\n"
    )
    import_file(store, "calls", content=content, file_name="mixed.csv", site=example_site)
    assert store.calls_frame()["interval_start"].dt.strftime("%H:%M").tolist() == ["07:00", "07:15", "07:30"]
