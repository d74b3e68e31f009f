// Progressive enhancement for the role form: ticking a skill adds its row (level, importance,
// required or desired) at once, and unticking removes it. Without JavaScript the
// "Update the skills below" button does the same through the server.
const rows = document.querySelector("[data-skill-rows]");
const template = document.getElementById("skill-row-template");

function fillIn(node, index, skill, label) {
  const walker = document.createTreeWalker(node, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  for (let current = walker.currentNode; current; current = walker.nextNode()) {
    if (current.nodeType === Node.TEXT_NODE) {
      current.nodeValue = current.nodeValue.replaceAll("__LABEL__", label);
      continue;
    }
    if (!current.attributes) continue; // the fragment itself
    for (const attribute of Array.from(current.attributes)) {
      const value = attribute.value
        .replaceAll("__INDEX__", index)
        .replaceAll("__SKILL__", skill)
        .replaceAll("__LABEL__", label);
      if (value !== attribute.value) current.setAttribute(attribute.name, value);
    }
  }
}

// Rows are named skills-0-..., skills-1-...: after a row goes, the later ones move up.
function renumber() {
  rows.querySelectorAll("[data-skill-row]").forEach((row, index) => {
    for (const element of row.querySelectorAll("[name], [id], [for], [aria-describedby]")) {
      for (const name of ["name", "id", "for", "aria-describedby"]) {
        const value = element.getAttribute(name);
        if (value) element.setAttribute(name, value.replace(/skills-\d+-/g, `skills-${index}-`));
      }
    }
  });
}

function rowFor(skill) {
  return Array.from(rows.querySelectorAll("[data-skill-row]")).find(
    (row) => row.dataset.skillRow === skill,
  );
}

if (rows && template) {
  const form = rows.closest("form");
  form.addEventListener("change", (event) => {
    const box = event.target;
    if (box.name !== "skill_choice") return;
    const existing = rowFor(box.value);
    if (box.checked && !existing) {
      const copy = template.content.cloneNode(true);
      const index = rows.querySelectorAll("[data-skill-row]").length;
      fillIn(copy, String(index), box.value, box.dataset.label);
      rows.append(copy);
    } else if (!box.checked && existing) {
      existing.remove();
      renumber();
    }
  });
  const update = form.querySelector("[data-skills-update]");
  if (update) update.classList.add("govuk-!-display-none");
}
