"""The same five reports rendered as .docx (official layout, merged cells), .pdf (that .docx
through LibreOffice with a Chinese font) and .html (rowspan/colspan inside CMS chrome): every
format gives the tables of the .txt seed, cell for cell. Fixtures: scripts/make_fixtures.py."""

import shutil

import pytest
from conftest import HERE, SEEDS

from extractors.extract import extract
from extractors.load import load_bytes, load_path

GENERATED = HERE / "fixtures" / "generated"
FORMATS = ["docx", "pdf", "html"]


def canonical(ex) -> dict:
    return {a: r.value for a, r in ex.tables.cells.items()}


@pytest.fixture(scope="module")
def seed_tables():
    return {p.name[:3]: canonical(extract(load_path(p)[0])) for p in SEEDS}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("sid", ["000", "001", "002", "003", "004"])
def test_identical_tables_from_every_format(sid, fmt, seed_tables):
    doc = load_bytes((GENERATED / f"{sid}.{fmt}").read_bytes())
    assert doc.format == fmt
    ex = extract(doc)
    assert canonical(ex) == seed_tables[sid]
    assert ex.template == ("hybrid" if sid == "001" else "2021")
    assert [h.part for h in ex.parts] == ["一", "二", "三", "四", "五", "六"]
    if fmt == "pdf":
        assert all(r.page for r in ex.tables.cells.values()), "PDF cells carry their page"


def test_six_page_pdf_with_table_three_over_pages(seed_tables):
    doc = load_bytes((GENERATED / "001-large.pdf").read_bytes())
    ex = extract(doc)
    assert canonical(ex) == seed_tables["001"]
    assert len({r.page for a, r in ex.tables.cells.items() if a.startswith("t3.")}) >= 2
    assert max(p.page for p in doc.paragraphs) == 6


@pytest.mark.parametrize("fmt", FORMATS)
def test_metadata_survives_every_format(fmt):
    ex = extract(load_bytes((GENERATED / f"001.{fmt}").read_bytes()))
    assert (ex.meta.issuer, ex.meta.year) == ("临淄区金岭回族镇", 2022)
    assert ex.meta.signed_on and ex.meta.signed_on.text == "2023年1月29日"


@pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice is not installed",
)
@pytest.mark.parametrize("name", ["001.doc", "001.wps"])
def test_legacy_word_through_libreoffice(name, seed_tables):
    doc = load_bytes((GENERATED / name).read_bytes(), name)
    assert canonical(extract(doc)) == seed_tables["001"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("sid", ["000", "001", "002", "003", "004"])
def test_same_findings_from_every_format(sid, fmt):
    """The rendered fixtures carry clean labels and no Word bookmarks, so conversion artefacts
    are the only findings the .txt export has and they do not."""
    from nianbao.review import review_bytes

    seed_path = next(p for p in SEEDS if p.name.startswith(sid))
    want = {f.rule for f in review_bytes(seed_path.read_bytes(), seed_path.name).findings} - {
        "conversion-artifact"
    }
    got = {f.rule for f in review_bytes((GENERATED / f"{sid}.{fmt}").read_bytes(), f"{sid}.{fmt}").findings}
    assert got == want


def test_a_pdf_finding_names_places_in_its_message_as_its_location_does():
    """A message listing where a phone number stands names page and printed line, as the finding's
    location does, not the line of the text the PDF was read as."""
    from nianbao.review import review_bytes

    review = review_bytes((GENERATED / "001.pdf").read_bytes(), "001.pdf")
    exposed = next(f for f in review.findings if f.rule == "personal-info-exposed")
    loc = exposed.location
    assert loc.page and loc.page_line
    assert f"（第{loc.page}页第{loc.page_line}行）" in exposed.message, exposed.message
    assert "行）" in exposed.message and "（第 " not in exposed.message
