// Progressive enhancement for the skills page: a search box that filters the grouped checkboxes.
// Without JavaScript the page is a grouped list that works on its own; this only adds the box.
const container = document.querySelector("[data-skills-search]");

function normalise(text) {
  return text.toLowerCase().replace(/\s+/g, " ").trim();
}

function buildSearch() {
  const group = document.createElement("div");
  group.className = "govuk-form-group";
  const label = document.createElement("label");
  label.className = "govuk-label govuk-label--s";
  label.htmlFor = "skills-search";
  label.textContent = "Search for a skill";
  const hint = document.createElement("div");
  hint.className = "govuk-hint";
  hint.id = "skills-search-hint";
  hint.textContent = "For example, Python, user research or SEO";
  const input = document.createElement("input");
  input.className = "govuk-input govuk-!-width-two-thirds";
  input.id = "skills-search";
  input.type = "search";
  input.autocomplete = "off";
  input.spellcheck = false;
  input.setAttribute("aria-describedby", "skills-search-hint skills-search-status");
  const status = document.createElement("p");
  status.className = "govuk-body govuk-!-margin-top-2";
  status.id = "skills-search-status";
  status.setAttribute("role", "status");
  group.append(label, hint, input, status);
  return { group, input, status };
}

function filter(term, groups, status) {
  let shown = 0;
  for (const details of groups) {
    let matches = 0;
    for (const item of details.querySelectorAll(".govuk-checkboxes__item")) {
      const box = item.querySelector("input");
      const text = normalise(`${item.textContent} ${box.dataset.searchTerms || ""}`);
      const match = !term || text.includes(term);
      item.classList.toggle("govuk-!-display-none", !match);
      if (match) matches += 1;
    }
    details.classList.toggle("govuk-!-display-none", matches === 0);
    if (term) {
      details.open = matches > 0;
    } else {
      const checked = details.querySelector("input:checked") !== null;
      details.open = details.dataset.initiallyOpen === "true" || checked;
    }
    shown += matches;
  }
  status.textContent = term
    ? `${shown} ${shown === 1 ? "skill matches" : "skills match"} your search`
    : "";
}

if (container) {
  const groups = Array.from(container.querySelectorAll("[data-skill-group]"));
  for (const details of groups) {
    details.dataset.initiallyOpen = String(details.open);
  }
  const { group, input, status } = buildSearch();
  container.before(group);
  input.addEventListener("input", () => filter(normalise(input.value), groups, status));
  // Enter in the search box must not submit the form.
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault();
  });
}
