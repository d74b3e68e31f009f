"""CSV imports for coordinators: students from a university's list, roles from an organisation's."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from werkzeug.wrappers import Response
from wtforms import SubmitField

from placement.access import get_or_404, refuse_unless
from placement.coordinator import bp
from placement.extensions import db
from placement.forms import BaseForm
from placement.models import AuditEvent
from placement.services import imports

KINDS = {
    "students": {
        "title": "Import students",
        "service": imports.import_students,
        "columns": imports.STUDENT_COLUMNS,
        "template": "fixtures/templates/students.csv",
    },
    "roles": {
        "title": "Import roles",
        "service": imports.import_roles,
        "columns": imports.ROLE_COLUMNS,
        "template": "fixtures/templates/roles.csv",
    },
}


class ImportForm(BaseForm):
    file = FileField(
        "Upload a CSV file",
        widget=GovFileInput(),
        validators=[FileRequired(message="Select a CSV file")],
        description="Use the template's columns, saved as CSV UTF-8, 2 MB or smaller.",
    )
    submit = SubmitField("Check and import", widget=GovSubmitInput())


def _import_page(kind: str) -> str | Response:
    form = ImportForm()
    problems: list[imports.Problem] = []
    if form.validate_on_submit():
        data = form.file.data.read()
        try:
            outcome = KINDS[kind]["service"](db.session, data)
        except imports.FileRejected as rejected:
            db.session.rollback()
            problems = rejected.problems
            form.file.errors = [
                f"The file has {len(problems)} problem{'s' if len(problems) != 1 else ''}: "
                "fix them all and upload it again. Nothing has been imported."
            ]
        else:
            imports.send_invitations(db.session, outcome)
            db.session.commit()
            return redirect(url_for("coordinator.import_summary", event_id=outcome.event_id))
    return render_template(
        "coordinator/reports/import.html",
        form=form,
        kind=kind,
        title=KINDS[kind]["title"],
        columns=KINDS[kind]["columns"],
        problems=problems,
    )


@bp.route("/imports/students", methods=["GET", "POST"])
def import_students() -> str | Response:
    return _import_page("students")


@bp.route("/imports/roles", methods=["GET", "POST"])
def import_roles() -> str | Response:
    return _import_page("roles")


def load_import(event_id: int) -> AuditEvent:
    """The audit record of an import; any other event is not found."""
    event = get_or_404(AuditEvent, event_id)
    refuse_unless(event.action in imports.IMPORT_ACTIONS)
    return event


@bp.route("/imports/<int:event_id>")
def import_summary(event_id: int) -> str:
    event = load_import(event_id)
    return render_template("coordinator/reports/import_summary.html", event=event)


@bp.route("/imports/<any(students, roles):kind>/template.csv")
def import_template(kind: str) -> Response:
    """The blank template: the header and one example row (fixtures/templates/)."""
    from flask import send_file

    from placement import FIXTURES_DIR

    return send_file(
        FIXTURES_DIR / "templates" / f"{kind}.csv",
        mimetype="text/csv",
        as_attachment=True,
        download_name=f"{kind}-template.csv",
    )
