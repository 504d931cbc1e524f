"""Dates carry their precision; text dates are explicit only when stamped, else inferred."""

from datetime import datetime

from newsreader.core.article import ArticleDate
from newsreader.core.dates import find_stamp, infer_date, parse_meta_date, refine


def iso(d):
    return None if d is None else (d.iso(), d.precision, d.inferred)


def test_meta_dates_at_their_precision():
    assert iso(parse_meta_date("2023-09")) == ("2023-09", "month", False)
    assert iso(parse_meta_date("2023-09-14")) == ("2023-09-14", "day", False)
    assert iso(parse_meta_date("2023-09-14T07:12:33+02:00")) == ("2023-09-14T07:12", "minute", False)
    assert iso(parse_meta_date("Thu, 14 Sep 2023 07:12:00 +0200")) == ("2023-09-14T07:12", "minute", False)
    assert iso(parse_meta_date("14. September 2023")) == ("2023-09-14", "day", False)
    assert iso(parse_meta_date("3. Jän. 2024")) == ("2024-01-03", "day", False)
    assert iso(parse_meta_date("14.03.2024 um 18:05 Uhr")) == ("2024-03-14T18:05", "minute", False)
    assert iso(parse_meta_date("Mrz 2024")) == ("2024-03", "month", False)
    assert iso(parse_meta_date("Dezember 2022")) == ("2022-12", "month", False)


def test_meta_dates_that_are_not_dates():
    for raw in ("", "morgen", "2023", "Sonntag", "kein Datum 12", "2023-13-40", None, ["2023-01-01"]):
        assert parse_meta_date(raw) is None, raw


def test_stamp_is_explicit_minute_precision():
    found = find_stamp("Kicker Überschrift Stand: 14.09.2023 07:12 Uhr\n\nText.")
    assert found is not None
    assert iso(found[0]) == ("2023-09-14T07:12", "minute", False)


def test_stamp_variants():
    assert iso(find_stamp("Veröffentlicht am 3. März 2022\nText")[0]) == ("2022-03-03", "day", False)
    assert iso(find_stamp("Text " * 200 + "\nAktualisiert am 17.01.2021.")[0]) == ("2021-01-17", "day", False)
    assert find_stamp("Am 14.09.2023 traf Kim ein.") is None  # a date in text is not a stamp


def test_inferred_only_from_caption_credit_or_dateline():
    caption = "© Agentur. Die Ministerin trifft sich am 16. Januar 2024 in Moskau."
    assert iso(infer_date("Fließtext.", [caption])) == ("2024-01-16", "day", True)
    assert iso(infer_date("Text des Artikels. (APA, 9.5.2016)")) == ("2016-05-09", "day", True)
    assert iso(infer_date("Berlin, 12. März 2024 – Die Regierung hat …")) == ("2024-03-12", "day", True)
    # An event date in running text is not a report date: no date is better than a wrong one.
    assert infer_date("Die Wahl findet am 5. November 2024 statt. Seit dem 1. Januar 2020 gilt …") is None


def test_disagreeing_inferred_dates_give_none():
    assert infer_date("Text. (APA, 9.5.2016) Mehr. (APA, 9.5.2012)") is None


def test_future_dates_are_not_inferred():
    assert infer_date("Text. (APA, 9.5.2099)") is None


def test_refine_metadata_wins_stamp_refines():
    month = ArticleDate(datetime(2023, 9, 1), "month")
    stamp = ArticleDate(datetime(2023, 9, 14, 7, 12), "minute")
    other = ArticleDate(datetime(2021, 1, 2, 3, 4), "minute")
    assert refine(month, stamp) is stamp
    assert refine(month, other) is month
    assert refine(None, stamp) is stamp
    assert refine(month, None) is month


def test_display_marks_inferred():
    d = ArticleDate(datetime(2024, 1, 16), "day", inferred=True)
    assert d.display() == "~16 Jan 2024"
    assert ArticleDate(datetime(2023, 9, 14, 7, 12), "minute").display() == "14 Sep 2023 07:12"
    assert ArticleDate(datetime(2023, 9, 1), "month").display() == "Sep 2023"


def test_iso_forms_read_back_at_their_precision_and_nothing_else():
    for value, precision in ((datetime(2023, 9, 14, 7, 12), "minute"), (datetime(2023, 9, 14), "day"),
                             (datetime(2023, 9, 1), "month")):
        date = ArticleDate(value, precision)
        back = ArticleDate.from_iso(date.iso())
        assert back == ArticleDate(value, precision)
    assert ArticleDate.from_iso("2023-09-14").display() == "14 Sep 2023"
    for bad in ("", "gestern", "2023-13", "2023-02-30", "2023-09-14T25:00", "２０２３-０９", "2023-09-14T07:12:00"):
        assert ArticleDate.from_iso(bad) is None, bad
