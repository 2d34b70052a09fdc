"""Small e-invoice XML documents written for the tests (UN/CEFACT CII as Factur-X and ZUGFeRD 1, UBL),
and PDFs carrying them as attachments (the /EmbeddedFiles name tree, or only the document's /AF)."""

from __future__ import annotations

import zlib
from pathlib import Path

import pikepdf

CII_NS = (
    'xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" '
    'xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" '
    'xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"'
)
LINES = (("Doliprane 1000 mg cp 8", "4.36"), ("Amoxicilline 1 g", "8.42"), ("Spasfon lyoc 80 mg", "4.27"))


def cii_line(name: str, amount: str) -> str:
    return (
        "<ram:IncludedSupplyChainTradeLineItem>"
        f"<ram:SpecifiedTradeProduct><ram:Name>{name}</ram:Name></ram:SpecifiedTradeProduct>"
        "<ram:SpecifiedLineTradeSettlement><ram:SpecifiedTradeSettlementLineMonetarySummation>"
        f"<ram:LineTotalAmount>{amount}</ram:LineTotalAmount>"
        "</ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement>"
        "</ram:IncludedSupplyChainTradeLineItem>"
    )


def cii(
    date: str = "20211012",
    due: str | None = "17.05",
    grand: str = "17.05",
    currency: str | None = "EUR",
    type_code: str = "380",
    lines: tuple[tuple[str, str], ...] = LINES,
) -> bytes:
    """A Factur-X (CII D16B) invoice of the pharmacy bill of tests/documents.py, its values as given."""
    summation = f"<ram:GrandTotalAmount>{grand}</ram:GrandTotalAmount>" + (
        f"<ram:DuePayableAmount>{due}</ram:DuePayableAmount>" if due is not None else ""
    )
    code = f"<ram:InvoiceCurrencyCode>{currency}</ram:InvoiceCurrencyCode>" if currency else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<rsm:CrossIndustryInvoice {CII_NS}>'
        "<rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter>"
        "<ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>"
        "</rsm:ExchangedDocumentContext>"
        f"<rsm:ExchangedDocument><ram:ID>2021-0458</ram:ID><ram:TypeCode>{type_code}</ram:TypeCode>"
        f'<ram:IssueDateTime><udt:DateTimeString format="102">{date}</udt:DateTimeString></ram:IssueDateTime>'
        "</rsm:ExchangedDocument><rsm:SupplyChainTradeTransaction>"
        + "".join(cii_line(name, amount) for name, amount in lines)
        + "<ram:ApplicableHeaderTradeAgreement><ram:SellerTradeParty><ram:Name>PHARMACIE DES TILLEULS</ram:Name>"
        "</ram:SellerTradeParty></ram:ApplicableHeaderTradeAgreement>"
        f"<ram:ApplicableHeaderTradeSettlement>{code}<ram:SpecifiedTradeSettlementHeaderMonetarySummation>"
        f'<ram:TaxTotalAmount currencyID="{currency or "CHF"}">0.35</ram:TaxTotalAmount>{summation}'
        "</ram:SpecifiedTradeSettlementHeaderMonetarySummation></ram:ApplicableHeaderTradeSettlement>"
        "</rsm:SupplyChainTradeTransaction></rsm:CrossIndustryInvoice>"
    ).encode()


def zugferd1(date: str = "20140124", due: str = "59.50") -> bytes:
    """A ZUGFeRD 1.0 invoice (CrossIndustryDocument)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rsm:CrossIndustryDocument '
        'xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0" '
        'xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12" '
        'xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15">'
        "<rsm:HeaderExchangedDocument><ram:ID>RE-1</ram:ID><ram:TypeCode>380</ram:TypeCode>"
        f'<ram:IssueDateTime><udt:DateTimeString format="102">{date}</udt:DateTimeString></ram:IssueDateTime>'
        "</rsm:HeaderExchangedDocument><rsm:SpecifiedSupplyChainTradeTransaction>"
        "<ram:ApplicableSupplyChainTradeAgreement><ram:SellerTradeParty><ram:Name>Lieferant GmbH</ram:Name>"
        "</ram:SellerTradeParty></ram:ApplicableSupplyChainTradeAgreement>"
        "<ram:ApplicableSupplyChainTradeSettlement><ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>"
        "<ram:SpecifiedTradeSettlementMonetarySummation>"
        f'<ram:GrandTotalAmount currencyID="EUR">{due}</ram:GrandTotalAmount>'
        f'<ram:DuePayableAmount currencyID="EUR">{due}</ram:DuePayableAmount>'
        "</ram:SpecifiedTradeSettlementMonetarySummation></ram:ApplicableSupplyChainTradeSettlement>"
        "</rsm:SpecifiedSupplyChainTradeTransaction></rsm:CrossIndustryDocument>"
    ).encode()


def ubl(date: str = "2018-04-09", payable: str | None = "484.00", root: str = "Invoice", currency: str = "EUR") -> bytes:
    """A UBL 2.1 Invoice (or CreditNote) with one line."""
    line, type_code = ("CreditNoteLine", "CreditNoteTypeCode") if root == "CreditNote" else ("InvoiceLine", "InvoiceTypeCode")
    payable_element = f'<cbc:PayableAmount currencyID="{currency}">{payable}</cbc:PayableAmount>' if payable else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="urn:oasis:names:specification:ubl:schema:xsd:{root}-2" '
        'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
        'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
        f"<cbc:ID>15000001</cbc:ID><cbc:IssueDate>{date}</cbc:IssueDate>"
        f"<cbc:{type_code}>{'381' if root == 'CreditNote' else '380'}</cbc:{type_code}>"
        "<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>"
        "<cac:AccountingSupplierParty><cac:Party><cac:PartyName><cbc:Name>Cabinet Martin</cbc:Name></cac:PartyName>"
        "<cac:PartyLegalEntity><cbc:RegistrationName>SELARL Martin</cbc:RegistrationName></cac:PartyLegalEntity>"
        "</cac:Party></cac:AccountingSupplierParty>"
        f'<cac:LegalMonetaryTotal><cbc:TaxInclusiveAmount currencyID="{currency}">484.00</cbc:TaxInclusiveAmount>'
        f"{payable_element}</cac:LegalMonetaryTotal>"
        f'<cac:{line}><cbc:ID>1</cbc:ID><cbc:LineExtensionAmount currencyID="{currency}">400.00</cbc:LineExtensionAmount>'
        f"<cac:Item><cbc:Name>Consultation</cbc:Name></cac:Item></cac:{line}>"
        f"</{root}>"
    ).encode()


def attach(pdf_path: Path, files: dict[str, bytes], out: Path, af_only: bool = False, compress: bool = True) -> Path:
    """A copy of the PDF carrying `files` (name -> bytes): in its /EmbeddedFiles name tree, or only in
    the document's /AF array of associated files (Flate-compressed unless told otherwise)."""
    with pikepdf.open(pdf_path) as pdf:
        specs = []
        for name, data in files.items():
            stream = pikepdf.Stream(pdf, zlib.compress(data) if compress else data)
            if compress:
                stream["/Filter"] = pikepdf.Name.FlateDecode
            stream["/Type"] = pikepdf.Name.EmbeddedFile
            spec = pikepdf.Dictionary(
                Type=pikepdf.Name.Filespec, F=pikepdf.String(name), UF=pikepdf.String(name), EF=pikepdf.Dictionary(F=stream)
            )
            specs.append(pdf.make_indirect(spec))
        pdf.Root.AF = pikepdf.Array(specs)
        if not af_only:
            names = pikepdf.Array()
            for name, spec in zip(files, specs, strict=True):
                names.extend([pikepdf.String(name), spec])
            pdf.Root.Names = pikepdf.Dictionary(EmbeddedFiles=pikepdf.Dictionary(Names=names))
        pdf.save(out)
    return out
