// Service cards: opening a card's details fetches its expansion from the server (which
// records the expansion in the audit log) and puts it into the card. Without JavaScript the
// details hold a link to the same expansion as a page of its own, so nothing depends on this.
const FAILED = "The details could not be loaded. Use the link to open them on a page of their own.";

async function load(details) {
  const box = details.querySelector(".jup-card-details__text");
  const fallback = box.innerHTML;
  details.dataset.state = "loading";
  box.setAttribute("aria-busy", "true");
  try {
    const response = await fetch(details.dataset.cardUrl, {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    });
    if (response.redirected) {
      // Signed out or asked for a reason again: go there as a page would, not into the card.
      window.location.assign(details.querySelector("a[href]").href);
      return;
    }
    if (!response.ok) {
      throw new Error(`HTTP ${response.status}`);
    }
    const parsed = new DOMParser().parseFromString(await response.text(), "text/html");
    box.replaceChildren(...parsed.body.childNodes);
    details.dataset.state = "loaded";
  } catch {
    const message = document.createElement("p");
    message.className = "govuk-body";
    message.textContent = FAILED;
    box.innerHTML = fallback;
    box.prepend(message);
    delete details.dataset.state;
  } finally {
    box.removeAttribute("aria-busy");
  }
}

for (const details of document.querySelectorAll("details.jup-card-details[data-card-url]")) {
  details.addEventListener("toggle", () => {
    if (details.open && !details.dataset.state) {
      load(details);
    }
  });
}
