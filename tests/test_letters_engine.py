"""The letter engine on its own: the catalogue, sandboxed rendering of hostile data and
hostile templates, template checks with their messages, the parse cache and the shipped
templates."""
from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document

from blueprints.letters import catalogue, defaults, engine


def docx_with(*paragraphs: str, header: str | None = None) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if header:
        document.sections[0].header.paragraphs[0].text = header
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def all_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
        parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)


def problem_of(blob: bytes) -> str:
    with pytest.raises(engine.TemplateProblem) as caught:
        engine.check_template(blob)
    return caught.value.message


# -- the catalogue ---------------------------------------------------------------------------
def test_every_catalogue_field_has_a_description_and_an_example():
    for group in catalogue.CATALOGUE:
        assert group.description, group.name
        for field in group.fields:
            assert field.description and field.example not in ("", None), (group.name, field)
        if not group.fields:
            assert group.example, group.name


def test_sample_context_has_every_known_name():
    context = catalogue.sample_context()
    for name in catalogue.known_names():
        value = context
        for part in name.split("."):
            value = value[part] if isinstance(value, dict) else value
        assert value not in ("", None, []), name


def test_a_partial_context_is_completed_with_blanks():
    context = catalogue.complete({"person": {"full_name": "Ada Byron"}})
    assert context["person"]["full_name"] == "Ada Byron"
    assert context["person"]["nhs_number"] == ""
    assert context["needs"] == [] and context["hearing"]["court"] == ""


def test_typed_recommendations_become_a_list_of_lines():
    values = catalogue.free_text_values({"recommendations": "- First\r\n\r\n• Second \n  "})
    assert values["recommendations"] == ["First", "Second"]


# -- data renders literally --------------------------------------------------------------------
HOSTILE_VALUE = "Ann <b>O'Neil</b> & {{ person.nhs_number }} {% if x %}]]></w:t>\x07\x0c\x00\x1b"


def test_hostile_data_renders_literally_and_the_document_opens():
    blob = docx_with("Name: {{ person.full_name }}", "Summary: {{ summary }}")
    context = catalogue.sample_context()
    context["person"]["full_name"] = HOSTILE_VALUE
    context["summary"] = "line one\r\nline two"
    text = all_text(engine.render_bytes(blob, context))
    assert "Name: Ann <b>O'Neil</b> & {{ person.nhs_number }} {% if x %}]]></w:t>" in text
    assert "\x07" not in text and "\x00" not in text and "\x1b" not in text
    assert "line one\nline two" in text  # a typed line break is a line break in Word
    assert "943 476 5919" not in text  # the placeholder inside the data was not evaluated


def test_missing_values_print_as_nothing_not_none():
    blob = docx_with("[{{ person.pnc_id }}][{{ hearing.court }}]")
    assert "[][]" in all_text(engine.render_bytes(blob, {"person": {"pnc_id": None}}))


# -- hostile templates -------------------------------------------------------------------------
@pytest.mark.parametrize("placeholder", [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ person.__class__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ range.__self__ }}",
])
def test_a_template_reaching_for_python_internals_is_refused(placeholder):
    message = problem_of(docx_with("Hello", placeholder))
    assert "underscore" in message or "may not do" in message


@pytest.mark.parametrize("placeholder", ["{{ config }}", "{{ request }}", "{{ self }}",
                                         "{{ lipsum() }}", "{{ cycler }}"])
def test_a_template_asking_for_app_objects_is_refused(placeholder):
    assert "Unknown field" in problem_of(docx_with(placeholder))


def test_a_template_cannot_mark_data_as_safe_xml():
    message = problem_of(docx_with("{{ person.full_name | safe }}"))
    assert "No filter named 'safe'" in message


def test_a_template_cannot_build_huge_text():
    assert "repeats text" in problem_of(docx_with("{{ 'x' * 100000000 }}"))


def test_rendering_cannot_change_the_data_it_is_given():
    blob = docx_with("{{ needs.append(1) }}{{ needs|length }}")
    with pytest.raises(engine.TemplateProblem):
        engine.check_template(blob)


# -- template checks -------------------------------------------------------------------------
def test_a_syntax_error_names_the_paragraph_it_is_in():
    message = problem_of(docx_with("Fine paragraph", "Dear {{ person.first_name }",
                                   "Another fine one"))
    assert message.startswith("Placeholder error")
    # (docxtpl joins the text up to the next closing braces, so later words may follow)
    assert 'in the paragraph "Dear {{ person.first_name }' in message


def test_an_unclosed_block_is_reported():
    message = problem_of(docx_with("{% if summary %}", "text"))
    assert "Placeholder error" in message and "endif" in message


def test_an_error_in_the_header_says_so():
    assert "in the header" in problem_of(docx_with("Body", header="{{ team.name "))


def test_an_unknown_field_is_named_with_the_closest_known_fields():
    message = problem_of(docx_with("{{ person.frist_name }} {{ prson.last_name }}"))
    assert "Unknown field {{ person.frist_name }}. Did you mean {{ person.first_name }}" \
        in message
    assert "Unknown field {{ prson }}. Did you mean {{ person }}" in message


def test_a_loop_variable_is_checked_against_the_row_fields():
    message = problem_of(docx_with("{% for need in needs %}{{ need.levle }}{% endfor %}"))
    assert message == ("Unknown field {{ need.levle }} in a row of needs. "
                       "Did you mean {{ need.level }}?")


def test_a_template_using_only_catalogue_fields_is_accepted():
    blob = docx_with("{{ person.full_name }} {{ today }}",
                     "{% for need in needs %}{{ need.domain }}: {{ need.level }}{% endfor %}",
                     "{% for goal in roadmap.goals %}{{ goal.next_step }}{% endfor %}",
                     "{% set who = person.first_name %}{{ who | upper }}")
    prepared = engine.check_template(blob)
    assert {"person", "today", "needs", "roadmap"} <= prepared.names


def test_a_file_that_is_not_a_word_document_is_refused_in_words():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "not a Word document" in problem_of(out.getvalue())


# -- the cache ---------------------------------------------------------------------------------
def test_a_version_is_parsed_once_while_cached():
    engine.CACHE.clear()
    loads = []
    blob = docx_with("{{ person.full_name }}")

    def loader():
        loads.append(1)
        return blob

    for name in ("Ann", "Bea", "Cy"):
        prepared = engine.prepared_for(("test", 1), loader)
        assert name in all_text(engine.render_prepared(prepared,
                                                       {"person": {"full_name": name}}))
    assert len(loads) == 1


def test_the_cache_forgets_the_least_recently_used():
    cache = engine._Cache(size=2)
    blob = docx_with("x")
    for key in ("a", "b", "a", "c"):
        cache.get(key, lambda: blob)
    assert list(cache.items) == ["a", "c"]


# -- shipped templates ------------------------------------------------------------------------
@pytest.mark.parametrize("purpose", list(defaults.BUILDERS))
def test_every_default_template_passes_its_own_checks(purpose):
    prepared = engine.check_template(defaults.build(purpose))
    text = all_text(engine.render_prepared(prepared, catalogue.sample_context()))
    assert "{{" not in text and "{%" not in text
    assert "Jordan Amadi" in text or "Jordan" in text


def test_default_templates_have_page_numbers_and_a_needs_table():
    document = Document(io.BytesIO(defaults.build("court_report")))
    footer_xml = document.sections[0].footer._element.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert {"Summary of assessment", "Needs identified", "Recommendations", "Signed"} \
        <= set(headings)
    assert any("{{ need.domain }}" in t.rows[2].cells[0].text for t in document.tables
               if len(t.rows) > 2)


def test_a_template_cannot_count_to_a_million():
    message = problem_of(docx_with("{% for i in range(1000000) %}{{ i }}{% endfor %}"))
    assert "may not do" in message or "could not be filled in" in message


def test_placeholders_in_document_properties_are_checked_too():
    document = Document()
    document.add_paragraph("{{ person.full_name }}")
    document.core_properties.title = "{{ config }}"
    out = io.BytesIO()
    document.save(out)
    assert "Unknown field {{ config }}" in problem_of(out.getvalue())
