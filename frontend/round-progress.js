// Enhances the page of a queued or running round: asks for its stage every few seconds, shows
// it in the live region, and reloads the page once the round has finished. Without JavaScript the
// page's "Refresh" link does the same by hand.
const panel = document.querySelector("[data-round-progress]");

if (panel) {
  const url = panel.dataset.statusUrl;
  const stage = panel.querySelector("[data-round-stage]");
  const seconds = Number(panel.dataset.refreshSeconds || "3");

  const poll = async () => {
    try {
      const answer = await fetch(url, { headers: { Accept: "application/json" } });
      if (answer.ok) {
        const state = await answer.json();
        if (state.status !== "queued" && state.status !== "running") {
          window.location.reload();
          return;
        }
        if (stage.textContent !== state.stage) stage.textContent = state.stage;
      }
    } catch {
      // The network blinked: try again at the next tick.
    }
    window.setTimeout(poll, seconds * 1000);
  };
  window.setTimeout(poll, seconds * 1000);
}
