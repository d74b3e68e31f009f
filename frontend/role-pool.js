// Progressive enhancement for the role form: the "how many students fit" panel follows the form
// as it changes. Without JavaScript the "Check how many students fit" button does the same.
const panel = document.querySelector("#pool-panel[data-posts-form]");

function debounce(action, milliseconds) {
  let timer;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(action, milliseconds);
  };
}

if (panel) {
  const form = panel.closest("form");
  const button = form.querySelector("[data-pool-button]");
  let pending = null;

  async function refresh() {
    if (pending) pending.abort();
    pending = new AbortController();
    panel.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(panel.dataset.postsForm, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        signal: pending.signal,
      });
      if (response.ok) {
        // The server's own fragment, built from its templates (no script in it).
        panel.innerHTML = await response.text();
      }
    } catch (error) {
      if (error.name !== "AbortError") button.classList.remove("govuk-!-display-none");
    } finally {
      panel.removeAttribute("aria-busy");
    }
  }

  const soon = debounce(refresh, 400);
  form.addEventListener("change", soon);
  form.addEventListener("input", soon);
  // The button stays in the page for browsers where the script fails.
  button.classList.add("govuk-!-display-none");
  panel.dataset.live = "true";
}
