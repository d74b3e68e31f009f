"""Who may reach each endpoint: every endpoint of the URL map must have a line here.

Access classes (what each kind of visitor gets on GET, with a missing id or a wrong token in
the URL where the route takes one):

- "public": everyone 200.
- "anonymous-form": anonymous 200; a signed-in user 200 or a redirect (sign-in, registration).
- "signed-in": any signed-in role 200; anonymous is sent to /sign-in.
- "student", "organisation", "coordinator": that role 200 (404 when the URL holds an id that does
  not exist); anonymous is sent to /sign-in?next=...; the other roles get 403.
- "token": a link carrying a token; a wrong token answers 400 or 404 to everyone.
- "api-token": the university API (/api/v1), for bearer tokens only: a request without one is
  401, and one carrying a cookie (as every signed-in browser does) is refused with 400.

OVERRIDES give the expected outcomes of one endpoint per role where its class does not say it.
Outcomes: "200", "302" (any redirect), "sign-in" (a redirect to /sign-in), "400", "403", "404".
"""

from __future__ import annotations

ACCESS: dict[str, str] = {
    # public pages
    "public.start": "public",
    "public.accessibility": "public",
    "public.privacy": "public",
    "public.healthz": "public",
    # the API for universities, its description and its documentation page
    "developers.api_docs": "public",
    "api-docs.openapi_json": "public",
    "api.invite_students": "api-token",
    "api.list_students": "api-token",
    "api.list_placements": "api-token",
    "api.skills_demand": "api-token",
    "public.favicon": "public",
    # accounts
    "auth.sign_in": "anonymous-form",
    "auth.register_student": "anonymous-form",
    "auth.register_organisation": "anonymous-form",
    "auth.check_email": "public",
    "auth.forgot_password": "anonymous-form",
    "auth.reset_sent": "public",
    "auth.signed_out": "public",
    "auth.sign_out": "signed-in",
    "auth.change_password": "signed-in",
    "auth.confirm": "token",
    "auth.reset_password": "token",
    "auth.accept_invitation": "token",
    # student area
    "student.about": "student",
    "student.availability": "student",
    "student.change_choice": "student",
    "student.check_answers": "student",
    "student.change_request": "student",
    "student.choices": "student",
    "student.choose_role": "student",
    "student.course": "student",
    "student.dashboard": "student",
    "student.delete_account": "student",
    "student.download_data": "student",
    "student.eligibility": "student",
    "student.equality": "student",
    "student.offer": "student",
    "student.offers": "student",
    "student.personal_data_page": "student",
    "student.placement_feedback": "student",
    "student.remove_equality": "student",
    "student.right_to_work": "student",
    "student.role": "student",
    "student.roles": "student",
    "student.sectors": "student",
    "student.skill_levels": "student",
    "student.skills": "student",
    "student.submitted": "student",
    "student.where": "student",
    "student.withdraw": "student",
    "student.sharing_page": "student",
    # organisation area
    "organisation.candidates": "organisation",
    "organisation.close_role": "organisation",
    "organisation.copy_role": "organisation",
    "organisation.dashboard": "organisation",
    "organisation.details": "organisation",
    "organisation.edit_role": "organisation",
    "organisation.invite": "organisation",
    "organisation.mark_candidate": "organisation",
    "organisation.new_role": "organisation",
    "organisation.offer": "organisation",
    "organisation.offers": "organisation",
    "organisation.placement_feedback": "organisation",
    "organisation.publish_role": "organisation",
    "organisation.role": "organisation",
    "organisation.role_pool": "organisation",
    "organisation.roles": "organisation",
    "organisation.unmark_candidate": "organisation",
    # coordinator area
    "coordinator.answer_change_request": "coordinator",
    "coordinator.approve_proposal": "coordinator",
    "coordinator.swap_proposal": "coordinator",
    "coordinator.adopt_stable": "coordinator",
    "coordinator.change_requests_list": "coordinator",
    "coordinator.audit": "coordinator",
    "coordinator.audit_csv": "coordinator",
    "coordinator.compare_rounds": "coordinator",
    "coordinator.dashboard": "coordinator",
    "coordinator.decide": "coordinator",
    "coordinator.equity": "coordinator",
    "coordinator.import_roles": "coordinator",
    "coordinator.import_students": "coordinator",
    "coordinator.import_summary": "coordinator",
    "coordinator.import_template": "coordinator",
    "coordinator.invite_coordinator": "coordinator",
    "coordinator.move_placement": "coordinator",
    "coordinator.new_round": "coordinator",
    "coordinator.offers": "coordinator",
    "coordinator.offer_emails": "coordinator",
    "coordinator.resend_email": "coordinator",
    "coordinator.round_status": "coordinator",
    "coordinator.organisation": "coordinator",
    "coordinator.organisations": "coordinator",
    "coordinator.placements_csv": "coordinator",
    "coordinator.placements_list": "coordinator",
    "coordinator.programme_csv": "coordinator",
    "coordinator.publish": "coordinator",
    "coordinator.readiness": "coordinator",
    "coordinator.reject_proposal": "coordinator",
    "coordinator.reports": "coordinator",
    "coordinator.rerun": "coordinator",
    "coordinator.round_detail": "coordinator",
    "coordinator.round_proposals_csv": "coordinator",
    "coordinator.round_student": "coordinator",
    "coordinator.rounds": "coordinator",
    "coordinator.run_round": "coordinator",
    "coordinator.skills": "coordinator",
    "coordinator.skills_csv": "coordinator",
    "coordinator.stable": "coordinator",
    "coordinator.verify_organisation": "coordinator",
    "coordinator.withdraw_placement": "coordinator",
    "coordinator.withdraw_offer": "coordinator",
    "coordinator.universities": "coordinator",
    "coordinator.university": "coordinator",
    "coordinator.add_university_contact": "coordinator",
    "coordinator.remove_university_contact": "coordinator",
    "coordinator.issue_api_token": "coordinator",
    "coordinator.revoke_api_token": "coordinator",
}

OVERRIDES: dict[str, dict[str, set[str]]] = {
    # Signing out when not signed in goes back to the start page.
    "auth.sign_out": {"anonymous": {"302"}},
    # Compares the rounds named in the query string; with none, there is nothing to compare.
    "coordinator.compare_rounds": {"coordinator": {"200", "400", "404"}},
}

ROLE_CLASSES = ("student", "organisation", "coordinator")


def expected(endpoint: str, role: str, *, has_id: bool) -> set[str]:
    """The outcomes allowed for `role` on a GET of `endpoint`."""
    if role in OVERRIDES.get(endpoint, {}):
        return OVERRIDES[endpoint][role]
    access = ACCESS[endpoint]
    if access == "public":
        return {"200"}
    if access == "anonymous-form":
        return {"200"} if role == "anonymous" else {"200", "302"}
    if access == "token":
        return {"400", "404"}
    if access == "api-token":
        # A browser that has visited a page holds a session cookie, and the API refuses cookies.
        return {"401", "400"} if role == "anonymous" else {"400"}
    if role == "anonymous":
        return {"sign-in"}
    if access == "signed-in" or access == role:
        return {"404"} if has_id else {"200"}
    if access in ROLE_CLASSES:
        return {"403"}
    raise AssertionError(f"unknown access class {access!r} for {endpoint}")


def allowed_role(endpoint: str) -> str:
    """A role that may use the endpoint, to sign in as when it must get past the role check."""
    access = ACCESS[endpoint]
    if access in ROLE_CLASSES:
        return access
    return "student" if access == "signed-in" else "anonymous"
