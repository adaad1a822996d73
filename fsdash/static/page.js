// fsdash: what Streamlit's page lacks for keyboard and screen-reader users, added once the page
// has drawn (and again after each redraw).
(() => {
  if (window.fsdashMended) return;     // once a window: each page's run injects this again
  window.fsdashMended = true;
  const doc = document;

  // The cards' small trend charts are decoration beside the figure and its change; the same
  // trends are in the table under the cards. Hidden from screen readers, which would otherwise
  // meet an unlabelled image (axe: svg-img-alt).
  const hideSparklines = () => doc.querySelectorAll('[data-testid="stMetric"] svg').forEach(svg => {
    if (svg.getAttribute("aria-hidden") !== "true") {
      svg.setAttribute("aria-hidden", "true");
      svg.removeAttribute("role");
    }
  });

  // On a phone the pages' links fold behind Streamlit's "»" button: name it for what it opens.
  const nameMenuButton = () => doc.querySelectorAll('[data-testid="stExpandSidebarButton"]')
    .forEach(button => {
      if (button.getAttribute("aria-label") !== "Menu: the dashboard's pages") {
        button.setAttribute("aria-label", "Menu: the dashboard's pages");
      }
    });

  const mend = () => { hideSparklines(); nameMenuButton(); };
  mend();
  new MutationObserver(mend).observe(doc.body, {childList: true, subtree: true});
})();
