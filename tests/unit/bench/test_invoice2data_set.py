"""bench/invoice2data_set.py: invoice2data's expected fields become bench/accuracy.py's truth, and a scan of
a first page keeps the total only where that page prints it."""

from __future__ import annotations

from bench.invoice2data_set import prints_amount, truth_of


def test_the_expected_amount_date_and_currency_become_the_truth():
    expected = [{"issuer": "Free", "amount": 29.99, "amount_untaxed": 24.99, "date": "2015-07-02", "currency": "EUR"}]
    assert truth_of(expected, "src") == {"date": "2015-07-02", "total": "29.99", "currency": "EUR", "source": "src"}
    assert truth_of({"amount": 1939.0, "date": "2017-12-31T00:00:00", "currency": "INR"}, "s")["total"] == "1939.00"


def test_an_expectation_without_an_amount_is_no_labelled_invoice():
    assert truth_of([{"issuer": "Lines test", "date": "2022-01-01", "currency": "USD"}], "s") is None
    assert truth_of([], "s") is None


def test_an_amount_is_found_however_the_page_writes_it():
    assert prints_amount("Totaal  € 4.904,94", "4904.94")
    assert prints_amount("Grand Total      Rs 1939", "1939.00")
    assert prints_amount("Somme à payer 29.99 € TTC", "29.99")
    assert not prints_amount("Small Business Exchange 2010 5,39 5,39", "34.73")
